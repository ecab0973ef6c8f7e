"""The opportunities' entries in "my agenda" (crm_site/hooks.py AGENDA_ITEMS): solutions due
5 working days after the needs were confirmed."""

from django.urls import reverse
from django.utils.translation import gettext as _

from crm_site import hooks

from .models import Opportunity

LIMIT = 300


def solutions_due(*, owner_ids, start, end, today):
    rows = (
        Opportunity.objects.open()
        .filter(owner_id__in=owner_ids, solution_submitted_at__isnull=True)
        .filter(hooks.agenda_q("solution_due", start=start, end=end, today=today))
        .select_related("customer", "owner")
        .only(
            "pk",
            "name",
            "solution_due",
            "customer__name",
            "owner__first_name",
            "owner__last_name",
            "owner__username",
        )
        .order_by("solution_due", "pk")[:LIMIT]
    )
    label = _("Solution due")
    for opportunity in rows:
        due = opportunity.solution_due
        yield hooks.AgendaItem(
            day=hooks.agenda_day(due, today),
            kind="solution",
            label=label,
            icon="file-earmark-text",
            title=f"{opportunity.name} · {opportunity.customer.name}",
            url=reverse("opportunities:opportunity-detail", args=[opportunity.pk]),
            owner=str(opportunity.owner),
            due=due,
            uid=f"solution-{opportunity.pk}-{due:%Y%m%d}",
        )
