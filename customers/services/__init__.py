"""Every write to customers and the records around them that matters.

Each service runs in a transaction, locks the rows it changes, checks the rules (and the
permissions again), writes, and records who did it.
"""

import logging
import tempfile
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import connection, transaction
from django.db.models import Max, Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from simple_history.utils import bulk_update_with_history

from crm_site import hooks
from crm_site.hooks import Moved
from teams import outbox
from teams.models import User

from .. import bulk, cadence, excel, grading, moves, normalize
from ..models import (
    Contact,
    Customer,
    CustomerShare,
    ExportLog,
    FollowUp,
    GradeChange,
    GradeProposal,
    GradingSettings,
    Handover,
    ImportLog,
    Merge,
    NeedLine,
    NeedsSurvey,
    SavedView,
    Task,
)
from ..permissions import (
    can_add_survey,
    can_assign_customer_to,
    can_change_owner,
    can_confirm_review,
    can_create_customer,
    can_edit_customer,
    can_log_followup,
    can_merge_customer,
    can_share_customer,
    checks_grades,
    is_admin,
    manages_customers,
    may_own_customers,
    works_with_customers,
)
from ..querysets import customer_viewers_q

logger = logging.getLogger(__name__)

LATE_AFTER = timedelta(hours=24)


class CustomerError(Exception):
    """A rule was broken; the message is for the user."""


# --- customers -------------------------------------------------------------------------


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
    owner = owner or by
    if not (can_create_customer(by) and can_assign_customer_to(by, owner)):
        raise PermissionDenied
    rules_ = GradingSettings.load()
    customer = Customer(owner=owner, created_by=by, **fields)
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
    _record_grade(
        customer, old=None, by=by, source=_grade_source(customer), reason=gettext_noop("Created")
    )
    return customer


@transaction.atomic
def customer_update(*, by, customer, tags=None, reason="", owner=None, **fields):
    """Edit a customer. A share lets a colleague edit it; a new `owner` also needs `by` to move
    it (`can_change_owner`) and to be allowed to give it to them: the change is then a
    reassign, as in bulk reassign (the old owner's open tasks go along)."""
    customer = _lock_customer(customer.pk)
    if not can_edit_customer(by, customer):
        raise PermissionDenied
    if owner is not None and owner.pk == customer.owner_id:
        owner = None
    if owner is not None and not (
        can_change_owner(by, customer) and can_assign_customer_to(by, owner)
    ):
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
    if owner is not None:
        _give_customers([customer], owner, by=by, reason=gettext_noop("Owner changed"))
    return customer


@transaction.atomic
def customer_confirm_review(*, by, customer):
    customer = _lock_customer(customer.pk)
    if customer.review != Customer.Review.PENDING:
        raise CustomerError(_("This customer is not waiting for a second check."))
    if not can_confirm_review(by, customer):
        raise PermissionDenied
    customer.review = Customer.Review.CONFIRMED
    customer.review_requested_by = None
    customer._change_reason = gettext_noop("A grade confirmed")
    customer.save(update_fields=["review", "review_requested_by", "updated_at"])
    return customer


# --- customer page: contacts, colleagues, merge --------------------------------------------


def _require_edit(by, customer):
    if not can_edit_customer(by, customer):
        raise PermissionDenied


@transaction.atomic
def contact_create(*, by, customer, **fields):
    """Add a contact to a customer the user may edit."""
    customer = _lock_customer(customer.pk)
    _require_edit(by, customer)
    contact = Contact(customer=customer, **fields)
    contact.phone_key = normalize.phone_key(contact.phone)
    contact._history_user = by
    contact.save()
    return contact


@transaction.atomic
def contact_update(*, by, contact, **fields):
    contact = Contact.objects.select_for_update().select_related("customer").get(pk=contact.pk)
    _require_edit(by, contact.customer)
    for name, value in fields.items():
        setattr(contact, name, value)
    contact.phone_key = normalize.phone_key(contact.phone)
    contact._history_user = by
    contact.save()
    return contact


@transaction.atomic
def contact_delete(*, by, contact):
    """Delete a contact; follow-ups logged with them stay (their "with whom" is cleared)."""
    contact = Contact.objects.select_for_update().select_related("customer").get(pk=contact.pk)
    _require_edit(by, contact.customer)
    contact._history_user = by
    contact.delete()
    return contact


