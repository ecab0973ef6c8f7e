"""After-sales entries in "my agenda" (crm_site/hooks.py AGENDA_ITEMS): the open complaints
these users handle, on the day they must be resolved by, and their open revisits, on their due
date (late ones stay on today). A revisit whose customers Task is still open is on the agenda
already as that task (the customers' provider): only those without one show here, so none
shows twice."""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from crm_site import hooks

from .models import Complaint, Revisit

LIMIT = 300


def complaints_due(*, owner_ids, start, end, today):
    rows = (
        Complaint.objects.open()
        .filter(handler_id__in=owner_ids)
        .filter(hooks.agenda_q("resolve_by__date", start=start, end=end, today=today))
        .select_related("customer", "handler")
        .only(
            "pk",
            "subject",
            "resolve_by",
            "customer__name",
            "handler__first_name",
            "handler__last_name",
            "handler__username",
        )
        .order_by("resolve_by", "pk")[:LIMIT]
    )
    label = _("Complaint due")
    for complaint in rows:
        due = timezone.localdate(complaint.resolve_by)
        yield hooks.AgendaItem(
            day=hooks.agenda_day(due, today),
            kind="complaint",
            label=label,
            icon="exclamation-octagon",
            title=f"{complaint.number} {complaint.subject} · {complaint.customer.name}",
            url=complaint.get_absolute_url(),
            owner=str(complaint.handler),
            due=due,
            uid=f"complaint-{complaint.pk}-{due:%Y%m%d}",
        )


def revisits_due(*, owner_ids, start, end, today):
    rows = (
        Revisit.objects.due()
        .filter(assignee_id__in=owner_ids)
        .filter(Q(task__isnull=True) | Q(task__done_at__isnull=False))
        .filter(hooks.agenda_q("due_date", start=start, end=end, today=today))
        .select_related("customer", "assignee")
        .only(
            "pk",
            "kind",
            "period",
            "due_date",
            "customer_id",
            "customer__name",
            "assignee__first_name",
            "assignee__last_name",
            "assignee__username",
        )
        .order_by("due_date", "pk")[:LIMIT]
    )
    for revisit in rows:
        url = reverse("aftersales:record-create")
        yield hooks.AgendaItem(
            day=hooks.agenda_day(revisit.due_date, today),
            kind="revisit",
            label=revisit.get_kind_display(),
            icon="arrow-repeat",
            title=f"{revisit.customer.name} · {revisit.period}",
            url=f"{url}?customer={revisit.customer_id}&revisit={revisit.pk}",
            owner=str(revisit.assignee),
            due=revisit.due_date,
            uid=f"revisit-{revisit.pk}",
        )
