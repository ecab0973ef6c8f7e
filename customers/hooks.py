"""The customers app's registrations in crm_site/hooks.py (imported by CustomersConfig.ready)."""

from django.contrib.humanize.templatetags.humanize import intcomma
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, npgettext

from crm_site import hooks

from . import (
    agenda,
    demo,
    home,
    moves,
    pool_demo,
    reminders,
    search,
    sections,
    timeline,
    volume,
)
from .models import Customer, ExportLog
from .permissions import exports_customers


def _area(perm, url_name, label, icon):
    def area(*, user):
        return hooks.NavItem(url_name, label, icon) if user.has_perm(perm) else None

    return area


# --- navbar, home page, customer page --------------------------------------------------------

for order, area in enumerate(
    [
        _area(
            "customers.work_with_customers", "customers:customer-list", _("Customers"), "building"
        ),
        _area(
            "customers.work_with_customers",
            "customers:quick-log",
            _("Quick log"),
            "lightning-charge",
        ),
        _area("customers.work_with_customers", "customers:lead-list", _("Leads"), "funnel"),
        _area("customers.work_with_customers", "customers:pool-list", _("Customer pool"), "water"),
        _area(
            "customers.manage_customers", "customers:handover", _("Handover"), "arrow-left-right"
        ),
        _area("customers.change_grading", "customers:grading-settings", _("Grading"), "sliders"),
    ]
):
    hooks.register(hooks.NAV_ITEMS, area, order=100 + order)

# Beside the other administrators' areas (users, teams, working days: 900+).
lead_settings = _area(
    "customers.manage_lead_settings", "customers:lead-settings", _("Lead settings"), "funnel"
)
hooks.register(hooks.NAV_ITEMS, lead_settings, order=940)

for order, panel in enumerate(
    [
        home.my_tasks,
        home.overdue_customers,
        home.cadence_debt,
        home.grade_review,
        home.pending_a_checks,
    ]
):
    hooks.register(hooks.HOME_PANELS, panel, order=100 + order)

hooks.register(hooks.HOME_GREETING, home.greeting, order=100)
hooks.register(hooks.CUSTOMER_SECTIONS, sections.needs_surveys, order=10)
hooks.register(hooks.CUSTOMER_SECTIONS, sections.grade_history, order=50)
hooks.register(hooks.CUSTOMER_SECTIONS, sections.pool, order=40)

for provider in (
    timeline.followups,
    timeline.grade_changes,
    timeline.status_changes,
    timeline.surveys,
    timeline.merges_and_handovers,
    timeline.creation_and_second_check,
    timeline.sharing,
):
    hooks.register(hooks.CUSTOMER_TIMELINE, provider)

# --- merge and handover: what moves (in this order on the confirm page and the records) ------

for move in (
    moves.move_contacts,
    moves.move_followups,
    moves.move_tasks,
    moves.move_surveys,
    moves.move_tags,
    moves.move_shares,
    moves.move_grade_changes,
    moves.move_status_changes,
    moves.move_grade_proposals,
    moves.move_handovers,
    moves.move_merges,
    moves.move_ownership_changes,
    moves.drop_reclaim_warnings,
    moves.move_lead_screening,
    moves.fill_empty_fields,
):
    hooks.register(hooks.CUSTOMER_MERGE, move)

hooks.register(hooks.CUSTOMER_HANDOVER, moves.move_open_tasks)

# --- demo and volume data ----------------------------------------------------------------------

hooks.register(hooks.DEMO_DATA, demo.seed, order=100)
hooks.register(hooks.DEMO_DATA, pool_demo.seed, order=900)
hooks.register(hooks.VOLUME_OPTIONS, volume.add_options, order=100)
hooks.register(hooks.VOLUME_DATA, volume.seed, order=100)
hooks.register(hooks.VOLUME_OPTIONS, volume.add_pool_options, order=101)
hooks.register(hooks.VOLUME_DATA, volume.seed_pools, order=900)

# --- reminders (notifications.engine runs them; schedules in settings.REMINDER_SCHEDULES) ------

for name, label, fn in (
    (
        "customers.followups_due",
        gettext_noop("Follow-ups due or overdue → owner"),
        reminders.followups_due,
    ),
    (
        "customers.followups_overdue_team",
        gettext_noop("Follow-ups long overdue → manager, weekly"),
        reminders.followups_overdue_team,
    ),
    ("customers.tasks_due", gettext_noop("Tasks due or overdue → owner"), reminders.tasks_due),
    (
        "customers.leads_unscreened",
        gettext_noop("Leads not screened within 3 working days → owner and manager"),
        reminders.leads_unscreened,
    ),
    (
        "customers.reclaim_warnings",
        gettext_noop("Customers about to go back to the pool → owner, K days before"),
        reminders.reclaim_warnings,
    ),
    (
        "customers.grade_review_ready",
        gettext_noop("Quarterly grade review proposals ready → managers"),
        reminders.grade_review_ready,
    ),
):
    hooks.register(hooks.REMINDER_RULES, hooks.ReminderRule(name, label, fn))

# --- my agenda -------------------------------------------------------------------------------

hooks.register(hooks.AGENDA_ITEMS, agenda.followups_due, order=100)
hooks.register(hooks.AGENDA_ITEMS, agenda.tasks_due, order=110)
hooks.register(hooks.GLOBAL_SEARCH, search.customers, order=100)
hooks.register(hooks.GLOBAL_SEARCH, search.contacts, order=110)


@hooks.register(hooks.CAPABILITIES, order=100)
def declare_capabilities():
    from . import capabilities

    return capabilities.ALL


# --- exports ----------------------------------------------------------------------------------


def _write_customers(**kwargs):
    from .services import write_customer_export

    return write_customer_export(**kwargs)


def _customer_list_url(query):
    return reverse("customers:customer-list") + (f"?{query}" if query else "")


def _customers_counted(count):
    return npgettext("export size", "%(counter)s customer", "%(counter)s customers", count) % {
        "counter": intcomma(count)
    }


hooks.register(
    hooks.EXPORT_KINDS,
    hooks.ExportKind(
        key=ExportLog.CUSTOMERS,
        title=_("Customer export"),
        file_prefix="customers",
        list_url=_customer_list_url,
        write=_write_customers,
        counted=_customers_counted,
        allowed=exports_customers,
    ),
)
# --- user administration: who still owns customers -------------------------------------------


@hooks.register(hooks.USER_HOLDINGS, order=100)
def owned_customers(*, user):
    """The customers a user owns; the handover page (with `deactivate=1`) hands them over and
    deactivates the user in one step, for whom may do both."""
    counted = (
        Customer.objects.filter(owner=OuterRef("pk"))
        .order_by()
        .values("owner")
        .annotate(n=Count("pk"))
        .values("n")
    )
    may_hand_over = user.has_perm("customers.manage_customers") and user.has_perm(
        "teams.manage_users"
    )
    return hooks.Holding(
        key="customers",
        label=gettext_noop("customers"),
        count=Coalesce(Subquery(counted, output_field=IntegerField()), 0),
        handover_url_name="customers:handover" if may_hand_over else "",
    )
