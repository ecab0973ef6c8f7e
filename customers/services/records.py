"""Creating and editing a customer, changing its status, and the second check of an A grade
(二次核对)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from notifications.kinds import Kind
from notifications.services import notify
from teams.history import encode_reason

from .. import cadence, grading, normalize, selectors, validation
from ..errors import CustomerError
from ..models import (
    Customer,
    CustomerStatusChange,
    Grade,
    GradeChange,
    GradingSettings,
    OwnershipChange,
)
from ..permissions import (
    can_change_owner,
    can_confirm_second_check,
    can_create_customer,
    can_edit_customer,
)
from .common import (
    _apply_keys,
    _change_status,
    _grade_source,
    _lock_customer,
    _mark_for_second_check,
    _record_grade,
)
from .followups import customer_refresh_cadence
from .ownership import _give_customers


def _check_fields(customer, *, stored_code=""):
    """The record's own rules, as the customer form checks them."""
    customer.credit_code = validation.credit_code(customer.credit_code, stored=stored_code)
    validation.amounts(
        budget_min=customer.budget_min,
        budget_max=customer.budget_max,
        annual_purchase_estimate=customer.annual_purchase_estimate,
    )


def _record_override(customer, contacts):
    """ "Save anyway" past near duplicates (录入查重): the new customer's history says which ones,
    and its timeline shows it on the entry."""
    phones = [customer.phone, *(contact.phone for contact in contacts)]
    near = selectors.duplicate_matches(
        name=customer.name, credit_code=customer.credit_code, phones=phones
    )
    names = [found.name for found, _fields in near][:3]
    if names:
        customer._change_reason = encode_reason(
            gettext_noop("Entered although it looked like %(names)s"), names=", ".join(names)
        )


@transaction.atomic
def customer_create(
    *, by, owner=None, tags=(), contacts=(), save_anyway=False, same_name_allowed=False, **fields
):
    """Create a customer (and its first contacts). Grade: computed unless given by hand.

    A customer with the same normalised name or credit code as another is refused
    (`validation.not_a_duplicate`), but for an inbound lead (`same_name_allowed`: entered as it
    comes, merged when screened). `save_anyway`: the user saw near duplicates and went on;
    the entry records which."""
    owner = owner or by
    if not can_create_customer(by):
        raise PermissionDenied
    customer = Customer(owner=owner, created_by=by, **fields)
    with validation.enforce():
        validation.owner(by, owner)
        _check_fields(customer)
    rules_ = GradingSettings.load()
    _apply_keys(customer)
    if not same_name_allowed:
        with validation.enforce():
            validation.not_a_duplicate(name=customer.name, credit_code=customer.credit_code)
    if save_anyway:
        _record_override(customer, contacts)
    if customer.grade_source == Customer.GradeSource.COMPUTED:
        customer.grade = grading.computed_grade(
            amount=customer.annual_purchase_estimate, strategic=customer.strategic, rules=rules_
        )
    _mark_for_second_check(customer, None, by)
    customer.next_followup_due, customer.next_followup_for = cadence.due(
        grade=customer.grade, rules=rules_, created=timezone.localdate()
    )
    customer.save()
    if tags:
        customer.tags.set(tags)
    for contact in contacts:
        contact.customer = customer
        contact.phone_key = normalize.phone_key(contact.phone)
        contact.save()
    _record_grade(
        customer, old=None, by=by, source=_grade_source(customer), reason=gettext_noop("Created")
    )
    return customer


@transaction.atomic
def customer_change_status(
    *, customer, to, by, reason=CustomerStatusChange.Reason.EDIT, comment="", comment_args=None
):
    """Move a customer to status `to` as Customer.TRANSITIONS allows (else InvalidTransition)
    and record who, when, from, to and why: `reason` is a CustomerStatusChange.Reason code,
    `comment` optional words. Returns the CustomerStatusChange, or None when `to` is the
    status it has."""
    customer = _lock_customer(customer.pk)
    if not can_edit_customer(by, customer):
        raise PermissionDenied
    if customer.status == to:
        return None
    return _change_status(
        customer, to, by=by, reason=reason, comment=comment, comment_args=comment_args
    )


