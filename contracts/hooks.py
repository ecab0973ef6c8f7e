"""The contracts app's registrations in crm_site/hooks.py (imported by
ContractsConfig.ready): the purchases ABC grading reads, what a customer merge and a
handover move, and what shows on other pages (pages.py: navbar, customer section and
timeline, home panels)."""

from decimal import Decimal

from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from crm_site import hooks
from teams import roles

from . import agenda, demo, pages, receivables_export, reminders, search, volume
from .models import Contract
from .permissions import APPROVER_ROLES, can_create_contract, works_with_contracts

TEN_THOUSAND = Decimal(10000)
WAN = Decimal("0.01")


def signed_purchases(*, customer_ids, start, end):
    """Signed contract value (signed, in delivery or completed) per customer, by signing day
    from `start` to `end` inclusive, in 万元 (two decimals)."""
    rows = (
        Contract.objects.signed()
        .filter(customer_id__in=customer_ids, signed_on__range=(start, end))
        .order_by()
        .values("customer_id")
        .annotate(total=Sum("amount"))
    )
    return {row["customer_id"]: (row["total"] / TEN_THOUSAND).quantize(WAN) for row in rows}


def signings(*, start, end):
    """The customers with a contract signed from `start` (None: ever) to `end`."""
    rows = Contract.objects.signed().filter(signed_on__lte=end)
    if start is not None:
        rows = rows.filter(signed_on__gte=start)
    return rows.order_by().values("customer_id")


def move_contracts(*, keep, merge, by, dry_run):
    """A merge: every contract of the merged customer moves to the kept one (its lines,
    rounds, instalments, payments and invoices go with it)."""
    rows = Contract.objects.filter(customer=merge)
    return hooks.move("contracts", gettext_noop("contracts"), rows, dry_run=dry_run, customer=keep)


def hand_over_contracts(*, customer_ids, from_user, to_user, by, dry_run):
    """客户交接: the departing owner's contracts still in play on these customers (and so
    their instalments) go to the receiver; completed and cancelled ones stay as they were."""
    rows = Contract.objects.filter(
        customer_id__in=customer_ids, owner=from_user, status__in=Contract.OPEN_STATES
    )
    return hooks.move(
        "contracts", gettext_noop("open contracts"), rows, dry_run=dry_run, owner=to_user
    )


def approvals_area(*, user):
    """The approval inbox in the navbar, for the roles the chain names; its waiting count is
    loaded by htmx after the page (views.approval.approval_count)."""
    if roles.has_role(user, APPROVER_ROLES):
        return hooks.NavItem(
            "contracts:approval-inbox",
            _("Approvals"),
            "check2-square",
            badge_url_name="contracts:approval-count",
        )
    return None


def contracts_area(*, user):
    """The contract list in the navbar, for the roles that work with contracts."""
    if works_with_contracts(user):
        return hooks.NavItem("contracts:contract-list", _("Contracts"), "file-earmark-text")
    return None


def contract_from_quote(*, opportunity, user):
    """On the opportunity page: the contract made from its accepted quote, or a button to
    make one (a won or open deal whose customer the user may contract with). Two queries."""
    from opportunities.models import Opportunity, Quote

    if opportunity.status == Opportunity.Status.LOST or not works_with_contracts(user):
        return None
    made = (
        Contract.objects.visible_to(user)
        .filter(opportunity=opportunity)
        .exclude(status=Contract.Status.CANCELLED)
        .only("pk", "number")
        .first()
    )
    if made is not None:
        return hooks.Action(
            reverse("contracts:contract-detail", args=[made.pk]),
            _("Contract %(number)s") % {"number": made.number},
            "file-earmark-text",
            "contract-link",
        )
    quote = (
        Quote.objects.filter(opportunity=opportunity, status=Quote.Status.ACCEPTED)
        .order_by("-version")
        .only("pk")
        .first()
    )
    if quote is None or not can_create_contract(user, opportunity.customer):
        return None
    return hooks.Action(
        reverse("contracts:contract-from-quote", args=[quote.pk]),
        _("Create the contract"),
        "file-earmark-plus",
        "create-contract",
    )


hooks.register(hooks.NAV_ITEMS, contracts_area, order=290)


