"""What an admin sets up: the stages and their checklists, the lost reasons, the settings.

    stage_create(*, by, name, default_probability, confirms_needs=False) -> Stage
    stage_update(*, by, stage, **fields) -> Stage      name, default_probability,
                                                        confirms_needs
    stages_reorder(*, by, stages) -> None              every active open stage, in the new order
    stage_deactivate(*, by, stage) / stage_activate(*, by, stage) -> Stage
    stage_delete(*, by, stage) -> None
    requirement_add(*, by, stage, kind, text="") -> StageRequirement
    requirement_remove(*, by, requirement) -> None
    lost_reason_create(*, by, name, needs_competitor=False) -> LostReason
    lost_reason_update(*, by, lost_reason, **fields) -> LostReason   name, needs_competitor,
                                                                      is_active, order
    settings_update(*, by, **fields) -> OpportunitySettings

The won and the lost stage (one of each, seeded) are part of the process: they are renamed
but never deactivated, deleted or reordered, and always come after the open stages. A stage
holding open opportunities is not deactivated (they would drop off the board), and a stage
holding any opportunity, or named in their history, is not deleted (deactivate it instead).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import validation
from ..errors import OpportunityError
from ..models import (
    LostReason,
    Opportunity,
    OpportunitySettings,
    Stage,
    StageChange,
    StageRequirement,
    StageSkipRequest,
)
from ..permissions import can_manage_stages


def _require_admin(by):
    if not can_manage_stages(by):
        raise PermissionDenied


def _clean_stage(fields, *, stage=None):
    unknown = set(fields) - {"name", "default_probability", "confirms_needs"}
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    cleaned, errors = dict(fields), {}
    if "name" in cleaned:
        cleaned["name"] = (cleaned["name"] or "").strip()
        if not cleaned["name"]:
            errors["name"] = [_("Required.")]
        elif len(cleaned["name"]) > 40:
            errors["name"] = [_("Too long: at most %(max)d characters.") % {"max": 40}]
        elif (
            Stage.objects.filter(name=cleaned["name"])
            .exclude(pk=getattr(stage, "pk", None))
            .exists()
        ):
            errors["name"] = [_("Another stage has this name.")]
    if "default_probability" in cleaned:
        try:
            validation.validate_probability(cleaned["default_probability"])
        except ValidationError as error:
            errors["default_probability"] = error.messages
    if stage is not None and stage.is_closed and "confirms_needs" in cleaned:
        cleaned.pop("confirms_needs")
    validation.raise_errors(errors)
    return cleaned


@transaction.atomic
def stage_create(*, by, name, default_probability, confirms_needs=False):
    """A new open stage, after the others (reorder to move it)."""
    _require_admin(by)
    cleaned = _clean_stage(
        {"name": name, "default_probability": default_probability, "confirms_needs": confirms_needs}
    )
    last = Stage.objects.filter(is_won=False, is_lost=False).aggregate(m=Max("order"))["m"] or 0
    stage = Stage(order=last + 1, **cleaned)
    stage._history_user = by
    stage.save()
    return stage


@transaction.atomic
def stage_update(*, by, stage, **fields):
    """Rename a stage, change its default probability or whether it confirms the needs."""
    _require_admin(by)
    stage = Stage.objects.select_for_update().get(pk=stage.pk)
    for field, value in _clean_stage(fields, stage=stage).items():
        setattr(stage, field, value)
    stage._history_user = by
    stage.save()
    return stage


@transaction.atomic
def stages_reorder(*, by, stages):
    """`stages` are every active open stage, in their new order."""
    _require_admin(by)
    ids = [getattr(stage, "pk", stage) for stage in stages]
    current = list(Stage.objects.select_for_update().open())
    if sorted(ids) != sorted(s.pk for s in current) or len(set(ids)) != len(ids):
        raise OpportunityError(
            _("List every active stage except won and lost, each once, in the new order.")
        )
    by_id = {s.pk: s for s in current}
    for order, pk in enumerate(ids, start=1):
        by_id[pk].order = order
    Stage.objects.bulk_update(current, ["order"])


@transaction.atomic
def stage_deactivate(*, by, stage):
    _require_admin(by)
    stage = Stage.objects.select_for_update().get(pk=stage.pk)
    if stage.is_closed:
        raise OpportunityError(_("The won and lost stages are part of the process: rename them."))
    holding = stage.opportunities.filter(status=Opportunity.Status.OPEN).count()
    if holding:
        raise OpportunityError(
            ngettext(
                "“%(stage)s” holds %(count)d open opportunity: move it first.",
                "“%(stage)s” holds %(count)d open opportunities: move them first.",
                holding,
            )
            % {"stage": stage.name, "count": holding}
        )
    if Stage.objects.open().exclude(pk=stage.pk).count() == 0:
        raise OpportunityError(_("At least one open stage stays active."))
    stage.is_active = False
    stage._history_user = by
    stage.save()
    return stage


@transaction.atomic
def stage_activate(*, by, stage):
    _require_admin(by)
    stage = Stage.objects.select_for_update().get(pk=stage.pk)
    stage.is_active = True
    stage._history_user = by
    stage.save()
    return stage


@transaction.atomic
def stage_delete(*, by, stage):
    """Delete a stage nothing points at; one holding opportunities is refused."""
    _require_admin(by)
    stage = Stage.objects.select_for_update().filter(pk=stage.pk).first()
    if stage is None:
        return
    if stage.is_closed:
        raise OpportunityError(_("The won and lost stages are part of the process: rename them."))
    holding = stage.opportunities.count()
    if holding:
        raise OpportunityError(
            ngettext(
                "“%(stage)s” holds %(count)d opportunity and cannot be deleted: move it to "
                "another stage first.",
                "“%(stage)s” holds %(count)d opportunities and cannot be deleted: move them "
                "to another stage first.",
                holding,
            )
            % {"stage": stage.name, "count": holding}
        )
    in_history = StageChange.objects.filter(Q(from_stage=stage) | Q(to_stage=stage)).exists()
    in_requests = StageSkipRequest.objects.filter(Q(from_stage=stage) | Q(to_stage=stage))
    if in_history or in_requests.exists():
        raise OpportunityError(
            _(
                "Opportunities went through “%(stage)s”, and their history keeps it: "
                "deactivate it instead."
            )
            % {"stage": stage.name}
        )
    stage.delete()


@transaction.atomic
def requirement_add(*, by, stage, kind, text=""):
    """Add an item to a stage's checklist: a kind the code checks, or a custom text."""
    _require_admin(by)
    text = (text or "").strip()
    if kind not in StageRequirement.Kind.values:
        validation.raise_errors({"kind": [_("Choose an item from the list.")]})
    if kind == StageRequirement.Kind.CUSTOM and not text:
        validation.raise_errors({"text": [_("Write what the rep confirms.")]})
    if kind != StageRequirement.Kind.CUSTOM:
        text = ""
        if stage.requirements.filter(kind=kind).exists():
            validation.raise_errors({"kind": [_("The stage has this item already.")]})
    last = stage.requirements.aggregate(m=Max("order"))["m"] or 0
    return StageRequirement.objects.create(stage=stage, kind=kind, text=text[:200], order=last + 1)