@transaction.atomic
def customer_share(*, by, customer, user, can_edit=False):
    """Share a customer with a colleague (协作人), read-only or read-write; sharing again
    changes the access."""
    customer = _lock_customer(customer.pk)
    if not can_share_customer(by, customer):
        raise PermissionDenied
    if user.pk == customer.owner_id:
        raise CustomerError(_("%(name)s owns this customer already.") % {"name": user})
    if not works_with_customers(user):
        raise CustomerError(
            _("%(name)s does not work with customers and cannot be added.") % {"name": user}
        )
    share = CustomerShare.objects.filter(customer=customer, user=user).first()
    if share is None:
        share = CustomerShare(customer=customer, user=user)
    share.can_edit = can_edit
    share._history_user = by
    share.save()
    return share


@transaction.atomic
def customer_unshare(*, by, share):
    share = CustomerShare.objects.select_related("customer").get(pk=share.pk)
    customer = _lock_customer(share.customer_id)
    if not can_share_customer(by, customer):
        raise PermissionDenied
    share._history_user = by
    share.delete()
    return share


def merge_preview(*, by, keep, merge):
    """What `customer_merge` would move, for the confirm page: the same hooks, dry."""
    return moves.merge_moves(keep=keep, merge=merge, by=by, dry_run=True)


def _share_with_merged_owner(keep, merge):
    """The merged customer's owner keeps working on it: a read-write share (1 if added)."""
    if not merge.owner.is_active or merge.owner_id == keep.owner_id:
        return 0
    share, created = CustomerShare.objects.get_or_create(
        customer=keep, user=merge.owner, defaults={"can_edit": True}
    )
    if created:
        return 1
    if share.can_edit:
        return 0
    share.can_edit = True
    share.save(update_fields=["can_edit"])
    return 1


@transaction.atomic
def customer_merge(*, by, keep, merge, share_with_merged_owner=False):
    """Merge `merge` into `keep`: everything linked to it moves, then it is deleted.

    Runs every CUSTOMER_MERGE hook (customers/moves.py: contacts, follow-ups, tasks, needs
    surveys, tags, shares, grade history and proposals, handover links, earlier merges, empty
    template-1 fields; later apps move their rows the same way) and records a `Merge` (shown
    in the timeline). With `share_with_merged_owner`, the owner of the merged customer becomes
    a read-write colleague of the kept one. A row still pointing at `merge` after the hooks
    stops the merge (CustomerError) and nothing changes.
    """
    if keep.pk == merge.pk:
        raise CustomerError(_("A customer cannot be merged into itself."))
    # Both rows locked in id order, as handover and bulk actions lock theirs, so two of them
    # on the same customers wait for each other instead of deadlocking; everything below
    # reads the rows as they are under the lock. A customer merged away meanwhile is gone.
    locked = {
        c.pk: c
        for c in Customer.objects.select_for_update()
        .filter(pk__in=[keep.pk, merge.pk])
        .order_by("pk")
    }
    if len(locked) != 2:
        raise CustomerError(_("One of the two customers no longer exists."))
    keep, merge = locked[keep.pk], locked[merge.pk]
    visible = Customer.objects.visible_to(by).filter(pk__in=[keep.pk, merge.pk]).count()
    if visible != 2 or not (can_merge_customer(by, keep) and can_merge_customer(by, merge)):
        raise PermissionDenied

    moved = moves.merge_moves(keep=keep, merge=merge, by=by, dry_run=False)
    if share_with_merged_owner:
        shared = _share_with_merged_owner(keep, merge)
        moved = hooks.tally([*moved, Moved("shares", gettext_noop("colleagues"), shared)])
    relation = moves.left_behind(merge)
    if relation is not None:
        raise CustomerError(
            _(
                "Nothing was merged: %(rows)s of %(name)s would be lost, because no merge hook "
                "moves them (%(relation)s)."
            )
            % {
                "rows": relation.related_model._meta.verbose_name_plural,
                "name": merge.name,
                "relation": f"{relation.related_model._meta.label}.{relation.field.name}",
            }
        )

    record = Merge.objects.create(
        kept=keep,
        merged_name=merge.name,
        merged_pk=merge.pk,
        moved=[m.as_json() for m in moved],
        by=by,
    )
    merge._history_user = by
    merge._change_reason = f"Merged into {keep.name} (#{keep.pk})"
    merge.delete()
    _apply_keys(keep)
    keep._history_user = by
    keep._change_reason = f"Merged with {record.merged_name} (#{record.merged_pk})"
    keep.save()
    customer_refresh_cadence(customer=keep)
    return record


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


