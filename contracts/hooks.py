"""The contracts app's registrations in crm_site/hooks.py (imported by
ContractsConfig.ready): the purchases ABC grading reads, and what a customer merge and a
handover move."""

from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from crm_site import hooks
from teams import roles

from . import agenda, reminders, search
from .models import Contract
from .permissions import APPROVER_ROLES

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
    """The approval inbox in the navbar, for the roles the chain names (no query: the count
    is on the page)."""
    if roles.has_role(user, APPROVER_ROLES):
        return hooks.NavItem("contracts:approval-inbox", _("Approvals"), "check2-square")
    return None


hooks.register(hooks.NAV_ITEMS, approvals_area, order=300)
hooks.register(hooks.CUSTOMER_PURCHASES, signed_purchases)
hooks.register(hooks.CUSTOMER_MERGE, move_contracts, order=200)
hooks.register(hooks.CUSTOMER_HANDOVER, hand_over_contracts, order=200)
hooks.register(hooks.AGENDA_ITEMS, agenda.instalments_due, order=300)
hooks.register(hooks.GLOBAL_SEARCH, search.contracts, order=300)

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
