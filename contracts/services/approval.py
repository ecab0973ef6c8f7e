"""Approval (合同审批): submit a draft, then each step of the chain decides in turn.

    applicable_steps(contract) -> [ApprovalStep]
    contract_submit(*, contract, by, version=None) -> ApprovalRound
    contract_approve(*, contract, by, comment="", round_number=None, version=None)
    contract_reject(*, contract, by, comment, round_number=None, version=None)
    contract_return(*, contract, by, comment, round_number=None, version=None)
        -> ApprovalDecision

Submitting starts a new round (earlier rounds are kept) with the active steps that apply to
the contract (amount, discount, credit period), in order. The contract waits at the first;
an approval moves it to the next, and the last one approves the contract. A rejection or a
return (each with a comment) ends the round and sends the contract back to draft.

Who may decide is `permissions.acting_as`. The decision locks the contract, checks the
round and version the approver saw (`round_number`, `version`: a page passes them), writes
one ApprovalDecision (the database allows one per step and round) and moves the contract.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from crm_site.transitions import change_status
from teams import policy

from ..errors import ContractError, InvalidInput, NotYourTurn, StaleContract
from ..models import ApprovalDecision, ApprovalRound, ApprovalStep, Contract
from ..permissions import acting_as, can_edit_contract, manages_contract
from .common import check_version, lock_contract

# What a round remembers of the contract, to show what changed in the next one.
SNAPSHOT_FIELDS = (
    "amount",
    "max_discount_percent",
    "payment_terms",
    "credit_days",
    "key_terms",
    "start_date",
    "end_date",
    "delivery_date",
    "warranty",
    "signing_entity",
)


def applicable_steps(contract):
    return [
        step for step in ApprovalStep.objects.filter(is_active=True) if step.applies_to(contract)
    ]


def snapshot(contract):
    return {field: str(getattr(contract, field) or "") for field in SNAPSHOT_FIELDS}


def changed_since_last_round(contract, rounds):
    """The fields whose value differs between the last two of `rounds` (in order)."""
    if len(rounds) < 2:
        return []
    before, now = rounds[-2].snapshot, rounds[-1].snapshot
    return [
        Contract._meta.get_field(field).verbose_name
        for field in SNAPSHOT_FIELDS
        if before.get(field) != now.get(field)
    ]


@transaction.atomic
def contract_submit(*, contract, by, version=None):
    contract = lock_contract(contract, by)
    if contract.status == Contract.Status.IN_APPROVAL:
        raise ContractError(_("This contract is in approval already."))
    if not can_edit_contract(by, contract):
        if manages_contract(by, contract):
            raise ContractError(
                _("Only a draft is submitted for approval; this one is “%(status)s”.")
                % {"status": contract.get_status_display()}
            )
        raise PermissionDenied
    check_version(contract, version)
    if not contract.lines.exists():
        raise InvalidInput({"lines": [_("A contract has at least one line.")]})
    steps = applicable_steps(contract)
    if not steps:
        raise ContractError(_("No approval step applies; ask an administrator."))
    first = steps[0]
    if first.is_team_step and policy.approver_for(contract.owner) is None:
        raise ContractError(
            _("No manager above %(owner)s can approve this contract; ask an administrator.")
            % {"owner": contract.owner}
        )
    number = (
        ApprovalRound.objects.filter(contract=contract)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
        or 0
    ) + 1
    round = ApprovalRound.objects.create(
        contract=contract,
        number=number,
        step_ids=[step.pk for step in steps],
        contract_version=contract.version,
        snapshot=snapshot(contract),
        submitted_by=by,
    )
    contract.wait_at(first, timezone.now())
    change_status(
        contract,
        Contract.Status.IN_APPROVAL,
        by=by,
        reason=gettext_noop("Submitted for approval (round %(round)s)."),
        reason_args={"round": number},
        also=("current_step", "waiting_since", "reached_roles"),
    )
    return round


def _current_round(contract):
    return (
        ApprovalRound.objects.select_for_update()
        .filter(contract=contract, outcome=ApprovalRound.Outcome.IN_PROGRESS)
        .first()
    )


def _decide(contract, *, by, decision, comment, round_number, version):
    """Lock, check the turn, the round and the version, record the decision; returns it with
    the round."""
    contract = lock_contract(contract, by)
    round = _current_round(contract) if contract.status == Contract.Status.IN_APPROVAL else None
    if round_number is not None and (round is None or round.number != int(round_number)):
        raise StaleContract(
            _("This approval round is over; the contract has moved on since you opened it.")
        )
    check_version(contract, version)
    acting = acting_as(by, contract, round=round)
    if not acting.allowed:
        raise NotYourTurn(acting.refusal)
    step = contract.current_step
    recorded = ApprovalDecision.objects.create(
        round=round,
        step=step,
        by=by,
        on_behalf_of=acting.on_behalf_of,
        decision=decision,
        comment=comment,
        waiting_since=contract.waiting_since or round.submitted_at,
    )
    return contract, round, recorded


def _comment(comment, required):
    comment = (comment or "").strip()
    if required and not comment:
        raise InvalidInput({"comment": [_("Say why in a comment.")]})
    return comment


@transaction.atomic
def contract_approve(*, contract, by, comment="", round_number=None, version=None):
    comment = _comment(comment, required=False)
    contract, round, decision = _decide(
        contract,
        by=by,
        decision=ApprovalDecision.Decision.APPROVE,
        comment=comment,
        round_number=round_number,
        version=version,
    )
    ids = list(round.step_ids)
    position = ids.index(decision.step_id)
    now = timezone.now()
    if position + 1 < len(ids):
        contract.wait_at(ApprovalStep.objects.get(pk=ids[position + 1]), now)
        contract.save(
            update_fields=["current_step", "waiting_since", "reached_roles", "updated_at"]
        )
        return decision
    round.outcome, round.finished_at = ApprovalRound.Outcome.APPROVED, now
    round.save(update_fields=["outcome", "finished_at"])
    contract.current_step, contract.waiting_since = None, None
    change_status(
        contract,
        Contract.Status.APPROVED,
        by=by,
        reason=gettext_noop("Approved at every step (round %(round)s)."),
        reason_args={"round": round.number},
        also=("current_step", "waiting_since"),
    )
    return decision


def _send_back(contract, *, by, comment, round_number, version, decision, outcome):
    comment = _comment(comment, required=True)
    contract, round, recorded = _decide(
        contract,
        by=by,
        decision=decision,
        comment=comment,
        round_number=round_number,
        version=version,
    )
    round.outcome, round.finished_at = outcome, timezone.now()
    round.save(update_fields=["outcome", "finished_at"])
    contract.current_step, contract.waiting_since = None, None
    change_status(
        contract,
        Contract.Status.DRAFT,
        by=by,
        reason=comment,
        also=("current_step", "waiting_since"),
    )
    return recorded


@transaction.atomic
def contract_reject(*, contract, by, comment, round_number=None, version=None):
    """Rejected with a comment: the round ends and the contract is a draft again."""
    return _send_back(
        contract,
        by=by,
        comment=comment,
        round_number=round_number,
        version=version,
        decision=ApprovalDecision.Decision.REJECT,
        outcome=ApprovalRound.Outcome.REJECTED,
    )


@transaction.atomic
def contract_return(*, contract, by, comment, round_number=None, version=None):
    """Returned for changes with a comment: the round ends and the contract is a draft
    again, to be changed and submitted anew."""
    return _send_back(
        contract,
        by=by,
        comment=comment,
        round_number=round_number,
        version=version,
        decision=ApprovalDecision.Decision.RETURN,
        outcome=ApprovalRound.Outcome.RETURNED,
    )