def _sees(user, customer):
    return User.objects.filter(customer_viewers_q(customer), pk=user.pk).exists()


def _check_location(*, method, latitude, longitude, location_accuracy):
    """外勤签到: coordinates come in pairs, inside their ranges, and only with a visit."""
    given = [v is not None for v in (latitude, longitude, location_accuracy)]
    if not any(given):
        return
    if method != FollowUp.Method.VISIT:
        raise CustomerError(_("Only a visit can carry a check-in location."))
    if latitude is None or longitude is None:
        raise CustomerError(_("A check-in needs both latitude and longitude."))
    if not -90 <= latitude <= 90:
        raise CustomerError(_("The check-in latitude must be between -90 and 90."))
    if not -180 <= longitude <= 180:
        raise CustomerError(_("The check-in longitude must be between -180 and 180."))
    if location_accuracy is not None and location_accuracy < 0:
        raise CustomerError(_("The check-in accuracy cannot be negative."))


def _check_followup(*, customer, method, occurred_at, now, fields, next_action, due, owner):
    if occurred_at > now + timedelta(minutes=5):
        raise CustomerError(_("A follow-up cannot be in the future."))
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
    **fields,
):
    """Log a follow-up; a record entered more than 24 h after the contact is marked late.

    `fields` are the other FollowUp fields (contact, executive, goal, feedback, latitude,
    longitude, location_accuracy). The next action, when given with a date, becomes a task
    for its owner (the author by default). The customer's next due date moves; the returned
    follow-up's `customer` carries the new `next_followup_due`.
    """
    customer = _lock_customer(customer.pk, "owner")
    if not can_log_followup(by, customer):
        raise PermissionDenied
    if not (summary or "").strip():
        raise CustomerError(_("Write the key points of the follow-up."))
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
        Customer.objects.filter(pk=customer.pk).update(status=Customer.Status.PROSPECT)
        customer.status = Customer.Status.PROSPECT
    customer_refresh_cadence(customer=customer)
    return followup


@transaction.atomic
def task_complete(*, by, task):
    """Mark a task done: its owner, or someone who may edit its customer; only once."""
    task = Task.objects.select_for_update().select_related("customer__owner").get(pk=task.pk)
    if task.owner_id != by.pk and not can_edit_customer(by, task.customer):
        raise PermissionDenied
    if task.done_at is not None:
        raise CustomerError(_("This task is already done."))
    task.done_at = timezone.now()
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
    low, high = fields.get("budget_min"), fields.get("budget_max")
    if low is not None and high is not None and low > high:
        raise CustomerError(_("The budget's lower end is above its upper end."))
    if any(v is not None and v < 0 for v in (low, high)):
        raise CustomerError(_("A budget cannot be negative."))
    surveyor = fields.pop("surveyor", None) or by
    if not _sees(surveyor, customer):
        raise CustomerError(_("The surveyor must be someone who sees this customer."))
    survey = NeedsSurvey.objects.create(customer=customer, surveyor=surveyor, **fields)
    NeedLine.objects.bulk_create(
        NeedLine(survey=survey, description=d, priority=p) for d, p in needs
    )
    return survey


# --- grading and handover ------------------------------------------------------------------

CADENCE_FIELDS = (
    "a_executive_visit_days",
    "a_routine_contacts",
    "b_contact_days",
    "b_visit_days",
    "c_contact_days",
)
RECOMPUTE_BATCH = 2000


@transaction.atomic
def grading_settings_update(*, by, **fields):
    """Change the thresholds and cadence (admins). A cadence change queues the recompute of
    every customer's next due date (a Celery task, through the outbox) with this transaction."""
    if not is_admin(by):
        raise PermissionDenied
    GradingSettings.load()
    rules_ = GradingSettings.objects.select_for_update().get(pk=1)
    a_threshold = fields.get("a_threshold", rules_.a_threshold)
    b_threshold = fields.get("b_threshold", rules_.b_threshold)
    if b_threshold >= a_threshold:
        raise CustomerError(_("The grade B threshold must be below the grade A threshold."))
    cadence_changed = any(
        name in fields and fields[name] != getattr(rules_, name) for name in CADENCE_FIELDS
    )
    for name, value in fields.items():
        setattr(rules_, name, value)
    rules_._history_user = by
    rules_.save()
    if cadence_changed:
        from ..tasks import recompute_cadence_task

        outbox.enqueue(recompute_cadence_task)
    return rules_


