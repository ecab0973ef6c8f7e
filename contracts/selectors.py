"""Reads beyond `visible_to`: the approval queue ("waiting for me")."""

from django.db.models import Prefetch

from .models import ApprovalRound, Contract
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