@transaction.atomic
def requirement_remove(*, by, requirement):
    _require_admin(by)
    requirement.delete()


@transaction.atomic
def lost_reason_create(*, by, name, needs_competitor=False):
    _require_admin(by)
    name = (name or "").strip()
    if not name or len(name) > 60:
        validation.raise_errors({"name": [_("Between 1 and 60 characters.")]})
    if LostReason.objects.filter(name=name).exists():
        validation.raise_errors({"name": [_("This reason is in the list already.")]})
    last = LostReason.objects.aggregate(m=Max("order"))["m"] or 0
    return LostReason.objects.create(
        name=name, needs_competitor=bool(needs_competitor), order=last + 1
    )


@transaction.atomic
def lost_reason_update(*, by, lost_reason, **fields):
    """Rename, reorder or deactivate a reason (one in use is never deleted: deactivate)."""
    _require_admin(by)
    unknown = set(fields) - {"name", "needs_competitor", "is_active", "order"}
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    reason = LostReason.objects.select_for_update().get(pk=lost_reason.pk)
    if "name" in fields:
        name = (fields["name"] or "").strip()
        if not name or len(name) > 60:
            validation.raise_errors({"name": [_("Between 1 and 60 characters.")]})
        if LostReason.objects.filter(name=name).exclude(pk=reason.pk).exists():
            validation.raise_errors({"name": [_("This reason is in the list already.")]})
        fields["name"] = name
    for field, value in fields.items():
        setattr(reason, field, value)
    reason.save()
    return reason


SETTINGS_FIELDS = ("analysis_required_above", "discount_limit_percent", "solution_working_days")


@transaction.atomic
def settings_update(*, by, **fields):
    _require_admin(by)
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"not a setting: {sorted(unknown)}")
    settings = OpportunitySettings.load()
    settings = OpportunitySettings.objects.select_for_update().get(pk=settings.pk)
    errors = {}
    checks = {
        "analysis_required_above": validation.validate_money,
        "discount_limit_percent": validation.validate_discount,
    }
    for field, value in fields.items():
        if field in checks:
            try:
                checks[field](value)
                fields[field] = validation.to_decimal(value)
            except ValidationError as error:
                errors[field] = error.messages
        elif not isinstance(value, int) or not 1 <= value <= 60:
            errors[field] = [_("Between 1 and 60 working days.")]
    validation.raise_errors(errors)
    for field, value in fields.items():
        setattr(settings, field, value)
    settings._history_user = by
    settings.save()
    return settings