def customers_recompute_cadence(*, batch_size=RECOMPUTE_BATCH):
    """Recompute every customer's last follow-up and next due date with the current rules.

    Per batch of customers: one query for the customers, one grouped query for their
    follow-ups, one update of the rows that changed. Returns how many changed.
    """
    rules_ = GradingSettings.load()
    tz = timezone.get_current_timezone()
    changed_count, last_pk = 0, 0

    def day(value):
        return value.astimezone(tz).date() if value else None

    while True:
        batch = list(
            Customer.objects.filter(pk__gt=last_pk)
            .order_by("pk")
            .values_list("pk", "grade", "created_at", "last_followup_at", "next_followup_due")[
                :batch_size
            ]
        )
        if not batch:
            return changed_count
        last_pk = batch[-1][0]
        stats = {
            row[0]: row[1:]
            for row in FollowUp.objects.filter(customer_id__in=[row[0] for row in batch])
            .order_by()
            .values("customer_id")
            .annotate(
                last_contact=Max("occurred_at"),
                last_visit=Max("occurred_at", filter=Q(method=FollowUp.Method.VISIT)),
                last_executive=Max(
                    "occurred_at", filter=Q(method=FollowUp.Method.VISIT, executive=True)
                ),
            )
            .values_list("customer_id", "last_contact", "last_visit", "last_executive")
        }
        changed = []
        for pk, grade, created_at, old_last, old_due in batch:
            last_contact, last_visit, last_executive = stats.get(pk, (None, None, None))
            due = cadence.next_due(
                grade=grade,
                rules=rules_,
                created=day(created_at),
                last_contact=day(last_contact),
                last_visit=day(last_visit),
                last_executive=day(last_executive),
            )
            if due != old_due or last_contact != old_last:
                changed.append((pk, due, last_contact))
        if changed:
            _customers_set_cadence(changed)
            changed_count += len(changed)


def _customers_set_cadence(rows):
    """One UPDATE for many `(pk, next_followup_due, last_followup_at)` rows."""
    if connection.vendor == "postgresql":
        pks, dues, lasts = zip(*rows, strict=True)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE customers_customer AS c"
                " SET next_followup_due = v.due, last_followup_at = v.last"
                " FROM unnest(%s::bigint[], %s::date[], %s::timestamptz[]) AS v(id, due, last)"
                " WHERE c.id = v.id",
                [list(pks), list(dues), list(lasts)],
            )
        return
    Customer.objects.bulk_update(
        [Customer(pk=pk, next_followup_due=due, last_followup_at=last) for pk, due, last in rows],
        ["next_followup_due", "last_followup_at"],
    )


def grade_review_propose(*, as_of):
    """The quarterly review (每季度末): propose the computed grade wherever it differs.

    One proposal per customer and quarter, so a second run in the same quarter is a no-op.
    A newer proposal closes the customer's older pending ones (rejected by nobody: the
    system). Every customer is considered, manual grades too: the manager decides.
    Returns how many proposals were made.
    """
    period = grading.quarter_label(as_of)
    rules_ = GradingSettings.load()
    made, last_pk = 0, 0
    while True:
        batch = list(
            Customer.objects.filter(pk__gt=last_pk)
            .order_by("pk")
            .only("pk", "grade", "strategic", "annual_purchase_estimate")[:RECOMPUTE_BATCH]
        )
        if not batch:
            return made
        last_pk = batch[-1].pk
        amounts = grading.trailing_purchases(batch, as_of)
        already = set(
            GradeProposal.objects.filter(
                period=period, customer_id__in=[c.pk for c in batch]
            ).values_list("customer_id", flat=True)
        )
        proposals = []
        for customer in batch:
            if customer.pk in already:
                continue
            proposed = grading.computed_grade(
                amount=amounts[customer.pk], strategic=customer.strategic, rules=rules_
            )
            if proposed != customer.grade:
                proposals.append(
                    GradeProposal(
                        customer=customer,
                        period=period,
                        current_grade=customer.grade,
                        proposed_grade=proposed,
                        basis_amount=amounts[customer.pk],
                    )
                )
        if not proposals:
            continue
        with transaction.atomic():
            GradeProposal.objects.filter(
                customer_id__in=[p.customer_id for p in proposals],
                status=GradeProposal.Status.PENDING,
                period__lt=period,
            ).update(status=GradeProposal.Status.REJECTED, decided_at=timezone.now())
            GradeProposal.objects.bulk_create(proposals, ignore_conflicts=True)
        made += len(proposals)


