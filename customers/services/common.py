"""What the customer services of every area share: the customer's row lock, its duplicate
keys, its status and grade history and the A grade's second check."""

from django.utils.translation import gettext as _

from crm_site.transitions import change_status

from .. import normalize
from ..errors import CustomerError
from ..models import Customer, CustomerStatusChange, GradeChange


def _lock_customer(pk, *related):
    """The customer, locked for the rest of the transaction and read again under the lock; a
    customer merged away (or deleted) meanwhile is a CustomerError, not a crash."""
    customer = (
        Customer.objects.select_for_update(of=("self",))
        .select_related(*related)
        .filter(pk=pk)
        .first()
    )
    if customer is None:
        raise CustomerError(
            _("This customer no longer exists: it was merged or deleted meanwhile.")
        )
    return customer


def _apply_keys(customer):
    customer.name = customer.name.strip()
    keys = normalize.customer_keys(customer.name, customer.phone, customer.credit_code)
    for field, value in keys.items():
        setattr(customer, field, value)


def _grade_source(customer):
    if customer.grade_source == Customer.GradeSource.MANUAL:
        return GradeChange.Source.MANUAL
    return GradeChange.Source.COMPUTED


def _record_grade(customer, *, old, by, source, reason, reason_args=None):
    if old != customer.grade:
        GradeChange.objects.create(
            customer=customer,
            from_grade=old or "",
            to_grade=customer.grade,
            source=source,
            reason=reason,
            reason_args=reason_args or {},
            changed_by=by,
        )


def _mark_for_second_check(customer, old_grade, by):
    """二次核对: a record that becomes A waits for a second person to confirm it."""
    if customer.grade == "A" and old_grade != "A":
        customer.second_check = Customer.SecondCheck.PENDING
        customer.second_check_requested_by = by
    elif customer.grade != "A":
        customer.second_check = Customer.SecondCheck.CONFIRMED
        customer.second_check_requested_by = None


def _change_status(customer, to, *, by, reason, comment="", comment_args=None):
    """Move a customer the caller locked to status `to` if Customer.TRANSITIONS allows it
    (else InvalidTransition) and record it: `reason` a CustomerStatusChange.Reason code,
    `comment` a person's words or untranslated text with `comment_args`."""
    return change_status(
        customer,
        to,
        by=by,
        reason=comment[:500],
        reason_args=comment_args,
        record={"reason_code": CustomerStatusChange.Reason(reason)},
    )
