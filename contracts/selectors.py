"""Reads beyond `visible_to`: the approval queue ("waiting for me"), the contract list and
the approval table of a contract page."""

from datetime import date

from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.utils import timezone

from teams import policy

from .models import (
    ApprovalDecision,
    ApprovalRound,
    ApprovalStep,
    Contract,
    ContractLine,
    Payment,
)
from .services.approval import changed_since_last_round

ROUNDS = ApprovalRound.objects.order_by("number")


def approval_queue(user):
    """The contracts waiting for `user`'s decision (as themself or as a delegate), oldest
    waiting first, with what a row shows: customer, owner, the step, the rounds (for what
    changed since the last one). A constant number of queries."""
    return (
        Contract.objects.waiting_for(user)
        .select_related("customer", "owner", "current_step")
        .prefetch_related(
            Prefetch(
                "rounds", queryset=ApprovalRound.objects.order_by("number"), to_attr="all_rounds"
            )
        )
        .order_by("waiting_since", "pk")
    )


def with_changes(contracts):
    """Each contract of a page with `changed` (the fields changed since the last round) and
    `round_number` (the round in progress, which the decision posts back)."""
    for contract in contracts:
        contract.changed = changed_since_last_round(contract, contract.all_rounds)
        contract.round_number = contract.all_rounds[-1].number if contract.all_rounds else ""
    return contracts


# --- the contract list and the contract page -----------------------------------------------

# The list's sorts: a parameter -> the ordering (ending with the primary key, for keyset
# pages; the signing day may be empty and sorts last).
SORTS = {
    "-created": ("-created_at", "-pk"),
    "created": ("created_at", "pk"),
    "number": ("number", "pk"),
    "-number": ("-number", "-pk"),
    "-amount": ("-amount", "-pk"),
    "amount": ("amount", "pk"),
    "-signed": (F("signed_on").desc(nulls_last=True), "-pk"),
    "signed": (F("signed_on").asc(nulls_last=True), "pk"),
}
DEFAULT_SORT = "-created"
LIST_FIELDS = (
    "number",
    "title",
    "status",
    "amount",
    "signed_on",
    "created_at",
    "customer_id",
    "owner_id",
    "customer__name",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
)


def contract_list(user, filters, sort=DEFAULT_SORT):
    """The contracts `user` sees, narrowed by `filters` (a ContractFilterForm's cleaned
    data) and sorted by `sort` (a key of SORTS)."""
    rows = Contract.objects.visible_to(user).select_related("customer", "owner").only(*LIST_FIELDS)
    filters = filters or {}
    if filters.get("status"):
        rows = rows.filter(status=filters["status"])
    if filters.get("owner"):
        rows = rows.filter(owner=filters["owner"])
    text = (filters.get("customer") or "").strip()
    if text:
        rows = rows.filter(
            Q(customer__name__icontains=text) | Q(number__icontains=text) | Q(title__icontains=text)
        )
    month = filters.get("sign_month")
    if month:
        after = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        rows = rows.filter(signed_on__gte=month, signed_on__lt=after)
    rows = _drill(rows, filters)
    if filters.get("amount_min") is not None:
        rows = rows.filter(amount__gte=filters["amount_min"])
    if filters.get("amount_max") is not None:
        rows = rows.filter(amount__lte=filters["amount_max"])
    return rows.order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]))


def _drill(rows, filters):
    """The KPI dashboard's filters (the contracts behind one of its figures)."""
    if filters.get("signed"):
        rows = rows.signed()
    for name, field in (("signed", "signed_on"),):
        if filters.get(f"{name}_from"):
            rows = rows.filter(**{f"{field}__gte": filters[f"{name}_from"]})
        if filters.get(f"{name}_to"):
            rows = rows.filter(**{f"{field}__lte": filters[f"{name}_to"]})
    if filters.get("paid_from") or filters.get("paid_to"):
        rows = rows.filter(
            pk__in=Payment.objects.received_between(
                filters.get("paid_from"), filters.get("paid_to")
            ).values("contract_id")
        )
    if filters.get("approved_from") or filters.get("approved_to"):
        rows = rows.filter(
            pk__in=ApprovalRound.objects.approved_between(
                filters.get("approved_from"), filters.get("approved_to")
            ).values("contract_id")
        )
    if filters.get("team"):
        rows = rows.filter(owner__team_id__in=policy.team_subtree_ids(filters["team"].pk))
    for name, field in (
        ("region", "customer__region"),
        ("industry", "customer__industry"),
        ("grade", "customer__grade"),
        ("lead_source", "customer__lead_source"),
    ):
        if filters.get(name):
            rows = rows.filter(**{field: filters[name]})
    if filters.get("product"):
        rows = rows.filter(
            Exists(ContractLine.objects.filter(contract=OuterRef("pk"), product=filters["product"]))
        )
    return rows


def approval_table(contract, steps=None):
    """The template-4 table of every round of `contract`, latest first: per round its steps
    in order, each with its decision (who, on whose behalf, decision, comment, when, how long
    it waited) or, for the step waiting now, since when. Three queries."""
    rounds = list(contract.rounds.order_by("-number"))
    decisions = {}
    for decision in ApprovalDecision.objects.filter(round__contract=contract).select_related(
        "by", "on_behalf_of"
    ):
        decisions[(decision.round_id, decision.step_id)] = decision
    steps = steps if steps is not None else {s.pk: s for s in ApprovalStep.objects.all()}
    now = timezone.now()
    table = []
    for round in rounds:
        rows = []
        for step_id in round.step_ids:
            decision = decisions.get((round.pk, step_id))
            waiting = (
                decision is None
                and round.outcome == ApprovalRound.Outcome.IN_PROGRESS
                and contract.current_step_id == step_id
            )
            rows.append(
                {
                    "step": steps.get(step_id),
                    "decision": decision,
                    "waiting": waiting,
                    "waited": decision.waited
                    if decision
                    else (
                        now - contract.waiting_since if waiting and contract.waiting_since else None
                    ),
                }
            )
        table.append({"round": round, "rows": rows})
    return table