@transaction.atomic
def grade_proposals_decide(*, by, proposals, confirm):
    """Confirm or reject pending proposals in bulk; returns how many were decided.

    `proposals` are proposals or ids; those of customers `by` may not see and those already
    decided are skipped. A confirmed proposal sets the grade (recorded as a quarterly review
    change with its period and basis) and the customer's cadence; the manager's decision
    is the second check, so a customer confirmed to A is not left pending review.
    """
    if not checks_grades(by):
        raise PermissionDenied
    ids = [getattr(p, "pk", p) for p in proposals]
    locked = list(
        GradeProposal.objects.visible_to(by)
        .select_for_update(of=("self",))
        .filter(pk__in=ids, status=GradeProposal.Status.PENDING)
        .order_by("pk")
    )
    now = timezone.now()
    customers = {}
    if confirm and locked:
        customers = Customer.objects.select_for_update().in_bulk([p.customer_id for p in locked])
    rules_ = GradingSettings.load()
    for proposal in locked:
        proposal.status = (
            GradeProposal.Status.CONFIRMED if confirm else GradeProposal.Status.REJECTED
        )
        proposal.decided_by, proposal.decided_at = by, now
        proposal.save(update_fields=["status", "decided_by", "decided_at"])
        if not confirm:
            continue
        customer = customers[proposal.customer_id]
        old = customer.grade
        customer.grade = proposal.proposed_grade
        customer.grade_source = Customer.GradeSource.COMPUTED
        customer.review = Customer.Review.CONFIRMED
        customer.review_requested_by = None
        customer._change_reason = gettext_noop("Quarterly grade review")
        customer._history_user = by
        customer.save(
            update_fields=[
                "grade",
                "grade_source",
                "review",
                "review_requested_by",
                "updated_at",
            ]
        )
        _record_grade(
            customer,
            old=old,
            by=by,
            source=GradeChange.Source.REVIEW,
            reason=gettext_noop(
                "Quarterly review %(period)s: %(amount)s (10k CNY) in the trailing 12 months"
            ),
            reason_args={"period": proposal.period, "amount": str(proposal.basis_amount)},
        )
        if old != customer.grade:
            customer_refresh_cadence(customer=customer, rules=rules_)
    return len(locked)


def _check_receiver(by, to_user):
    """Customers go only to an active sales colleague `by` may assign them to; the common
    refusals are explained."""
    if not User.objects.visible_to(by).filter(pk=to_user.pk).exists():
        raise PermissionDenied
    if not to_user.is_active:
        raise CustomerError(
            _("%(name)s is deactivated and cannot receive customers.") % {"name": to_user}
        )
    if not may_own_customers(to_user):
        raise CustomerError(
            _("%(name)s does not work with customers and cannot receive them.") % {"name": to_user}
        )
    if not can_assign_customer_to(by, to_user):
        raise PermissionDenied


def _give_customers(customers, to_user, *, by, reason):
    """The one way customers change owner (edit form, bulk reassign, handover): `customers`,
    locked by the caller, go to `to_user` (with history rows), each old owner's open work on
    them goes along (the CUSTOMER_HANDOVER hooks, once per old owner: customers' open tasks,
    later apps' records), and `to_user` needs no share on what they own. Returns the `Moved`
    counts of the hooks."""
    by_old_owner = defaultdict(list)
    for customer in customers:
        by_old_owner[customer.owner_id].append(customer.pk)
    old_owners = User.objects.in_bulk(by_old_owner)
    moved = hooks.tally(
        m
        for owner_id, pks in by_old_owner.items()
        for m in moves.handover_moves(
            customer_ids=pks, from_user=old_owners[owner_id], to_user=to_user, by=by, dry_run=False
        )
    )
    now = timezone.now()
    for customer in customers:
        customer.owner, customer.updated_at = to_user, now
    bulk_update_with_history(
        customers, Customer, ["owner", "updated_at"], default_user=by, default_change_reason=reason
    )
    CustomerShare.objects.filter(customer__in=customers, user=to_user).delete()
    return moved


