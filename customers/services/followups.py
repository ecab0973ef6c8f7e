"""Follow-ups, tasks and needs surveys, and the customer's cadence they move (last follow-up,
next due date)."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from teams import policy
from teams.models import User

from .. import cadence, normalize, validation
from ..errors import CustomerError
from ..models import (
    Contact,
    Customer,
    CustomerStatusChange,
    FollowUp,
    GradingSettings,
    NeedLine,
    NeedsSurvey,
    Task,
)
from ..permissions import (
    can_add_survey,
    can_edit_customer,
    can_log_followup,
    manages_customers,
)
from ..querysets import customer_viewers_q
from .common import _change_status, _lock_customer

LATE_AFTER = timedelta(hours=24)


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
    customer.next_followup_due, customer.next_followup_for = cadence.due(
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
        next_followup_for=customer.next_followup_for,
    )
    return customer.next_followup_due


def _sees(user, customer):
    return User.objects.filter(customer_viewers_q(customer), pk=user.pk).exists()


def _check_location(*, method, latitude, longitude, location_accuracy):
    """外勤签到 only with a visit, and within `validation.check_in`."""
    if all(v is None for v in (latitude, longitude, location_accuracy)):
        return
    if method != FollowUp.Method.VISIT:
        raise CustomerError(_("Only a visit can carry a check-in location."))
    with validation.enforce():
        validation.check_in(latitude=latitude, longitude=longitude, accuracy=location_accuracy)


def _check_followup(*, customer, method, occurred_at, now, fields, next_action, due, owner):
    with validation.enforce():
        validation.followup_time(occurred_at, now=now)
    contact = fields.get("contact")
    if contact is not None and contact.customer_id != customer.pk:
        raise CustomerError(_("Choose a contact of this customer."))
    if fields.get("executive") and method != FollowUp.Method.VISIT:
        raise CustomerError(_("Only a visit can be an executive visit."))
    if due is not None and not next_action:
        raise CustomerError(_("Say what the next action is, or leave its date empty."))
    if due is not None and due < timezone.localdate(occurred_at):
        raise CustomerError(_("The next action cannot be due before the follow-up."))
    if owner is not None and not _sees(owner, customer):
        raise CustomerError(_("The next action's owner must be someone who sees this customer."))
    _check_location(
        method=method,
        latitude=fields.get("latitude"),
        longitude=fields.get("longitude"),
        location_accuracy=fields.get("location_accuracy"),
    )


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
    new_contact=None,
    **fields,
):
    """Log a follow-up; a record entered more than 24 h after the contact is marked late.

    `fields` are the other FollowUp fields (contact, executive, goal, feedback, latitude,
    longitude, location_accuracy); `new_contact` ({"name", "phone"}) adds the person met as
    a contact of the customer and records the follow-up with them. The next action, when
    given with a date, becomes a task for its owner (the author by default). The customer's
    next due date moves; the returned follow-up's `customer` carries the new
    `next_followup_due`.
    """
    customer = _lock_customer(customer.pk, "owner")
    if not can_log_followup(by, customer):
        raise PermissionDenied
    if not (summary or "").strip():
        raise CustomerError(_("Write the key points of the follow-up."))
    if new_contact and new_contact.get("name"):
        if fields.get("contact") is not None:
            raise CustomerError(_("Pick a contact or add a new one, not both."))
        if not can_edit_customer(by, customer):
            raise CustomerError(_("You may not add contacts to this customer."))
        contact = Contact(
            customer=customer,
            name=new_contact["name"].strip()[:60],
            phone=(new_contact.get("phone") or "").strip()[:30],
        )
        contact.phone_key = normalize.phone_key(contact.phone)
        contact._history_user = by
        contact.save()
        fields["contact"] = contact
    now = timezone.now()
    _check_followup(
        customer=customer,
        method=method,
        occurred_at=occurred_at,
        now=now,
        fields=fields,
        next_action=next_action,
        due=next_action_due,
        owner=next_action_owner,
    )
    followup = FollowUp.objects.create(
        customer=customer,
        author=by,
        method=method,
        occurred_at=occurred_at,
        is_late=now - occurred_at > LATE_AFTER,
        summary=summary.strip(),
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
        _change_status(
            customer,
            Customer.Status.PROSPECT,
            by=by,
            reason=CustomerStatusChange.Reason.FOLLOWUP,
        )
    customer_refresh_cadence(customer=customer)
    return followup


# How long "undo" may reopen a task just marked done (the page offers it for a few seconds;
# the server allows a slow phone some more).
UNDO_WINDOW = timedelta(seconds=60)


def _may_close(by, task):
    """The owner; for a customer's task, who may edit the customer; for a free-standing one,
    a manager who reaches its owner."""
    if task.owner_id == by.pk:
        return True
    if task.customer_id is not None:
        return can_edit_customer(by, task.customer)
    return manages_customers(by) and policy.reaches_owner(by, task.owner)


@transaction.atomic
def task_create(*, by, title, due_date, customer=None):
    """A task made by hand (下一步行动), for `by`: for a customer they may log follow-ups on,
    or free-standing when `customer` is None."""
    title = (title or "").strip()
    if not title:
        raise CustomerError(_("Say what the task is."))
    if due_date is None:
        raise CustomerError(_("Give the task a due date."))
    if customer is not None:
        customer = _lock_customer(customer.pk, "owner")
        if not can_log_followup(by, customer):
            raise PermissionDenied
    return Task.objects.create(customer=customer, owner=by, title=title[:200], due_date=due_date)


@transaction.atomic
def task_complete(*, by, task):
    """Mark a task done: its owner, or someone who may edit its customer; only once."""
    task = (
        Task.objects.select_for_update(of=("self",))
        .select_related("customer__owner", "owner")
        .get(pk=task.pk)
    )
    if not _may_close(by, task):
        raise PermissionDenied
    if task.done_at is not None:
        raise CustomerError(_("This task is already done."))
    task.done_at = timezone.now()
    task.save(update_fields=["done_at"])
    return task


@transaction.atomic
def task_reopen(*, by, task):
    """Undo "done": only who may close it, and only within UNDO_WINDOW of closing it."""
    task = (
        Task.objects.select_for_update(of=("self",))
        .select_related("customer__owner", "owner")
        .get(pk=task.pk)
    )
    if not _may_close(by, task):
        raise PermissionDenied
    if task.done_at is None:
        raise CustomerError(_("This task is open already."))
    if timezone.now() - task.done_at > UNDO_WINDOW:
        raise CustomerError(_("Too late to undo: reopen it by creating the task again."))
    task.done_at = None
    task.save(update_fields=["done_at"])
    return task


@transaction.atomic
def needs_survey_create(*, by, customer, needs, **fields):
    """Record a needs survey (需求调研表) with its need lines.

    `needs` is a list of (description, priority); at least one. `fields` are the other
    NeedsSurvey fields; the surveyor defaults to `by` and must see the customer.
    """
    customer = _lock_customer(customer.pk, "owner")
    if not can_add_survey(by, customer):
        raise PermissionDenied
    needs = [(d.strip(), p) for d, p in needs if d and d.strip()]
    if not needs:
        raise CustomerError(_("Add at least one need."))
    if any(p not in NeedLine.Priority.values for _d, p in needs):
        raise CustomerError(_("Each need is a must-have or a value-add."))
    with validation.enforce():
        validation.amounts(budget_min=fields.get("budget_min"), budget_max=fields.get("budget_max"))
    surveyor = fields.pop("surveyor", None) or by
    if not _sees(surveyor, customer):
        raise CustomerError(_("The surveyor must be someone who sees this customer."))
    survey = NeedsSurvey.objects.create(customer=customer, surveyor=surveyor, **fields)
    NeedLine.objects.bulk_create(
        NeedLine(survey=survey, description=d, priority=p) for d, p in needs
    )
    return survey