def greeting(*, user):
    """What the user does with contracts (HOME_GREETING)."""
    if roles.has_role(user, APPROVER_ROLES):
        return _("Approve the contracts waiting for you.")
    if works_with_contracts(user):
        return _("Turn accepted quotes into contracts and follow their payments.")
    return None


hooks.register(hooks.HOME_GREETING, greeting, order=300)
hooks.register(hooks.NAV_ITEMS, approvals_area, order=300)
hooks.register(hooks.OPPORTUNITY_ACTIONS, contract_from_quote, order=100)
hooks.register(hooks.CUSTOMER_PURCHASES, signed_purchases)
hooks.register(hooks.CUSTOMER_SIGNINGS, signings)
hooks.register(hooks.CUSTOMER_MERGE, move_contracts, order=200)
hooks.register(hooks.CUSTOMER_HANDOVER, hand_over_contracts, order=200)
hooks.register(hooks.NAV_ITEMS, pages.receivables_nav, order=310)
hooks.register(hooks.NAV_ITEMS, pages.chain_nav, order=930)
hooks.register(hooks.CUSTOMER_SECTIONS, pages.customer_contracts, order=130)
for provider in (
    pages.contract_events,
    pages.approval_events,
    pages.payment_events,
    pages.invoice_events,
):
    hooks.register(hooks.CUSTOMER_TIMELINE, provider)
for order, panel in enumerate((pages.approvals_waiting, pages.my_instalments, pages.team_overdue)):
    hooks.register(hooks.HOME_PANELS, panel, order=300 + order)
hooks.register(hooks.VOLUME_OPTIONS, volume.add_options, order=300)
hooks.register(hooks.VOLUME_DATA, volume.seed, order=300)
hooks.register(hooks.AGENDA_ITEMS, agenda.instalments_due, order=300)
hooks.register(hooks.DEMO_DATA, demo.seed, order=300)
hooks.register(hooks.GLOBAL_SEARCH, search.contracts, order=300)


# A contract in approval, signed or being delivered keeps its customer out of the pools.
POOL_BLOCKING_STATES = (
    Contract.Status.IN_APPROVAL,
    Contract.Status.APPROVED,
    Contract.Status.SIGNED,
    Contract.Status.IN_DELIVERY,
)


def contract_blocks_pool(*, customer_ids):
    """A customer with a contract in approval, signed or in delivery is never returned to a
    pool (公海)."""
    rows = (
        Contract.objects.filter(customer_id__in=customer_ids, status__in=POOL_BLOCKING_STATES)
        .order_by()
        .values_list("customer_id", flat=True)
        .distinct()
    )
    reason = _("it has a contract in approval, signed or in delivery")
    return {customer_id: str(reason) for customer_id in rows}


hooks.register(hooks.CUSTOMER_POOL_BLOCKERS, contract_blocks_pool, order=200)
# --- reminders (notifications.engine runs them; schedules in settings.REMINDER_SCHEDULES) ------

for name, label, fn in (
    (
        "contracts.instalments_due",
        gettext_noop("Instalments due soon → the contract's owner"),
        reminders.instalments_due,
    ),
    (
        "contracts.instalments_overdue",
        gettext_noop("Instalments overdue → manager (escalated), then legal"),
        reminders.instalments_overdue,
    ),
    (
        "contracts.approvals_waiting",
        gettext_noop("Contract approvals waiting → approver, then their manager"),
        reminders.approvals_waiting,
    ),
):
    hooks.register(hooks.REMINDER_RULES, hooks.ReminderRule(name, label, fn))


@hooks.register(hooks.CAPABILITIES, order=300)
def declare_capabilities():
    from . import capabilities

    return capabilities.ALL


# --- the receivables' large exports (written by a worker, downloaded from "My exports") --------


def _receivables_url(query):
    return reverse("contracts:receivables") + (f"?{query}" if query else "")


hooks.register(
    hooks.EXPORT_KINDS,
    hooks.ExportKind(
        key=receivables_export.KIND,
        title=_("Receivables export"),
        file_prefix="receivables",
        list_url=_receivables_url,
        write=receivables_export.write_queued,
        counted=receivables_export.counted,
        allowed=works_with_contracts,
    ),
)
