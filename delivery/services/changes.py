"""Change requests (需求变更确认单).

    change_request_create(*, contract, by, title, description, cost_impact, schedule_days,
                          phases, shift_phases, customer_name, customer_title,
                          customer_confirmed_on, today=None) -> ChangeRequest
    change_request_approve(*, change, by, comment="") -> ChangeRequest
    change_request_reject(*, change, by, comment) -> ChangeRequest

A request is written with the customer's confirmation (who, their title, when) and waits for a
delivery lead. Approved: the affected phases move by its schedule impact when it says so (the
only way a phase leaves the contract term), and a cost impact is added to the contract amount
(contracts' `contract_amend`): the payment plan no longer adds up until the rep re-balances it.
"""

from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from contracts.services.amendments import contract_amend
from crm_site.transitions import change_status

from ..errors import DeliveryError, InvalidInput
from ..models import ChangeRequest, Phase
from ..permissions import can_decide_change, can_work_on, is_delivery_lead
from .common import locked, plan_of
from .plan import _refuse


@transaction.atomic
def change_request_create(
    *,
    contract,
    by,
    title,
    description,
    cost_impact=0,
    schedule_days=0,
    phases=(),
    shift_phases=False,
    customer_name,
    customer_title,
    customer_confirmed_on,
    today=None,
):
    contract = locked(contract, by)
    if not can_work_on(by, contract):
        _refuse(contract, by)
    today = today or timezone.localdate()
    plan = plan_of(contract, by)
    errors = {}
    title, description = (title or "").strip(), (description or "").strip()
    if not title:
        errors["title"] = [_("Say what changes.")]
    if not description:
        errors["description"] = [_("Describe the change.")]
    try:
        cost_impact = Decimal(cost_impact or 0).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError):
        errors["cost_impact"] = [_("Enter the cost impact in yuan.")]
        cost_impact = Decimal(0)
    if contract.amount + cost_impact < 0:
        errors["cost_impact"] = [_("The reduction is larger than the contract amount.")]
    if not (customer_name or "").strip():
        errors["customer_name"] = [_("Enter who confirmed the change for the customer.")]
    if not (customer_title or "").strip():
        errors["customer_title"] = [_("Enter their title.")]
    if customer_confirmed_on is None:
        errors["customer_confirmed_on"] = [_("Enter the day the customer confirmed.")]
    elif customer_confirmed_on > today:
        errors["customer_confirmed_on"] = [_("The confirmation cannot be dated in the future.")]
    phase_ids = [getattr(p, "pk", p) for p in phases]
    own = list(Phase.objects.filter(plan=plan, pk__in=phase_ids))
    if len(own) != len(set(phase_ids)):
        errors["phases"] = [_("Choose phases of this plan.")]
    if shift_phases and (not schedule_days or not own):
        errors["shift_phases"] = [
            _("To shift phases, choose them and enter the schedule impact in days.")
        ]
    if errors:
        raise InvalidInput(errors)
    number = (plan.changes.aggregate(last=Max("number"))["last"] or 0) + 1
    change = ChangeRequest.objects.create(
        plan=plan,
        number=number,
        title=title,
        description=description,
        cost_impact=cost_impact,
        schedule_days=schedule_days or 0,
        shift_phases=bool(shift_phases),
        customer_name=customer_name.strip(),
        customer_title=customer_title.strip(),
        customer_confirmed_on=customer_confirmed_on,
        created_by=by,
    )
    change.phases.set(own)
    change.status_changes.create(to_status=change.status, by=by)
    return change


def _locked_change(change, by):
    contract = locked(change.plan.contract_id, by)
    change = ChangeRequest.objects.select_for_update().get(pk=change.pk)
    change.plan.contract = contract
    return contract, change


def _check_decider(change, by):
    if not can_decide_change(by, change):
        if not is_delivery_lead(by) and not can_work_on(by, change.plan.contract):
            raise PermissionDenied
        if not is_delivery_lead(by):
            raise DeliveryError(_("A delivery lead approves change requests."))
        ChangeRequest.TRANSITIONS.check(
            change.status, ChangeRequest.Status.APPROVED, labels=dict(ChangeRequest.Status.choices)
        )
        raise DeliveryError(_("The contract is no longer being delivered."))


@transaction.atomic
def change_request_approve(*, change, by, comment=""):
    contract, change = _locked_change(change, by)
    _check_decider(change, by)
    if change.shift_phases and change.schedule_days:
        shift = timedelta(days=change.schedule_days)
        for phase in Phase.objects.select_for_update().filter(pk__in=change.phases.values("pk")):
            phase.start_date += shift
            phase.end_date += shift
            phase.save(update_fields=["start_date", "end_date"])
    if change.cost_impact:
        contract_amend(
            contract=contract,
            by=by,
            amount=change.cost_impact,
            reason=_("Change request #%(number)s: %(title)s")
            % {"number": change.number, "title": change.title},
        )
    change.decided_by, change.decided_at = by, timezone.now()
    change.comment = (comment or "").strip()
    change_status(
        change,
        ChangeRequest.Status.APPROVED,
        by=by,
        reason=change.comment,
        also=("decided_by", "decided_at", "comment"),
    )
    return change


@transaction.atomic
def change_request_reject(*, change, by, comment):
    contract, change = _locked_change(change, by)
    _check_decider(change, by)
    comment = (comment or "").strip()
    if not comment:
        raise InvalidInput({"comment": [_("Say why the change is rejected.")]})
    change.decided_by, change.decided_at, change.comment = by, timezone.now(), comment
    change_status(
        change,
        ChangeRequest.Status.REJECTED,
        by=by,
        reason=comment or gettext_noop("Rejected"),
        also=("decided_by", "decided_at", "comment"),
    )
    return change
