"""Acceptance reports (项目验收报告, template 6) and the completion check.

acceptance_record(*, contract, by, accepted_on, accepted_by_name, accepted_by_title,
                  scope, result, open_items, open_issues, signatory, scan, today=None)
    -> Acceptance
open_item_close(*, item, by, note) -> OpenItem
completion_refusal(*, contract) -> str | None   (hooks.py CONTRACT_COMPLETION_CHECKS)
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.validation import check_attachment

from .. import validation
from ..errors import DeliveryError, InvalidInput
from ..models import Acceptance, OpenItem
from ..permissions import can_work_on, delivers
from .common import locked, plan_of


@transaction.atomic
def acceptance_record(
    *,
    contract,
    by,
    accepted_on,
    accepted_by_name,
    accepted_by_title,
    scope,
    result,
    open_items=(),
    open_issues="",
    signatory,
    scan,
    today=None,
):
    contract = locked(contract, by)
    if not delivers(by, contract):
        raise PermissionDenied
    today = today or timezone.localdate()
    items = [line.strip() for line in open_items if line and line.strip()]
    errors = validation.acceptance_errors(contract=contract, result=result, items=items)
    if errors.get("__all__"):
        raise InvalidInput(errors)  # not in delivery: nothing else matters
    if result not in Acceptance.Result.values:
        errors["result"] = [_("Choose the result: passed, conditional pass or failed.")]
    if accepted_on is None:
        errors["accepted_on"] = [_("Enter the acceptance date.")]
    elif accepted_on > today:
        errors["accepted_on"] = [_("The acceptance cannot be dated in the future.")]
    for field, message in (
        ("accepted_by_name", _("Enter who accepted for the customer.")),
        ("accepted_by_title", _("Enter their title.")),
        ("scope", _("Describe the scope accepted.")),
        ("signatory", _("Enter the customer's signatory.")),
    ):
        if not (locals()[field] or "").strip():
            errors[field] = [message]
    file_type = None
    if scan is None:
        errors["scan"] = [_("Upload the signed scan of the report.")]
    else:
        try:
            file_type = check_attachment(scan)
        except ValidationError as error:
            errors["scan"] = error.messages
    if errors:
        raise InvalidInput(errors)
    acceptance = Acceptance(
        plan=plan_of(contract, by),
        accepted_on=accepted_on,
        accepted_by_name=accepted_by_name.strip(),
        accepted_by_title=accepted_by_title.strip(),
        scope=scope.strip(),
        result=result,
        open_issues=(open_issues or "").strip(),
        signatory=signatory.strip(),
        scan_name=scan.name.rsplit("/", 1)[-1][:200],
        scan_type=file_type,
        recorded_by=by,
    )
    # The stored name is the contract's number and the type found, never the one uploaded.
    acceptance.scan.save(f"{contract.number}-acceptance.{file_type}", scan, save=False)
    acceptance.save()
    OpenItem.objects.bulk_create(
        OpenItem(acceptance=acceptance, description=text[:300]) for text in items
    )
    return acceptance


@transaction.atomic
def open_item_close(*, item, by, note):
    item = OpenItem.objects.select_related("acceptance__plan").get(pk=item.pk)
    contract = locked(item.acceptance.plan.contract_id, by)
    if not can_work_on(by, contract):
        if not delivers(by, contract):
            raise PermissionDenied
        raise DeliveryError(_("The contract is no longer being delivered."))
    item = OpenItem.objects.select_for_update().get(pk=item.pk)
    if item.is_closed:
        raise DeliveryError(_("This item is closed already."))
    note = (note or "").strip()
    if not note:
        raise InvalidInput({"note": [_("Say how the item was closed.")]})
    item.closed_at, item.closed_by, item.closing_note = timezone.now(), by, note
    item.save(update_fields=["closed_at", "closed_by", "closing_note"])
    return item


def latest_acceptance(contract):
    return (
        Acceptance.objects.filter(plan__contract=contract).order_by("-accepted_on", "-pk").first()
    )


def completion_refusal(*, contract):
    """Why the contract cannot be completed: no acceptance, a failed one, or a conditional
    pass with items still open; None after a pass (two queries at most)."""
    last = latest_acceptance(contract)
    still_open = 0
    if last is not None and last.is_conditional:
        still_open = last.items.filter(closed_at__isnull=True).count()
    return refusal_for(last, still_open)


def refusal_for(last, still_open):
    """The message for the latest acceptance `last` (None: none yet) with `still_open` items
    open; None when it lets the contract be completed."""
    if last is None:
        return _("Completing a contract needs a passed acceptance report.")
    if last.is_fail:
        return _(
            "The last acceptance (%(date)s) failed; record a new acceptance before completing."
        ) % {"date": last.accepted_on.isoformat()}
    if last.is_conditional and still_open:
        return _(
            "The conditional pass of %(date)s has %(count)s open item(s); close them "
            "before completing."
        ) % {"date": last.accepted_on.isoformat(), "count": still_open}
    return None
