"""The opportunities app's reminder rules (registered in hooks.py; the engine is
notifications').

- solutions_overdue: an open opportunity past its solution due date with no solution
  submitted (`Opportunity.objects.solution_overdue`) → its owner; still overdue
  `solution_manager_days` working days after the due date → also the owner's manager;
- approvals_waiting: a stage skip request, a quote in the manager's review or a deadline
  extension waiting on the owner's approver (`teams.policy.approver_for`) for more than
  `approval_hours` → that approver; for more than `approval_manager_hours` → the approver's
  own manager too.

Nothing goes out on a day off; the next working day's run catches up (the rules read the
database). Each reminder is sent once per record and step (and due date for solutions).
"""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from crm_site.hooks import Reminder
from notifications.kinds import Kind
from teams import policy, workdays

from .models import ExtensionRequest, Opportunity, Quote, StageSkipRequest


def _url(opportunity):
    return reverse("opportunities:opportunity-detail", args=[opportunity.pk])


class _Managers:
    """approver_for, once per user in a run."""

    def __init__(self):
        self.found = {}

    def __call__(self, user):
        if user is None:
            return None
        if user.pk not in self.found:
            self.found[user.pk] = policy.approver_for(user)
        return self.found[user.pk]


def solutions_overdue(*, now, thresholds):
    today = timezone.localdate(now)
    if not workdays.is_working_day(today):
        return
    manager_of = _Managers()
    rows = (
        Opportunity.objects.solution_overdue(today)
        .select_related("owner", "customer")
        .order_by("solution_due", "pk")
    )
    for opportunity in rows.iterator(chunk_size=500):
        due = opportunity.solution_due
        args = {
            "opportunity": opportunity.name,
            "customer": opportunity.customer.name,
            "due": due.isoformat(),
        }
        common = {"kind": Kind.SOLUTION_OVERDUE, "target": opportunity, "url": _url(opportunity)}
        key = f"opportunity-{opportunity.pk}/{due.isoformat()}"
        yield Reminder(
            recipient=opportunity.owner,
            key=f"{key}/owner",
            title=gettext_noop("Solution overdue since %(due)s: %(opportunity)s (%(customer)s)"),
            args=args,
            **common,
        )
        if workdays.working_days_between(due, today) >= thresholds.solution_manager_days:
            manager = manager_of(opportunity.owner)
            if manager is not None:
                yield Reminder(
                    recipient=manager,
                    key=f"{key}/manager",
                    title=gettext_noop(
                        "Your team's solution is overdue since %(due)s: %(opportunity)s "
                        "(%(customer)s, %(owner)s)"
                    ),
                    args={**args, "owner": str(opportunity.owner)},
                    **common,
                )


# (what, its queryset of waiting rows, the field since when it waits, the title)
def _waiting():
    return (
        (
            "skip",
            StageSkipRequest.objects.filter(status=StageSkipRequest.Status.PENDING),
            "requested_at",
            gettext_noop("A stage skip request waits for your decision: %(opportunity)s"),
        ),
        (
            "quote",
            Quote.objects.filter(status=Quote.Status.IN_REVIEW, submitted_at__isnull=False),
            "submitted_at",
            gettext_noop("A quote waits for your review: %(opportunity)s"),
        ),
        (
            "extension",
            ExtensionRequest.objects.filter(status=ExtensionRequest.Status.PENDING),
            "requested_at",
            gettext_noop("A deadline extension waits for your decision: %(opportunity)s"),
        ),
    )


def approvals_waiting(*, now, thresholds):
    if not workdays.is_working_day(timezone.localdate(now)):
        return
    remind_before = now - timedelta(hours=thresholds.approval_hours)
    escalate_before = now - timedelta(hours=thresholds.approval_manager_hours)
    manager_of = _Managers()
    for what, rows, since, title in _waiting():
        rows = (
            rows.filter(**{f"{since}__lte": remind_before})
            .select_related("opportunity__owner", "opportunity__customer")
            .order_by(since, "pk")
        )
        for row in rows.iterator(chunk_size=500):
            opportunity = row.opportunity
            approver = manager_of(opportunity.owner)
            if approver is None:
                continue
            args = {
                "opportunity": opportunity.name,
                "customer": opportunity.customer.name,
                "hours": thresholds.approval_hours,
                "approver": str(approver),
            }
            common = {
                "kind": Kind.APPROVAL_WAITING,
                "target": opportunity,
                "url": _url(opportunity),
                "args": args,
            }
            yield Reminder(
                recipient=approver, key=f"{what}-{row.pk}/approver", title=title, **common
            )
            if getattr(row, since) <= escalate_before:
                escalate_to = manager_of(approver)
                if escalate_to is not None:
                    yield Reminder(
                        recipient=escalate_to,
                        key=f"{what}-{row.pk}/escalated",
                        title=gettext_noop(
                            "Waiting on %(approver)s for more than %(hours)s hours: "
                            "%(opportunity)s (%(customer)s)"
                        ),
                        **{**common, "args": {**args, "hours": thresholds.approval_manager_hours}},
                    )
