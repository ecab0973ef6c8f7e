"""What contracts shows on other apps' pages through crm_site/hooks.py (registered in
hooks.py): the navbar, the customer page's section and timeline, the home page's panels.
Each runs a constant number of queries whatever the number of rows."""

from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, Min, Q, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from crm_site.hooks import Event, NavItem, Panel, Section
from teams import policy, roles

from . import receivables
from .models import ApprovalDecision, Contract, ContractStatusChange, Invoice, Payment
from .permissions import may_have_approvals, works_with_contracts
from .querysets import customer_contract_ids

PANEL_ROWS = 8
SECTION_ROWS = 20
TIMELINE_ROWS = 50
DUE_WITHIN_DAYS = 14
ZERO = Decimal("0.00")


def contract_url(pk):
    """The contract's page ("" until the contract pages exist)."""
    try:
        return reverse("contracts:contract-detail", args=[pk])
    except NoReverseMatch:
        return ""


# --- navbar ----------------------------------------------------------------------------------


def receivables_nav(*, user):
    if not works_with_contracts(user):
        return None
    return NavItem("contracts:receivables", _("Receivables"), "cash-coin")


def chain_nav(*, user):
    from .services.chain import may_edit_chain

    if not may_edit_chain(user):
        return None
    return NavItem("contracts:chain-settings", _("Approval chain"), "diagram-2")


# --- the customer page -------------------------------------------------------------------------


def customer_contracts(*, customer, user):
    """The customer's contracts the user sees (newest first) and what the customer owes on
    them: outstanding and overdue. Three queries."""
    if not works_with_contracts(user):
        return None
    ids = customer_contract_ids(customer, user)
    rows = list(
        Contract.objects.filter(pk__in=ids)
        .select_related("owner")
        .order_by("-created_at", "-pk")[:SECTION_ROWS]
    )
    today = timezone.localdate()
    owed = receivables.receivables(user, contract_ids=ids)
    totals = owed.aggregate(
        outstanding=Sum(receivables.OUTSTANDING, default=ZERO),
        overdue=Sum(receivables.OUTSTANDING, filter=Q(due_date__lt=today), default=ZERO),
        overdue_count=Count("pk", filter=Q(due_date__lt=today)),
        next_due=Min("due_date", filter=Q(due_date__gte=today)),
    )
    for contract in rows:
        contract.url = contract_url(contract.pk)
    return Section(
        "contracts/sections/customer.html",
        column="main",
        context={"rows": rows, "total": len(ids), **totals},
    )


def contract_events(*, customer, user):
    """Each status change of the customer's contracts: created, submitted, approved, back to
    draft, signed, in delivery, completed, cancelled."""
    ids = customer_contract_ids(customer, user)
    if not ids:
        return
    changes = (
        ContractStatusChange.objects.filter(subject_id__in=ids)
        .select_related("subject", "by")
        .order_by("-at", "-pk")[:TIMELINE_ROWS]
    )
    labels = dict(Contract.Status.choices)
    for change in changes:
        contract = change.subject
        yield Event(
            when=change.at,
            kind="contract",
            icon="file-earmark-check",
            title=f"{contract.number} · {contract.title}",
            body=change.reason_text,
            url=contract_url(contract.pk),
            who=change.by,
            badges=[str(labels.get(change.to_status, change.to_status))],
        )


def approval_events(*, customer, user):
    """Each approval decision, with the approver's name and whose step it was."""
    ids = customer_contract_ids(customer, user)
    if not ids:
        return
    decisions = (
        ApprovalDecision.objects.filter(round__contract_id__in=ids)
        .select_related("round__contract", "step", "by", "on_behalf_of")
        .order_by("-at", "-pk")[:TIMELINE_ROWS]
    )
    for decision in decisions:
        contract = decision.round.contract
        title = f"{contract.number} · {decision.step.name}"
        if decision.on_behalf_of_id:
            title += " · " + gettext("on behalf of %(name)s") % {
                "name": decision.on_behalf_of.display_name
            }
        yield Event(
            when=decision.at,
            kind="approval",
            icon="check2-square",
            title=title,
            body=decision.comment,
            url=contract_url(contract.pk),
            who=decision.by,
            badges=[str(decision.get_decision_display())],
        )


