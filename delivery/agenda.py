"""Delivery's entries in "my agenda" (crm_site/hooks.py AGENDA_ITEMS): the open phases these
users own, on their end date (a late one stays on today)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from crm_site import hooks

from .models import Phase

LIMIT = 300


def phases_ending(*, owner_ids, start, end, today):
    rows = (
        Phase.objects.open()
        .filter(owner_id__in=owner_ids)
        .filter(hooks.agenda_q("end_date", start=start, end=end, today=today))
        .select_related("plan__contract__customer", "owner")
        .order_by("end_date", "pk")[:LIMIT]
    )
    label = _("Phase ends")
    for phase in rows:
        contract = phase.plan.contract
        yield hooks.AgendaItem(
            day=hooks.agenda_day(phase.end_date, today),
            kind="phase",
            label=label,
            icon="bar-chart-steps",
            title=f"{phase.name} · {contract.customer.name}",
            url=reverse("delivery:project", args=[contract.pk]) + f"#phase-{phase.pk}",
            owner=str(phase.owner),
            due=phase.end_date,
            uid=f"phase-{phase.pk}-{phase.end_date:%Y%m%d}",
        )