@transaction.atomic
def customer_update(*, by, customer, tags=None, reason="", owner=None, **fields):
    """Edit a customer. A share lets a colleague edit it; a new `owner` also needs `by` to move
    it (`can_change_owner`) and to be allowed to give it to them: the change is then a
    reassign, as in bulk reassign (the old owner's open tasks go along). A new `status` moves
    as customer_change_status does (refused unless Customer.TRANSITIONS allows it)."""
    customer = _lock_customer(customer.pk)
    if not can_edit_customer(by, customer):
        raise PermissionDenied
    status = fields.pop("status", customer.status)
    if status != customer.status:
        _change_status(customer, status, by=by, reason=CustomerStatusChange.Reason.EDIT)
    if owner is not None and owner.pk == customer.owner_id:
        owner = None
    if owner is not None and not can_change_owner(by, customer):
        raise PermissionDenied
    old_grade, stored_code, stored_key = customer.grade, customer.credit_code, customer.name_key
    for name, value in fields.items():
        setattr(customer, name, value)
    with validation.enforce():
        if owner is not None:
            validation.owner(by, owner)
        _check_fields(customer, stored_code=stored_code)
    _apply_keys(customer)
    with validation.enforce():
        # Only a changed name or code: a record entered before the rule stays editable.
        validation.not_a_duplicate(
            name=customer.name if customer.name_key != stored_key else "",
            credit_code=customer.credit_code if customer.credit_code != stored_code else "",
            exclude_pk=customer.pk,
        )
    rules_ = GradingSettings.load()
    if customer.grade_source == Customer.GradeSource.COMPUTED:
        customer.grade = grading.computed_grade(
            amount=customer.annual_purchase_estimate, strategic=customer.strategic, rules=rules_
        )
    _mark_for_second_check(customer, old_grade, by)
    customer.save()
    if tags is not None:
        customer.tags.set(tags)
    if old_grade != customer.grade:
        _record_grade(customer, old=old_grade, by=by, source=_grade_source(customer), reason=reason)
        customer_refresh_cadence(customer=customer)
    if owner is not None:
        _give_customers(
            [customer],
            owner,
            by=by,
            reason=gettext_noop("Owner changed"),
            how=OwnershipChange.How.EDIT,
            note=reason,
        )
    return customer


def _lock_for_second_check(by, customer):
    customer = _lock_customer(customer.pk, "second_check_requested_by")
    if customer.second_check != Customer.SecondCheck.PENDING:
        raise CustomerError(_("This customer is not waiting for a second check."))
    if not can_confirm_second_check(by, customer):
        raise PermissionDenied
    return customer


@transaction.atomic
def customer_confirm_second_check(*, by, customer, comment=""):
    """二次核对, yes: the A grade becomes official; the comment (optional) is kept in the
    grade history."""
    customer = _lock_for_second_check(by, customer)
    comment = comment.strip()[:SECOND_CHECK_COMMENT_LENGTH]
    customer.second_check = Customer.SecondCheck.CONFIRMED
    customer.second_check_requested_by = None
    customer._change_reason = gettext_noop("A grade confirmed")
    customer.save(update_fields=["second_check", "second_check_requested_by", "updated_at"])
    GradeChange.objects.create(
        customer=customer,
        from_grade=customer.grade,
        to_grade=customer.grade,
        source=GradeChange.Source.SECOND_CHECK,
        reason=(
            gettext_noop("Confirmed in the second check: %(comment)s")
            if comment
            else gettext_noop("Confirmed in the second check.")
        ),
        reason_args={"comment": comment} if comment else {},
        changed_by=by,
    )
    return customer


# A rejection's or confirmation's comment (GradeChange.reason holds 300 characters).
SECOND_CHECK_COMMENT_LENGTH = 250


def grade_before_a(customer):
    """The grade the customer had before it was made A (its latest change to A); for one
    entered as A, the grade its declared purchases give without strategic intent, and at
    most B."""
    change = (
        customer.grade_changes.filter(to_grade=Grade.A)
        .exclude(from_grade__in=("", Grade.A))
        .order_by("-changed_at", "-pk")
        .first()
    )
    if change is not None:
        return change.from_grade
    computed = grading.computed_grade(
        amount=customer.annual_purchase_estimate,
        strategic=False,
        rules=GradingSettings.load(),
    )
    return Grade.B if computed == Grade.A else computed


@transaction.atomic
def customer_reject_second_check(*, by, customer, comment):
    """二次核对, no: the grade goes back to what it was before it was made A (set by hand from
    now on, so a recompute does not make it A again), the grade history keeps why, and the
    person who made it A is told."""
    comment = (comment or "").strip()
    if not comment:
        raise CustomerError(_("Say why the A grade is rejected."))
    customer = _lock_for_second_check(by, customer)
    requested_by = customer.second_check_requested_by
    old_grade = customer.grade
    customer.grade = grade_before_a(customer)
    customer.grade_source = Customer.GradeSource.MANUAL
    customer.second_check = Customer.SecondCheck.CONFIRMED
    customer.second_check_requested_by = None
    customer._change_reason = gettext_noop("A grade rejected")
    customer.save(
        update_fields=[
            "grade",
            "grade_source",
            "second_check",
            "second_check_requested_by",
            "updated_at",
        ]
    )
    comment = comment[:SECOND_CHECK_COMMENT_LENGTH]
    _record_grade(
        customer,
        old=old_grade,
        by=by,
        source=GradeChange.Source.SECOND_CHECK,
        reason=gettext_noop("Rejected in the second check: %(comment)s"),
        reason_args={"comment": comment},
    )
    customer_refresh_cadence(customer=customer)
    if requested_by is not None and requested_by.is_active and requested_by.pk != by.pk:
        notify(
            recipient=requested_by,
            kind=Kind.GRADE_CHECK_REJECTED,
            key=f"customers.second_check_rejected/{customer.pk}/{customer.grade_changes.first().pk}",
            title=gettext_noop("Grade A of %(customer)s was rejected by %(by)s"),
            body=gettext_noop("Back to grade %(grade)s. Why: %(comment)s"),
            args={
                "customer": customer.name,
                "by": by.display_name,
                "grade": customer.grade,
                "comment": comment,
            },
            target=customer,
            url=reverse("customers:customer-detail", args=[customer.pk]),
        )
    return customer
