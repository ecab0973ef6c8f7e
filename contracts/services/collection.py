"""The collection stage (催款流程) of an overdue instalment: none → customer reminded →
escalated to the manager → handed to legal, one step at a time, each with a note, recorded
(CollectionChange). Changed by hand here, later by the reminders.

    collection_advance(*, instalment, by, to_stage, note, today=None) -> CollectionChange

Whoever looks after the contract records a reminder; escalating (to the manager, to legal)
is a manager's or above's who reaches the owner."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from crm_site.transitions import change_status
from teams import policy, roles

from ..errors import ContractError, InvalidInput
from ..models import Instalment
from ..permissions import can_record_payments
from .payments import lock_instalment


@transaction.atomic
def collection_advance(*, instalment, by, to_stage, note, today=None):
    contract, instalment = lock_instalment(instalment, by)
    if not can_record_payments(by, contract):
        raise PermissionDenied
    if to_stage != Instalment.Collection.REMINDED and not (
        roles.has_role(by, roles.MANAGING_ROLES) and policy.reaches_owner(by, contract.owner)
    ):
        raise PermissionDenied
    if instalment.state(today) != Instalment.State.OVERDUE:
        raise ContractError(_("Collection starts once an instalment is overdue."))
    note = (note or "").strip()
    if not note:
        raise InvalidInput({"note": [_("Add a note saying what was done.")]})
    return change_status(instalment, to_stage, by=by, reason=note, field="collection_stage")
