"""Every write to customers and the records around them that matters.

Each service runs in a transaction, locks the rows it changes, checks the rules (and the
permissions again), writes, and records who did it.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import cadence, grading, normalize
from .models import Customer, FollowUp, GradeChange, GradingSettings, Task
from .permissions import can_confirm_review, can_create_customer, can_edit_customer

LATE_AFTER = timedelta(hours=24)


class CustomerError(Exception):
    """A rule was broken; the message is for the user."""


# --- customers -------------------------------------------------------------------------


def _apply_keys(customer):
    customer.name = customer.name.strip()
    customer.name_key = normalize.name_key(customer.name)
    customer.phone_key = normalize.phone_key(customer.phone)
    customer.credit_code = normalize.credit_code(customer.credit_code)


def find_duplicates(*, name="", credit_code="", phone="", exclude_pk=None):
    """Customers among ALL customers (not only visible ones) that look like the same company.

    Callers show only the name and owner of what this finds.
    """
    keys = Q()
    if normalize.name_key(name):
        keys |= Q(name_key=normalize.name_key(name))
    if normalize.credit_code(credit_code):
        keys |= Q(credit_code=normalize.credit_code(credit_code))
    if normalize.phone_key(phone):
        keys |= Q(phone_key=normalize.phone_key(phone)) | Q(
            contacts__phone_key=normalize.phone_key(phone)
        )
    if not keys:
        return Customer.objects.none()
    found = Customer.objects.filter(keys)
    if exclude_pk:
        found = found.exclude(pk=exclude_pk)
    return found.select_related("owner").distinct()


def _grade_source(customer):
    if customer.grade_source == Customer.GradeSource.MANUAL:
        return GradeChange.Source.MANUAL
    return GradeChange.Source.COMPUTED


def _record_grade(customer, *, old, by, source, reason):
    if old != customer.grade:
        GradeChange.objects.create(
            customer=customer,
            from_grade=old or "",
            to_grade=customer.grade,
            source=source,
            reason=reason,
            changed_by=by,
        )


def _mark_for_review(customer, old_grade, by):
    """二次核对: a record that becomes A waits for a second person to confirm it."""
    if customer.grade == "A" and old_grade != "A":
        customer.review = Customer.Review.PENDING
        customer.review_requested_by = by
    elif customer.grade != "A":
        customer.review = Customer.Review.CONFIRMED
        customer.review_requested_by = None


@transaction.atomic
def customer_create(*, by, owner=None, tags=(), contacts=(), **fields):
    """Create a customer (and its first contacts). Grade: computed unless given by hand."""
    if not can_create_customer(by):
        raise PermissionDenied
    rules_ = GradingSettings.load()
    customer = Customer(owner=owner or by, created_by=by, **fields)
    _apply_keys(customer)
    if customer.grade_source == Customer.GradeSource.COMPUTED:
        customer.grade = grading.computed_grade(
            amount=customer.annual_purchase_estimate, strategic=customer.strategic, rules=rules_
        )
    _mark_for_review(customer, None, by)
    customer.next_followup_due = cadence.next_due(
        grade=customer.grade, rules=rules_, created=timezone.localdate()
    )
    customer.save()
    if tags:
        customer.tags.set(tags)
    for contact in contacts:
        contact.customer = customer
        contact.phone_key = normalize.phone_key(contact.phone)
        contact.save()
    _record_grade(customer, old=None, by=by, source=_grade_source(customer), reason=_("Created"))
    return customer


@transaction.atomic
def customer_update(*, by, customer, tags=None, reason="", **fields):
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if not can_edit_customer(by, customer):
        raise PermissionDenied
    old_grade = customer.grade
    for name, value in fields.items():
        setattr(customer, name, value)
    _apply_keys(customer)
    rules_ = GradingSettings.load()
    if customer.grade_source == Customer.GradeSource.COMPUTED:
        customer.grade = grading.computed_grade(
            amount=customer.annual_purchase_estimate, strategic=customer.strategic, rules=rules_
        )
    _mark_for_review(customer, old_grade, by)
    customer.save()
    if tags is not None:
        customer.tags.set(tags)
    if old_grade != customer.grade:
        _record_grade(customer, old=old_grade, by=by, source=_grade_source(customer), reason=reason)
        customer_refresh_cadence(customer=customer)
    return customer


@transaction.atomic
def customer_confirm_review(*, by, customer):
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.review != Customer.Review.PENDING:
        raise CustomerError(_("This customer is not waiting for a second check."))
    if not can_confirm_review(by, customer):
        raise PermissionDenied
    customer.review = Customer.Review.CONFIRMED
    customer.review_requested_by = None
    customer._change_reason = "A grade confirmed"
    customer.save(update_fields=["review", "review_requested_by", "updated_at"])
    return customer


# --- follow-ups and cadence ----------------------------------------------------------------


def customer_refresh_cadence(*, customer, rules=None):
    """Recompute last follow-up and next due date from the follow-ups (one query)."""
    rules = rules or GradingSettings.load()
    stats = customer.followups.aggregate(
        last_contact=Max("occurred_at"),
        last_visit=Max("occurred_at", filter=Q(method=FollowUp.Method.VISIT)),
        last_executive=Max("occurred_at", filter=Q(method=FollowUp.Method.VISIT, executive=True)),
    )

    def day(value):
        return timezone.localdate(value) if value else None

    customer.last_followup_at = stats["last_contact"]
    customer.next_followup_due = cadence.next_due(
        grade=customer.grade,
        rules=rules,
        created=timezone.localdate(customer.created_at),
        last_contact=day(stats["last_contact"]),
        last_visit=day(stats["last_visit"]),
        last_executive=day(stats["last_executive"]),
    )
    Customer.objects.filter(pk=customer.pk).update(
        last_followup_at=customer.last_followup_at,
        next_followup_due=customer.next_followup_due,
    )
    return customer.next_followup_due


@transaction.atomic
def followup_log(
    *,
    by,
    customer,
    method,
    occurred_at,
    summary,
    next_action="",
    next_action_due=None,
    next_action_owner=None,
    **fields,
):
    """Log a follow-up; a record entered over 24 h after the contact is marked late.

    The next action, when given with a date, becomes a task for its owner (the author by
    default). The customer's next due date moves.
    """
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if not can_edit_customer(by, customer):
        raise PermissionDenied
    now = timezone.now()
    if occurred_at > now + timedelta(minutes=5):
        raise CustomerError(_("A follow-up cannot be in the future."))
    followup = FollowUp.objects.create(
        customer=customer,
        author=by,
        method=method,
        occurred_at=occurred_at,
        is_late=now - occurred_at > LATE_AFTER,
        summary=summary,
        next_action=next_action,
        next_action_due=next_action_due,
        **fields,
    )
    if next_action and next_action_due:
        Task.objects.create(
            customer=customer,
            followup=followup,
            owner=next_action_owner or by,
            title=next_action,
            due_date=next_action_due,
        )
    if customer.status == Customer.Status.DORMANT:
        Customer.objects.filter(pk=customer.pk).update(status=Customer.Status.PROSPECT)
    customer_refresh_cadence(customer=customer)
    return followup


@transaction.atomic
def task_complete(*, by, task):
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.owner_id != by.pk and not can_edit_customer(by, task.customer):
        raise PermissionDenied
    if task.done_at is not None:
        raise CustomerError(_("This task is already done."))
    task.done_at = timezone.now()
    task.save(update_fields=["done_at"])
    return task