def _at_noon(day):
    return timezone.make_aware(timezone.datetime(day.year, day.month, day.day, 12))


def payment_events(*, customer, user):
    ids = customer_contract_ids(customer, user)
    if not ids:
        return
    payments = (
        Payment.objects.filter(contract_id__in=ids)
        .select_related("contract", "instalment", "recorded_by")
        .order_by("-received_on", "-pk")[:TIMELINE_ROWS]
    )
    for payment in payments:
        yield Event(
            when=_at_noon(payment.received_on),
            kind="payment",
            icon="cash-coin",
            title=gettext("%(number)s · payment of %(amount)s yuan (instalment %(position)s)")
            % {
                "number": payment.contract.number,
                "amount": f"{payment.amount:,.2f}",
                "position": payment.instalment.position,
            },
            body=payment.reference,
            url=contract_url(payment.contract_id),
            who=payment.recorded_by,
            badges=[str(payment.get_method_display())],
        )


def invoice_events(*, customer, user):
    ids = customer_contract_ids(customer, user)
    if not ids:
        return
    invoices = (
        Invoice.objects.filter(contract_id__in=ids)
        .select_related("contract", "instalment", "recorded_by")
        .order_by("-issued_on", "-pk")[:TIMELINE_ROWS]
    )
    for invoice in invoices:
        yield Event(
            when=_at_noon(invoice.issued_on),
            kind="invoice",
            icon="receipt",
            title=gettext("%(number)s · invoice %(invoice)s, %(amount)s yuan")
            % {
                "number": invoice.contract.number,
                "invoice": invoice.number,
                "amount": f"{invoice.amount:,.2f}",
            },
            url=contract_url(invoice.contract_id),
            who=invoice.recorded_by,
            badges=[str(invoice.get_kind_display())],
        )


# --- the home page -------------------------------------------------------------------------


def approvals_waiting(*, user):
    """An approver's waiting count and the contract waiting longest."""
    if not may_have_approvals(user):
        return None
    waiting = Contract.objects.waiting_for(user)
    oldest = waiting.select_related("customer", "current_step").order_by("waiting_since", "pk")
    return Panel(
        "contracts/panels/approvals.html",
        {"total": waiting.count(), "oldest": oldest.first()},
    )


def my_instalments(*, user):
    """A seller's own unpaid instalments: overdue ones, and those due in the next 14 days."""
    if not roles.has_role(user, roles.SELLS):
        return None
    today = timezone.localdate()
    mine = (
        receivables.owned_receivables(user)
        .filter(contract__owner=user, due_date__lte=today + timedelta(days=DUE_WITHIN_DAYS))
        .select_related("contract__customer")
        .order_by("due_date", "pk")
    )
    rows = list(mine[:PANEL_ROWS])
    for row in rows:
        row.days_past_due = (today - row.due_date).days
        row.bucket = receivables.bucket_of(row.days_past_due)
    totals = mine.aggregate(
        overdue=Count("pk", filter=Q(due_date__lt=today)),
        due=Count("pk", filter=Q(due_date__gte=today)),
    )
    return Panel("contracts/panels/my_instalments.html", {"rows": rows, **totals})


def team_overdue(*, user):
    """A manager's team subtree: what is overdue, in total and on how many instalments."""
    if not roles.has_role(user, roles.LEADS_TEAM) or policy.reach(user) is not policy.Reach.SUBTREE:
        return None
    today = timezone.localdate()
    overdue = receivables.owned_receivables(user).filter(due_date__lt=today)
    totals = overdue.aggregate(
        amount=Sum(receivables.OUTSTANDING, default=ZERO),
        count=Count("pk"),
        customers=Count("contract__customer", distinct=True),
    )
    return Panel("contracts/panels/team_overdue.html", totals)
