"""The customers app's reminder rules (registered in hooks.py; the engine is notifications').

- followups_due: a customer whose next follow-up (customers/cadence.py) is due today or
  overdue → its owner, once per due date, each working morning;
- followups_overdue_team: customers overdue by more than `followup_manager_days` → one
  digest per manager per week (ISO week), on the week's first working day;
- tasks_due: an open task due by the next working day (tomorrow, or through the coming days
  off) or overdue → its owner, once per due date;
- leads_unscreened: a lead not screened within 3 working days of its entry (leads.py) → its
  owner and their manager, once per lead;
- reclaim_warnings: a customer the pools' reclaim warned about (services/reclaim.py, K days
  before, the pool's `warn_days`) and still with that owner → the owner, once per reclaim
  date. Days off included: the reclaim counts calendar days and does not wait for Monday;
- grade_review_ready: pending proposals of the quarterly grade review → the manager who
  decides for each proposal's owner (policy.approver_for), one per manager and quarter.

Nothing goes out on a day off: the next working day's run catches up, since every rule reads
the database. A deactivated owner's reminders go to their manager (the engine does that).
"""

from datetime import timedelta

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from crm_site.hooks import Reminder
from notifications.kinds import Kind
from teams import policy, workdays
from teams.models import User

from . import leads
from .models import Customer, GradeProposal, ReclaimWarning, Task

NAMES_IN_DIGEST = 10


def _today(now):
    return timezone.localdate(now)


def _customer_url(pk):
    return reverse("customers:customer-detail", args=[pk])


class _Managers:
    """policy.approver_for, once per user in a run."""

    def __init__(self):
        self.found = {}

    def __call__(self, user):
        if user is None:
            return None
        if user.pk not in self.found:
            self.found[user.pk] = policy.approver_for(user)
        return self.found[user.pk]


def followups_due(*, now, thresholds):
    today = _today(now)
    if not workdays.is_working_day(today):
        return
    rows = (
        Customer.objects.filter(next_followup_due__lte=today, owner__isnull=False)
        .select_related("owner")
        .order_by("next_followup_due", "pk")
    )
    for customer in rows.iterator(chunk_size=500):
        due = customer.next_followup_due
        if due == today:
            title = gettext_noop("Follow-up due today: %(customer)s")
        else:
            title = gettext_noop("Follow-up overdue since %(due)s: %(customer)s")
        yield Reminder(
            recipient=customer.owner,
            kind=Kind.FOLLOWUP_DUE,
            key=f"customer-{customer.pk}/{due.isoformat()}",
            title=title,
            args={"customer": customer.name, "due": due.isoformat()},
            target=customer,
            url=_customer_url(customer.pk),
        )


def followups_overdue_team(*, now, thresholds):
    today = _today(now)
    if not workdays.is_working_day(today):
        return
    year, week, _day = today.isocalendar()
    days = thresholds.followup_manager_days
    rows = (
        Customer.objects.filter(
            next_followup_due__lt=today - timedelta(days=days), owner__isnull=False
        )
        .select_related("owner")
        .order_by("next_followup_due", "pk")
    )
    by_manager, managers, approver = {}, {}, {}
    for customer in rows.iterator(chunk_size=500):
        owner = customer.owner
        if owner.pk not in approver:
            approver[owner.pk] = policy.approver_for(owner)
        manager = approver[owner.pk]
        if manager is None:
            continue
        managers[manager.pk] = manager
        by_manager.setdefault(manager.pk, []).append(customer.name)
    for manager_pk, names in by_manager.items():
        shown = names[:NAMES_IN_DIGEST]
        yield Reminder(
            recipient=managers[manager_pk],
            kind=Kind.FOLLOWUP_OVERDUE_TEAM,
            key=f"week-{year}-W{week:02d}",
            title=gettext_noop(
                "Customers of your team overdue by more than %(days)s days: %(count)s"
            ),
            body=gettext_noop("Most overdue first: %(names)s"),
            args={
                "count": len(names),
                "days": days,
                "names": "、".join(shown) + ("…" if len(names) > len(shown) else ""),
            },
            url=reverse("customers:customer-list") + "?overdue=on&o=due",
        )


