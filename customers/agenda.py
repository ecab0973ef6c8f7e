"""The customers' entries in "my agenda" (crm_site/hooks.py AGENDA_ITEMS): follow-ups falling
due by the grade cadence and open tasks."""

from django.urls import reverse
from django.utils.translation import gettext as _

from crm_site import hooks

from .models import Customer, Task

# An agenda lists what one person (or one team) can act on; beyond this a list page serves.
LIMIT = 300


def followups_due(*, owner_ids, start, end, today):
    rows = (
        Customer.objects.filter(owner_id__in=owner_ids)
        .filter(hooks.agenda_q("next_followup_due", start=start, end=end, today=today))
        .select_related("owner")
        .only(
            "pk",
            "name",
            "next_followup_due",
            "owner_id",
            "owner__first_name",
            "owner__last_name",
            "owner__username",
        )
        .order_by("next_followup_due", "pk")[:LIMIT]
    )
    label = _("Follow-up due")
    for customer in rows:
        due = customer.next_followup_due
        yield hooks.AgendaItem(
            day=hooks.agenda_day(due, today),
            kind="followup",
            label=label,
            icon="telephone",
            title=customer.name,
            url=reverse("customers:customer-detail", args=[customer.pk]),
            owner=str(customer.owner) if customer.owner_id else "",
            due=due,
            uid=f"followup-{customer.pk}-{due:%Y%m%d}",
        )


def tasks_due(*, owner_ids, start, end, today):
    rows = (
        Task.objects.filter(owner_id__in=owner_ids, done_at__isnull=True)
        .filter(hooks.agenda_q("due_date", start=start, end=end, today=today))
        .select_related("customer", "owner")
        .only(
            "pk",
            "title",
            "due_date",
            "customer__name",
            "owner__first_name",
            "owner__last_name",
            "owner__username",
        )
        .order_by("due_date", "pk")[:LIMIT]
    )
    label = _("Task")
    for task in rows:
        yield hooks.AgendaItem(
            day=hooks.agenda_day(task.due_date, today),
            kind="task",
            label=label,
            icon="check2-square",
            # A free-standing task (no customer) links to "my tasks".
            title=f"{task.title} · {task.customer.name}" if task.customer_id else task.title,
            url=(
                reverse("customers:customer-detail", args=[task.customer_id])
                if task.customer_id
                else reverse("customers:task-list")
            ),
            owner=str(task.owner),
            due=task.due_date,
            uid=f"task-{task.pk}",
        )
