"""After approval: signed (the date and the signed copy), in delivery, completed; and
cancelled by a manager with a reason. Every move goes through `change_status` on the
contract's TRANSITIONS and is recorded.

    contract_sign(*, contract, by, signed_on, signed_copy, today=None) -> Contract
    contract_start_delivery(*, contract, by) -> Contract
    contract_complete(*, contract, by) -> Contract  (refused while a completion check objects)
    contract_cancel(*, contract, by, reason) -> Contract

Signing moves the contract's opportunity to won when it is not yet
(opportunities.services.moves.opportunity_win, with its own rules: a refusal there refuses
the signing, and nothing is changed)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from crm_site import hooks
from crm_site.transitions import change_status
from opportunities.models import Opportunity
from opportunities.services.moves import opportunity_win

from ..errors import ContractError, InvalidInput
from ..models import ApprovalRound, Attachment, Contract
from ..permissions import can_cancel_contract, can_progress_contract, manages_contract
from .common import lock_contract
from .contracts import store_attachment


def _refuse(contract, by, allowed, wanted):
    if not manages_contract(by, contract):
        raise PermissionDenied
    if contract.status not in allowed:
        Contract.TRANSITIONS.check(contract.status, wanted, labels=dict(Contract.Status.choices))


@transaction.atomic
def contract_sign(*, contract, by, signed_on, signed_copy, today=None):
    contract = lock_contract(contract, by)
    _refuse(contract, by, {Contract.Status.APPROVED}, Contract.Status.SIGNED)
    today = today or timezone.localdate()
    errors = {}
    if signed_on is None:
        errors["signed_on"] = [_("Enter the date the contract was signed.")]
    elif signed_on > today:
        errors["signed_on"] = [_("The signing date cannot be in the future.")]
    if signed_copy is None:
        errors["signed_copy"] = [_("Upload the signed copy.")]
    if errors:
        raise InvalidInput(errors)
    if contract.opportunity_id:
        opportunity = Opportunity.objects.get(pk=contract.opportunity_id)
        if opportunity.status == Opportunity.Status.OPEN:
            opportunity_win(
                opportunity=opportunity,
                by=by,
                reason=_("Contract %(number)s signed.") % {"number": contract.number},
            )
        elif opportunity.status == Opportunity.Status.LOST:
            raise ContractError(
                _("The opportunity of this contract is lost; reopen it before signing.")
            )
    store_attachment(contract, by=by, upload=signed_copy, kind=Attachment.Kind.SIGNED_COPY)
    contract.signed_on = signed_on
    change_status(
        contract,
        Contract.Status.SIGNED,
        by=by,
        reason=gettext_noop("Signed on %(date)s."),
        reason_args={"date": signed_on.isoformat()},
        also=("signed_on",),
    )
    return contract


@transaction.atomic
def contract_start_delivery(*, contract, by):
    contract = lock_contract(contract, by)
    if not can_progress_contract(by, contract):
        _refuse(contract, by, set(), Contract.Status.IN_DELIVERY)
    change_status(contract, Contract.Status.IN_DELIVERY, by=by)
    return contract


def completion_refusals(contract):
    """Why `contract` may not be completed yet: the messages of the later apps'
    `CONTRACT_COMPLETION_CHECKS` (delivery: a passed acceptance), empty when none objects."""
    return [
        reason
        for fn in hooks.get(hooks.CONTRACT_COMPLETION_CHECKS)
        if (reason := fn(contract=contract))
    ]


@transaction.atomic
def contract_complete(*, contract, by):
    """Completed from in delivery, once no completion check objects (delivery's acceptance)."""
    contract = lock_contract(contract, by)
    if not can_progress_contract(by, contract):
        _refuse(contract, by, set(), Contract.Status.COMPLETED)
    Contract.TRANSITIONS.check(
        contract.status, Contract.Status.COMPLETED, labels=dict(Contract.Status.choices)
    )
    if refusals := completion_refusals(contract):
        raise ContractError(" ".join(refusals))
    change_status(contract, Contract.Status.COMPLETED, by=by)
    return contract


@transaction.atomic
def contract_cancel(*, contract, by, reason):
    """A manager or above who reaches the owner cancels, saying why; a round in progress
    ends with it. The number stays the contract's (never given again)."""
    contract = lock_contract(contract, by)
    reason = (reason or "").strip()
    if not can_cancel_contract(by, contract):
        if contract.TRANSITIONS.can(contract.status, Contract.Status.CANCELLED):
            raise PermissionDenied
        Contract.TRANSITIONS.check(
            contract.status, Contract.Status.CANCELLED, labels=dict(Contract.Status.choices)
        )
    if not reason:
        raise InvalidInput({"reason": [_("Say why the contract is cancelled.")]})
    ApprovalRound.objects.filter(
        contract=contract, outcome=ApprovalRound.Outcome.IN_PROGRESS
    ).update(outcome=ApprovalRound.Outcome.CANCELLED, finished_at=timezone.now())
    contract.current_step, contract.waiting_since = None, None
    contract.cancel_reason = reason
    change_status(
        contract,
        Contract.Status.CANCELLED,
        by=by,
        reason=reason,
        also=("current_step", "waiting_since", "cancel_reason"),
    )
    return contract
