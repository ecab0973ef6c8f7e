"""The opportunities app's registrations in crm_site/hooks.py (imported by
OpportunitiesConfig.ready): the navbar, the customer page's section and timeline and the
home panels (their functions in pages.py), merge and handover moves; demo and volume data
with the seeds."""

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from simple_history.utils import bulk_update_with_history

from crm_site import hooks
from crm_site.hooks import Moved

from . import agenda, demo, pages, reminders, search, volume
from .models import Opportunity


def move_opportunities(*, keep, merge, by, dry_run):
    """A merge: every opportunity of the merged customer moves to the kept one (their quotes,
    competitors and history go with them)."""
    rows = Opportunity.objects.filter(customer=merge)
    return hooks.move(
        "opportunities", gettext_noop("opportunities"), rows, dry_run=dry_run, customer=keep
    )


def hand_over_opportunities(*, customer_ids, from_user, to_user, by, dry_run):
    """客户交接: the departing owner's OPEN opportunities on these customers go to the
    receiver; won and lost ones stay with whoever closed them (their results)."""
    rows = Opportunity.objects.open().filter(customer_id__in=customer_ids, owner=from_user)
    label = gettext_noop("open opportunities")
    if dry_run:
        return Moved("opportunities", label, rows.count())
    moving = list(rows.select_for_update(of=("self",)).order_by("pk"))
    now = timezone.now()
    for opportunity in moving:
        opportunity.owner, opportunity.updated_at = to_user, now
    if moving:
        bulk_update_with_history(
            moving,
            Opportunity,
            ["owner", "updated_at"],
            default_user=by,
            default_change_reason="Customer handover",
        )
    return Moved("opportunities", label, len(moving))


hooks.register(hooks.CUSTOMER_MERGE, move_opportunities, order=100)
hooks.register(hooks.CUSTOMER_HANDOVER, hand_over_opportunities, order=100)

# --- navbar, customer page, home page ---------------------------------------------------------

hooks.register(hooks.NAV_ITEMS, pages.pipeline_nav, order=200)
hooks.register(hooks.HOME_GREETING, pages.greeting, order=200)
hooks.register(hooks.CUSTOMER_SECTIONS, pages.customer_opportunities, order=120)
for provider in (pages.stage_changes, pages.quote_events, pages.skip_decisions):
    hooks.register(hooks.CUSTOMER_TIMELINE, provider)
for order, panel in enumerate(
    (pages.closing_this_month, pages.overdue_solutions, pages.waiting_for_me)
):
    hooks.register(hooks.HOME_PANELS, panel, order=200 + order)

# --- navbar: the catalogue and the forecast ----------------------------------------------------


def _nav(perm, url_name, label, icon):
    def area(*, user):
        return hooks.NavItem(url_name, label, icon) if user.has_perm(perm) else None

    return area


hooks.register(
    hooks.NAV_ITEMS,
    _nav(
        "opportunities.work_with_opportunities",
        "opportunities:forecast",
        _("Forecast"),
        "bar-chart-line",
    ),
    order=220,
)
hooks.register(
    hooks.NAV_ITEMS,
    _nav(
        "opportunities.manage_catalogue", "opportunities:product-list", _("Catalogue"), "box-seam"
    ),
    order=230,
)

# --- demo and volume data (after the customers': they are made on its customers) -------------

hooks.register(hooks.DEMO_DATA, demo.seed, order=200)
hooks.register(hooks.VOLUME_OPTIONS, volume.add_options, order=200)
hooks.register(hooks.VOLUME_DATA, volume.seed, order=200)
# --- reminders (notifications.engine runs them; schedules in settings.REMINDER_SCHEDULES) ------

hooks.register(
    hooks.REMINDER_RULES,
    hooks.ReminderRule(
        "opportunities.solutions_overdue",
        gettext_noop("Solutions overdue → owner, then manager"),
        reminders.solutions_overdue,
    ),
)
hooks.register(
    hooks.REMINDER_RULES,
    hooks.ReminderRule(
        "opportunities.approvals_waiting",
        gettext_noop("Approvals waiting → approver, then their manager"),
        reminders.approvals_waiting,
    ),
)

hooks.register(hooks.AGENDA_ITEMS, agenda.solutions_due, order=200)
hooks.register(hooks.GLOBAL_SEARCH, search.opportunities, order=200)


def open_opportunity_blocks_pool(*, customer_ids):
    """A customer with an open opportunity is being worked: never returned to a pool."""
    rows = (
        Opportunity.objects.filter(customer_id__in=customer_ids, status=Opportunity.Status.OPEN)
        .order_by()
        .values_list("customer_id", flat=True)
        .distinct()
    )
    reason = _("it has an open opportunity")
    return {customer_id: str(reason) for customer_id in rows}


def recent_wins(*, customer_ids, since):
    """{customer id: when its last opportunity was won} for wins since `since`: the pools'
    reclaim counts a customer's quiet days from it."""
    rows = (
        Opportunity.objects.filter(
            customer_id__in=customer_ids, status=Opportunity.Status.WON, closed_at__gte=since
        )
        .order_by()
        .values("customer_id")
        .annotate(last=Max("closed_at"))
    )
    return {row["customer_id"]: row["last"] for row in rows}


hooks.register(hooks.CUSTOMER_POOL_BLOCKERS, open_opportunity_blocks_pool, order=100)
hooks.register(hooks.CUSTOMER_RECENT_WINS, recent_wins, order=100)


@hooks.register(hooks.CAPABILITIES, order=200)
def declare_capabilities():
    from . import capabilities

    return capabilities.ALL
