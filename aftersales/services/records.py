"""After-sales follow-up records (template 7): written by the customer's after-sales user,
closing the revisit (and its task) they answer, with the customer's satisfaction."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Task

from ..errors import AftersalesError
from ..models import AftersalesRecord, Revisit
from ..permissions import can_serve
from ..validation import validate_score
from .satisfaction import satisfaction_record

KIND_OF_REVISIT = {
    Revisit.Kind.QUARTERLY: AftersalesRecord.Kind.REVISIT,
    Revisit.Kind.ANNIVERSARY: AftersalesRecord.Kind.ANNIVERSARY,
}


@transaction.atomic
def record_create(
    *,
    by,
    customer,
    date,
    method,
    feedback,
    resolution="",
    next_date=None,
    contract=None,
    revisit=None,
    score=None,
    comment="",
):
    """One follow-up record; with `revisit`, that revisit is done and its task ticked."""
    if not can_serve(by, customer):
        raise PermissionDenied
    if score is not None:
        try:
            validate_score(score)
        except ValidationError as error:
            raise AftersalesError(error.messages[0]) from None
    if date > timezone.localdate():
        raise AftersalesError(_("A follow-up cannot be dated in the future."))
    if next_date is not None and next_date <= date:
        raise AftersalesError(_("The next follow-up comes after this one."))
    if contract is not None and contract.customer_id != customer.pk:
        raise AftersalesError(_("The contract belongs to another customer."))
    kind = AftersalesRecord.Kind.SERVICE
    if revisit is not None:
        revisit = Revisit.objects.select_for_update().get(pk=revisit.pk, customer=customer)
        if revisit.is_done:
            raise AftersalesError(_("This revisit has its record already."))
        kind = KIND_OF_REVISIT[revisit.kind]
        contract = contract or revisit.contract
    record = AftersalesRecord.objects.create(
        customer=customer,
        contract=contract,
        kind=kind,
        date=date,
        person=by,
        method=method,
        feedback=feedback,
        resolution=resolution,
        next_date=next_date,
    )
    if revisit is not None:
        revisit.record = record
        revisit.save(update_fields=["record"])
        if revisit.task_id:
            Task.objects.filter(pk=revisit.task_id, done_at__isnull=True).update(
                done_at=timezone.now()
            )
    if score is not None:
        satisfaction_record(by=by, customer=customer, score=score, comment=comment, record=record)
    return record