def tasks_due(*, now, thresholds):
    today = _today(now)
    if not workdays.is_working_day(today):
        return
    horizon = workdays.next_working_day(today)
    rows = (
        Task.objects.filter(done_at__isnull=True, due_date__lte=horizon)
        .select_related("owner", "customer")
        .order_by("due_date", "pk")
    )
    for task in rows.iterator(chunk_size=500):
        args = {"task": task.title, "due": task.due_date.isoformat()}
        if task.customer_id is None:  # a free-standing task (made by hand, no customer)
            if task.due_date < today:
                title = gettext_noop("Task overdue since %(due)s: %(task)s")
            else:
                title = gettext_noop("Task due %(due)s: %(task)s")
            url = reverse("customers:task-list")
        else:
            if task.due_date < today:
                title = gettext_noop("Task overdue since %(due)s: %(task)s (%(customer)s)")
            else:
                title = gettext_noop("Task due %(due)s: %(task)s (%(customer)s)")
            args["customer"] = task.customer.name
            url = _customer_url(task.customer_id)
        yield Reminder(
            recipient=task.owner,
            kind=Kind.TASK_DUE,
            key=f"task-{task.pk}/{task.due_date.isoformat()}",
            title=title,
            args=args,
            target=task,
            url=url,
        )


def leads_unscreened(*, now, thresholds):
    today = _today(now)
    if not workdays.is_working_day(today):
        return
    manager_of = _Managers()
    rows = (
        Customer.objects.filter(
            status=Customer.Status.LEAD,
            screening__isnull=True,
            owner__isnull=False,
            created_at__lt=leads.overdue_before(today),
        )
        .select_related("owner")
        .order_by("created_at", "pk")
    )
    for lead in rows.iterator(chunk_size=500):
        due = leads.due_on(lead.created_at)
        args = {"customer": lead.name, "due": due.isoformat()}
        common = {"kind": Kind.LEAD_UNSCREENED, "target": lead, "args": args}
        url = reverse("customers:lead-screen", args=[lead.pk])
        key = f"lead-{lead.pk}/{due.isoformat()}"
        yield Reminder(
            recipient=lead.owner,
            key=f"{key}/owner",
            title=gettext_noop("Lead not screened by %(due)s: %(customer)s"),
            url=url,
            **common,
        )
        manager = manager_of(lead.owner)
        if manager is not None:
            yield Reminder(
                recipient=manager,
                key=f"{key}/manager",
                title=gettext_noop("A lead of %(owner)s not screened by %(due)s: %(customer)s"),
                url=url,
                **{**common, "args": {**args, "owner": str(lead.owner)}},
            )


def reclaim_warnings(*, now, thresholds):
    today = _today(now)
    rows = (
        ReclaimWarning.objects.filter(
            reclaim_on__gte=today,
            customer__owner_id=models.F("owner_id"),
            customer__pool__isnull=True,
        )
        .select_related("customer", "owner")
        .order_by("reclaim_on", "pk")
    )
    for warning in rows.iterator(chunk_size=500):
        customer = warning.customer
        yield Reminder(
            recipient=warning.owner,
            kind=Kind.RECLAIM_WARNING,
            key=f"customer-{customer.pk}/{warning.reclaim_on.isoformat()}",
            title=gettext_noop(
                "Goes back to the pool on %(day)s unless you follow up: %(customer)s"
            ),
            args={"customer": customer.name, "day": warning.reclaim_on.isoformat()},
            target=customer,
            url=_customer_url(customer.pk),
        )


def grade_review_ready(*, now, thresholds):
    today = _today(now)
    if not workdays.is_working_day(today):
        return
    manager_of = _Managers()
    rows = (
        GradeProposal.objects.filter(
            status=GradeProposal.Status.PENDING, customer__owner__isnull=False
        )
        .values_list("period", "customer__owner_id")
        .annotate(count=models.Count("pk"))
        .order_by("period", "customer__owner_id")
    )
    rows = list(rows)
    counts = {}  # (period, manager pk) -> count
    managers = {}
    owners = User.objects.in_bulk({owner_id for _period, owner_id, _count in rows})
    for period, owner_id, count in rows:
        manager = manager_of(owners[owner_id])
        if manager is None:
            continue
        managers[manager.pk] = manager
        counts[period, manager.pk] = counts.get((period, manager.pk), 0) + count
    for (period, manager_pk), count in counts.items():
        yield Reminder(
            recipient=managers[manager_pk],
            kind=Kind.GRADE_REVIEW,
            key=f"review-{period}",
            title=gettext_noop(
                "Quarterly grade review %(period)s: %(count)s proposals wait for your decision"
            ),
            args={"period": period, "count": count},
            url=reverse("customers:grade-review"),
        )