@transaction.atomic
def customers_handover(*, by, from_user, to_user, customers=None, note=""):
    """客户交接: move all (None) or the given customers of `from_user` to `to_user`.

    Only customers `from_user` owns and `by` manages (`managed_by`: ownership reach, never a
    share) move; `from_user`'s open work on them moves too (CUSTOMER_HANDOVER hooks: customers'
    open tasks, later apps' records). A customer merged away while this waited for its lock is
    no longer there and is not handed over. Recorded as a Handover with what moved (it shows
    on each customer's timeline).
    """
    if not manages_customers(by):
        raise PermissionDenied
    if not User.objects.visible_to(by).filter(pk=from_user.pk).exists():
        raise PermissionDenied
    if from_user.pk == to_user.pk:
        raise CustomerError(_("Choose someone else to receive the customers."))
    _check_receiver(by, to_user)
    moving = Customer.objects.managed_by(by).filter(owner=from_user)
    if customers is not None:
        moving = moving.filter(pk__in=[getattr(c, "pk", c) for c in customers])
    # Locked in id order, as a merge locks its two: the rows read here are the ones moved.
    moving = list(moving.select_for_update(of=("self",)).order_by("pk"))
    if not moving:
        raise CustomerError(
            _("%(name)s has none of these customers to hand over.") % {"name": from_user}
        )
    moved = _give_customers(moving, to_user, by=by, reason=gettext_noop("Customer handover"))
    handover = Handover.objects.create(
        from_user=from_user,
        to_user=to_user,
        by=by,
        moved=[m.as_json() for m in moved],
        note=note,
    )
    handover.customers.set([customer.pk for customer in moving])
    return handover


# --- list: bulk actions and saved views ----------------------------------------------------


