"""The implementation plan (template 5): phases and weekly progress notes.

phase_save(*, contract, by, phase=None, **values) -> Phase
    values: name, start_date, end_date, owner, key_tasks, deliverables, risks, mitigations
phase_start(*, phase, by) -> Phase       (the first moves the contract into delivery)
phase_progress(*, phase, by, percent) -> Phase
phase_complete(*, phase, by, today=None) -> Phase
progress_note_add(*, contract, by, week_of, body, next_steps="") -> ProgressNote
plan_summary_set(*, contract, by, summary) -> Plan
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from contracts.models import Contract
from contracts.services.lifecycle import contract_start_delivery
from crm_site.transitions import change_status

from .. import validation
from ..errors import DeliveryError, InvalidInput
from ..models import Assignment, Phase, ProgressNote
from ..models.plan import week_start
from ..permissions import can_work_on, delivers
from .common import locked, plan_of

PHASE_FIELDS = (
    "name",
    "start_date",
    "end_date",
    "owner",
    "key_tasks",
    "deliverables",
    "risks",
    "mitigations",
)


def _refuse(contract, by):
    if not delivers(by, contract):
        raise PermissionDenied
    raise DeliveryError(
        _("The plan of a contract that is “%(status)s” cannot change.")
        % {"status": contract.get_status_display()}
    )


def _check_owner(contract, owner):
    if owner is None:
        return {}
    on_team = Assignment.objects.filter(contract=contract, user=owner).exists()
    if not on_team:
        return {"owner": [_("A phase's owner is on the contract's delivery team.")]}
    return {}


@transaction.atomic
def phase_save(*, contract, by, phase=None, **values):
    """A new phase (`phase` None) or changes to one. Its dates stay within the contract term;
    a phase an approved change request moved beyond it keeps those dates when edited."""
    contract = locked(contract, by)
    if not can_work_on(by, contract):
        _refuse(contract, by)
    if phase is not None:
        phase = Phase.objects.select_for_update().get(pk=phase.pk, plan__contract=contract)
    unknown = set(values) - set(PHASE_FIELDS)
    if unknown:
        raise TypeError(f"unknown phase fields {sorted(unknown)}")
    name = (values.get("name") or "").strip()
    errors = {} if name else {"name": [_("Name the phase.")]}
    start, end = values.get("start_date"), values.get("end_date")
    kept = phase is not None and (phase.start_date, phase.end_date) == (start, end)
    errors |= validation.phase_date_errors(
        start=start, end=end, contract=contract, beyond_term=kept
    )
    errors |= _check_owner(contract, values.get("owner"))
    if errors:
        raise InvalidInput(errors)
    plan = plan_of(contract, by)
    if phase is None:
        last = plan.phases.aggregate(last=Max("position"))["last"] or 0
        phase = Phase(plan=plan, position=last + 1)
    for field in PHASE_FIELDS:
        if field in values:
            setattr(phase, field, values[field])
    phase.name = name
    phase.save()
    return phase


def _locked_phase(phase, by):
    contract = locked(phase.plan.contract_id, by)
    phase = Phase.objects.select_for_update().select_related("plan").get(pk=phase.pk)
    return contract, phase


@transaction.atomic
def phase_start(*, phase, by):
    """The phase in progress; the contract's first started phase moves a signed contract into
    delivery (contracts' `contract_start_delivery`, its rules and history)."""
    contract, phase = _locked_phase(phase, by)
    if not can_work_on(by, contract):
        _refuse(contract, by)
    change_status(phase, Phase.Status.IN_PROGRESS, by=by)
    if contract.status == Contract.Status.SIGNED:
        contract_start_delivery(contract=contract, by=by)
    return phase


@transaction.atomic
def phase_progress(*, phase, by, percent):
    contract, phase = _locked_phase(phase, by)
    if not can_work_on(by, contract):
        _refuse(contract, by)
    if errors := validation.percent_errors(percent):
        raise InvalidInput(errors)
    if not phase.is_in_progress:
        raise DeliveryError(_("Only a phase in progress reports its percent done."))
    phase.percent_done = percent
    phase.save(update_fields=["percent_done"])
    return phase


@transaction.atomic
def phase_complete(*, phase, by, today=None):
    contract, phase = _locked_phase(phase, by)
    if not can_work_on(by, contract):
        _refuse(contract, by)
    phase.percent_done, phase.done_on = 100, today or timezone.localdate()
    change_status(
        phase,
        Phase.Status.DONE,
        by=by,
        reason=gettext_noop("Done on %(date)s."),
        reason_args={"date": phase.done_on.isoformat()},
        also=("percent_done", "done_on"),
    )
    return phase


@transaction.atomic
def progress_note_add(*, contract, by, week_of, body, next_steps=""):
    contract = locked(contract, by)
    if not can_work_on(by, contract):
        _refuse(contract, by)
    body = (body or "").strip()
    errors = {}
    if not body:
        errors["body"] = [_("Write what progressed this week.")]
    if week_of is None:
        errors["week_of"] = [_("Enter the week the note reports on.")]
    elif week_of > timezone.localdate():
        errors["week_of"] = [_("A progress note reports on a week that has begun.")]
    if errors:
        raise InvalidInput(errors)
    return ProgressNote.objects.create(
        plan=plan_of(contract, by),
        week_of=week_start(week_of),
        body=body,
        next_steps=(next_steps or "").strip(),
        by=by,
    )


@transaction.atomic
def plan_summary_set(*, contract, by, summary):
    contract = locked(contract, by)
    if not can_work_on(by, contract):
        _refuse(contract, by)
    plan = plan_of(contract, by)
    plan.summary = (summary or "").strip()
    plan.save(update_fields=["summary", "updated_at"])
    return plan
