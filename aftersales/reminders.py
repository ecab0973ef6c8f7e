"""The after-sales app's reminder rules (registered in hooks.py; the engine is notifications').

- complaint_deadlines: an open complaint whose deadline (the reply's while it is new, the
  resolution's while it is open: sla.py) is within `complaint_warn_hours` → its handler and
  their manager, once per deadline; past it → both again, once. Every day, hourly: a reply's
  deadline counts clock hours through weekends (a resolution's ends on a working day);
- revisits_due: the open quarterly revisits of an after-sales user due within `revisit_days`
  (or overdue) → that user, one digest per ISO week, on the week's first working day it finds
  any (each revisit's task is reminded by the customers' task rule as well).
"""

from datetime import timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from crm_site.hooks import Reminder
from notifications.kinds import Kind
from teams import policy, workdays

from .models import Complaint, Revisit

NAMES_IN_DIGEST = 10


class _Managers:
    """policy.approver_for, once per user in a run."""

    def __init__(self):
        self.found = {}

    def __call__(self, user):
        if user.pk not in self.found:
            self.found[user.pk] = policy.approver_for(user)
        return self.found[user.pk]


NEAR = {
    "reply": gettext_noop("Complaint %(number)s must be answered by %(deadline)s: %(subject)s"),
    "resolve": gettext_noop("Complaint %(number)s must be resolved by %(deadline)s: %(subject)s"),
}
LATE = {
    "reply": gettext_noop("Complaint %(number)s not answered by %(deadline)s: %(subject)s"),
    "resolve": gettext_noop("Complaint %(number)s not resolved by %(deadline)s: %(subject)s"),
}


def complaint_deadlines(*, now, thresholds):
    soon = now + timedelta(hours=thresholds.complaint_warn_hours)
    manager_of = _Managers()
    rows = (
        Complaint.objects.open()
        .filter(Q(status=Complaint.Status.NEW, respond_by__lte=soon) | Q(resolve_by__lte=soon))
        .select_related("handler", "customer")
        .order_by("resolve_by", "pk")
    )
    for complaint in rows.iterator(chunk_size=500):
        deadlines = []
        if complaint.is_new and complaint.respond_by <= soon:
            deadlines.append(("reply", complaint.respond_by))
        if complaint.resolve_by <= soon:
            deadlines.append(("resolve", complaint.resolve_by))
        for which, deadline in deadlines:
            state = "late" if deadline < now else "near"
            args = {
                "number": complaint.number,
                "subject": complaint.subject,
                "customer": complaint.customer.name,
                "deadline": timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M"),
            }
            key = f"complaint-{complaint.pk}/{which}/{deadline.isoformat()}/{state}"
            title = (LATE if state == "late" else NEAR)[which]
            common = {
                "kind": Kind.COMPLAINT_DEADLINE,
                "title": title,
                "args": args,
                "target": complaint,
                "url": complaint.get_absolute_url(),
            }
            yield Reminder(recipient=complaint.handler, key=f"{key}/handler", **common)
            manager = manager_of(complaint.handler)
            if manager is not None:
                yield Reminder(recipient=manager, key=f"{key}/manager", **common)


def revisits_due(*, now, thresholds):
    today = timezone.localdate(now)
    if not workdays.is_working_day(today):
        return
    year, week, _day = today.isocalendar()
    rows = (
        Revisit.objects.due()
        .filter(
            kind=Revisit.Kind.QUARTERLY,
            due_date__lte=today + timedelta(days=thresholds.revisit_days),
        )
        .select_related("assignee", "customer")
        .order_by("assignee_id", "due_date", "pk")
    )
    by_user, users = {}, {}
    for revisit in rows.iterator(chunk_size=500):
        users[revisit.assignee_id] = revisit.assignee
        by_user.setdefault(revisit.assignee_id, []).append(revisit)
    for user_pk, revisits in by_user.items():
        names = [revisit.customer.name for revisit in revisits[:NAMES_IN_DIGEST]]
        yield Reminder(
            recipient=users[user_pk],
            kind=Kind.REVISITS_DUE,
            key=f"week-{year}-W{week:02d}",
            title=gettext_noop("Quarterly revisits due by %(day)s: %(count)s"),
            body=gettext_noop("Soonest first: %(names)s"),
            args={
                "count": len(revisits),
                "day": (today + timedelta(days=thresholds.revisit_days)).isoformat(),
                "names": "、".join(names) + ("…" if len(revisits) > len(names) else ""),
            },
            url=reverse("notifications:agenda") + "?view=week",
        )