def _bulk_scope(by, customers):
    """Lock the selected customers (in id order); every one must be a customer `by` may move
    (`managed_by`: ownership reach, not merely shared with them), or the whole action is
    refused and nothing changes."""
    if not manages_customers(by):
        raise PermissionDenied
    pks = {getattr(customer, "pk", customer) for customer in customers}
    if not pks:
        raise CustomerError(_("Select at least one customer."))
    found = list(
        Customer.objects.managed_by(by)
        .filter(pk__in=pks)
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    if len(found) != len(pks):
        if Customer.objects.filter(pk__in=pks).count() != len(pks):
            # Merged away since the list was shown: nothing to refuse, say what happened.
            raise CustomerError(
                _("Some of the selected customers no longer exist; nothing was changed.")
            )
        raise PermissionDenied
    return found


@transaction.atomic
def customers_bulk_reassign(*, by, customers, to_user):
    """Give the selected customers to `to_user`. As in a handover, each old owner's open work
    on them moves too (the CUSTOMER_HANDOVER hooks, once per old owner). Returns how many
    customers changed owner."""
    found = _bulk_scope(by, customers)
    _check_receiver(by, to_user)
    moving = [customer for customer in found if customer.owner_id != to_user.pk]
    if not moving:
        return 0
    _give_customers(moving, to_user, by=by, reason=gettext_noop("Bulk reassign"))
    return len(moving)


@transaction.atomic
def customers_bulk_tag(*, by, customers, tag, add):
    """Add `tag` to (or remove it from) the selected customers. Returns how many changed; the
    customers' history records who did it."""
    found = _bulk_scope(by, customers)
    through = Customer.tags.through
    tagged = set(
        through.objects.filter(customer__in=found, tag=tag).values_list("customer_id", flat=True)
    )
    if add:
        changed = [customer for customer in found if customer.pk not in tagged]
        through.objects.bulk_create(
            [through(customer_id=customer.pk, tag_id=tag.pk) for customer in changed],
            ignore_conflicts=True,
        )
    else:
        changed = [customer for customer in found if customer.pk in tagged]
        through.objects.filter(customer__in=changed, tag=tag).delete()
    if changed:
        now = timezone.now()
        for customer in changed:
            customer.updated_at = now
        reason = f"Tag {'added' if add else 'removed'}: {tag.name}"
        bulk_update_with_history(
            changed, Customer, ["updated_at"], default_user=by, default_change_reason=reason
        )
    return len(changed)


def saved_view_create(*, by, name, query):
    """Name the current filter of the customer list so `by` gets it back in one click."""
    name = name.strip()
    if SavedView.objects.filter(user=by, name=name).exists():
        raise CustomerError(
            _("You already have a saved view called “%(name)s”. Choose another name.")
            % {"name": name}
        )
    return SavedView.objects.create(user=by, name=name, query=query)


def saved_view_delete(*, by, saved_view):
    if saved_view.user_id != by.pk:
        raise PermissionDenied
    saved_view.delete()


# --- Excel -----------------------------------------------------------------------------------


@transaction.atomic
def customers_import(*, by, rows, filename=""):
    """Create the customers of a checked import file, each with its first contact: all or
    nothing, in one transaction, in bulk.

    `rows` are `excel.ImportRow`s. A rep imports their own customers; managers and above may
    name owners within their reach. The grade is computed from the annual purchase estimate
    unless the row gives one (then it is a manual grade); an A waits for its second check.
    The next follow-up is due one cadence interval from today. Duplicates (in the file or
    among all customers) refuse the whole file. Returns the ImportLog.
    """
    if not can_create_customer(by):
        raise PermissionDenied
    rows = list(rows)
    if not rows:
        raise CustomerError(_("The file has no customer rows."))
    owners = {row.owner.pk: row.owner for row in rows if row.owner is not None}
    if not all(can_assign_customer_to(by, owner) for owner in owners.values()):
        raise PermissionDenied
    duplicates = excel.duplicate_problems(rows)
    if duplicates:
        first = duplicates[0]
        raise CustomerError(
            _("Nothing was imported. Row %(row)s: %(message)s")
            % {"row": first.row, "message": first.message}
        )
    rules_ = GradingSettings.load()
    today = timezone.localdate()
    customers = []
    for row in rows:
        customer = Customer(owner=row.owner or by, created_by=by, **row.customer)
        _apply_keys(customer)
        if row.grade_given:
            customer.grade_source = Customer.GradeSource.MANUAL
        else:
            customer.grade_source = Customer.GradeSource.COMPUTED
            customer.grade = grading.computed_grade(
                amount=customer.annual_purchase_estimate, strategic=customer.strategic, rules=rules_
            )
        _mark_for_review(customer, None, by)
        customer.next_followup_due = cadence.next_due(
            grade=customer.grade, rules=rules_, created=today
        )
        customers.append(customer)
    # COPY on PostgreSQL (bulk_create elsewhere), with each customer's and contact's history.
    reason = gettext_noop("Imported")
    bulk.create(Customer, customers, history_user=by, history_reason=reason)
    contacts = [
        Contact(
            customer=customer,
            is_key=True,
            phone_key=normalize.phone_key(row.contact.get("phone", "")),
            **row.contact,
        )
        for row, customer in zip(rows, customers, strict=True)
        if row.contact
    ]
    bulk.create(Contact, contacts, history_user=by, history_reason=reason)
    through = Customer.tags.through
    bulk.create(
        through,
        [
            through(customer_id=customer.pk, tag_id=tag_id)
            for row, customer in zip(rows, customers, strict=True)
            for tag_id in {tag.pk for tag in row.tags}
        ],
    )
    bulk.create(
        GradeChange,
        [
            GradeChange(
                customer=customer,
                to_grade=customer.grade,
                source=_grade_source(customer),
                reason=reason,
                changed_by=by,
            )
            for customer in customers
        ],
    )
    return ImportLog.objects.create(
        user=by,
        filename=filename[:200],
        customer_count=len(customers),
        contact_count=len(contacts),
    )


@transaction.atomic
def customers_export(*, by, customers, query, out):
    """Write `customers` (the list's filtered queryset) to `out` as .xlsx and log it: customer
    data leaves only through a logged export. Only what `by` may see is written, whatever
    queryset is passed. Returns the number of rows."""
    if not works_with_customers(by):
        raise PermissionDenied
    count = excel.write_customers(customers.visible_to(by), out)
    ExportLog.objects.create(
        user=by,
        query=query[:1000],
        total=count,
        row_count=count,
        finished_at=timezone.now(),
    )
    return count


def customers_export_start(*, by, customers, query, out):
    """Export the list filtered by `query` (`customers`, its queryset): up to
    CUSTOMER_EXPORT_DIRECT_ROWS visible rows are written to `out` now and None is returned;
    a larger export is queued for a worker and its log returned."""
    total = customers.visible_to(by).count()
    if total > settings.CUSTOMER_EXPORT_DIRECT_ROWS:
        return customers_export_queue(by=by, query=query, total=total)
    customers_export(by=by, customers=customers, query=query, out=out)
    return None


def customers_export_queue(*, by, query, total):
    """Queue a large export of the list filtered by `query` for a Celery worker; returns its
    log. The same filter already waiting or being written is returned instead of a second
    export (a double click queues one)."""
    if not works_with_customers(by):
        raise PermissionDenied
    query = query[:1000]
    with transaction.atomic():
        # One export request of a user at a time decides whether one is already under way.
        User.objects.select_for_update().filter(pk=by.pk).first()
        running = ExportLog.objects.filter(
            user=by,
            query=query,
            status__in=[ExportLog.Status.QUEUED, ExportLog.Status.RUNNING],
        ).first()
        if running:
            return running
        log = ExportLog.objects.create(
            user=by, query=query, total=total, status=ExportLog.Status.QUEUED
        )
        from ..tasks import export_customers_task

        outbox.enqueue(export_customers_task, log.pk)
    return log


# A worker writes a chunk of EXPORT_CHUNK rows in seconds; this long without one, it is gone.
EXPORT_ALIVE = timedelta(minutes=10)


def customers_export_write(*, log_id):
    """The worker's half of a queued export: the rows its requester may see now, filtered by
    the saved query, written to the log's file with the progress on the log. A second copy
    of the task (published twice, or redelivered) does nothing while the export is finished
    or another worker is writing it; it takes over from a worker that stopped showing
    progress EXPORT_ALIVE ago. Returns the number of rows written."""
    # filters imports forms, which imports this module.
    from ..filters import CustomerFilter

    with transaction.atomic():
        log = ExportLog.objects.select_for_update().select_related("user").get(pk=log_id)
        now = timezone.now()
        if not log.in_progress:
            return log.row_count
        alive = log.progress_at and log.progress_at > now - EXPORT_ALIVE
        if log.status == ExportLog.Status.RUNNING and alive:
            logger.info("Customer export %s is being written already", log.pk)
            return log.row_count
        log.status = ExportLog.Status.RUNNING
        log.row_count = 0
        log.progress_at = now
        log.save(update_fields=["status", "row_count", "progress_at"])
    user = log.user
    filterset = CustomerFilter(
        QueryDict(log.query), queryset=Customer.objects.visible_to(user), user=user
    )
    if not works_with_customers(user) or not filterset.is_valid():
        logger.warning("Customer export %s: the user may no longer export it as filtered", log.pk)
        _export_failed(log)
        return 0

    def progress(count):
        ExportLog.objects.filter(pk=log.pk).update(row_count=count, progress_at=timezone.now())

    try:
        with tempfile.TemporaryFile() as out:
            count = excel.write_customers(filterset.qs.visible_to(user), out, progress=progress)
            out.seek(0)
            stamp = timezone.localtime(log.at).strftime("%Y%m%d-%H%M")
            with transaction.atomic():
                log.file.save(f"customers-{stamp}-{log.pk}.xlsx", File(out), save=False)
                log.status = ExportLog.Status.DONE
                log.row_count = count
                log.finished_at = timezone.now()
                log.save(update_fields=["file", "status", "row_count", "finished_at"])
    except Exception:
        logger.exception("Customer export %s failed", log.pk)
        _export_failed(log)
        raise
    return count


def _export_failed(log):
    ExportLog.objects.filter(pk=log.pk).update(
        status=ExportLog.Status.FAILED, finished_at=timezone.now()
    )


EXPORT_KEEP = timedelta(hours=24)
EXPORT_STUCK = timedelta(hours=6)


def customers_export_purge(*, now=None):
    """Delete export files older than EXPORT_KEEP (their logs stay, as expired) and mark
    exports no worker finished within EXPORT_STUCK as failed. Returns the files deleted."""
    now = now or timezone.now()
    ExportLog.objects.filter(
        status__in=[ExportLog.Status.QUEUED, ExportLog.Status.RUNNING], at__lt=now - EXPORT_STUCK
    ).update(status=ExportLog.Status.FAILED, finished_at=now)
    deleted = 0
    old = ExportLog.objects.filter(status=ExportLog.Status.DONE, finished_at__lt=now - EXPORT_KEEP)
    for log in old.iterator():
        if log.file:
            log.file.delete(save=False)
            deleted += 1
        log.status = ExportLog.Status.EXPIRED
        log.save(update_fields=["status", "file"])
    return deleted
