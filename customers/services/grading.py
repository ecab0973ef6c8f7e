"""Grading: the admin's thresholds and cadence, recomputing every customer's due date, and the
quarterly grade review (proposals, and managers' decisions on them)."""

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from teams import outbox

from .. import cadence, grading
from ..cadence import CADENCE_FIELDS
from ..errors import CustomerError
from ..models import Customer, FollowUp, GradeChange, GradeProposal, GradingSettings
from ..permissions import checks_grades, is_admin
from .common import _record_grade
from .followups import customer_refresh_cadence

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
            .values_list(
                "pk",
                "grade",
                "created_at",
                "last_followup_at",
                "next_followup_due",
                "next_followup_for",
            )[:batch_size]
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
        for pk, grade, created_at, old_last, old_due, old_for in batch:
            last_contact, last_visit, last_executive = stats.get(pk, (None, None, None))
            due, due_for = cadence.due(
                grade=grade,
                rules=rules_,
                created=day(created_at),
                last_contact=day(last_contact),
                last_visit=day(last_visit),
                last_executive=day(last_executive),
            )
            if due != old_due or due_for != old_for or last_contact != old_last:
                changed.append((pk, due, due_for, last_contact))
        if changed:
            _customers_set_cadence(changed)
            changed_count += len(changed)


def _customers_set_cadence(rows):
    """One UPDATE for many `(pk, next_followup_due, next_followup_for, last_followup_at)`
    rows."""
    if connection.vendor == "postgresql":
        pks, dues, dues_for, lasts = zip(*rows, strict=True)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE customers_customer AS c"
                " SET next_followup_due = v.due, next_followup_for = v.due_for,"
                " last_followup_at = v.last"
                " FROM unnest(%s::bigint[], %s::date[], %s::varchar[], %s::timestamptz[])"
                " AS v(id, due, due_for, last)"
                " WHERE c.id = v.id",
                [list(pks), list(dues), list(dues_for), list(lasts)],
            )
        return
    Customer.objects.bulk_update(
        [
            Customer(pk=pk, next_followup_due=due, next_followup_for=due_for, last_followup_at=last)
            for pk, due, due_for, last in rows
        ],
        ["next_followup_due", "next_followup_for", "last_followup_at"],
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
    is the second check, so a customer confirmed to A is not left waiting for one.
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
        customer.second_check = Customer.SecondCheck.CONFIRMED
        customer.second_check_requested_by = None
        customer._change_reason = gettext_noop("Quarterly grade review")
        customer._history_user = by
        customer.save(
            update_fields=[
                "grade",
                "grade_source",
                "second_check",
                "second_check_requested_by",
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
