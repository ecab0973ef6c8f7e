"""The approval chain an admin edits (审批流程设置): ordered steps, each a role with optional
conditions (minimum amount, discount, credit period).

    approval_chain_save(*, rows, by) -> [ApprovalStep]

`rows` are dicts of the step fields, with "id" for an existing step (None for a new one).
All rows are saved in one transaction with the steps locked, or none: the chain keeps at
least one step in use, and no two steps in use share an order. A step is never deleted
(decisions keep pointing at it): it is taken out of use. Rounds in progress keep the steps
they were submitted with (ApprovalRound.step_ids)."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from teams import roles

from ..errors import InvalidInput
from ..models import ApprovalStep

FIELDS = (
    "order",
    "role",
    "name",
    "min_amount",
    "min_discount_percent",
    "min_credit_days",
    "is_active",
)


def may_edit_chain(user):
    return user.is_authenticated and user.is_active and roles.has_role(user, roles.ADMIN_ROLES)


def _check(rows):
    errors = {}
    active = [row for row in rows if row["is_active"]]
    if not active:
        errors["__all__"] = [_("Keep at least one step in use.")]
    orders = [row["order"] for row in active]
    if len(orders) != len(set(orders)):
        errors.setdefault("__all__", []).append(_("Two steps in use have the same order."))
    for row in rows:
        if row["role"] not in roles.CONTRACT_STEP_ROLES:
            errors.setdefault("__all__", []).append(
                _("“%(role)s” cannot approve contracts.") % {"role": row["role"]}
            )
        if not (row.get("name") or "").strip():
            errors.setdefault("__all__", []).append(_("Every step needs a name."))
        for field in ("min_amount", "min_discount_percent"):
            if row.get(field) is not None and row[field] < Decimal(0):
                errors.setdefault("__all__", []).append(_("A condition cannot be negative."))
        if row.get("min_discount_percent") is not None and row["min_discount_percent"] > 100:
            errors.setdefault("__all__", []).append(_("A discount is at most 100%."))
    if errors:
        raise InvalidInput(errors)


@transaction.atomic
def approval_chain_save(*, rows, by):
    if not may_edit_chain(by):
        raise PermissionDenied
    _check(rows)
    existing = {step.pk: step for step in ApprovalStep.objects.select_for_update()}
    saved = []
    for row in rows:
        pk = row.get("id")
        if pk is not None and pk not in existing:
            raise InvalidInput({"__all__": [_("A step was changed meanwhile: reload the page.")]})
        step = existing[pk] if pk is not None else ApprovalStep()
        for field in FIELDS:
            setattr(step, field, row.get(field))
        step.name = step.name.strip()
        step.save()
        saved.append(step)
    return sorted(saved, key=lambda s: (s.order, s.pk))
