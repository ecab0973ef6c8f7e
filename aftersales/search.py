"""The complaints in the navbar's global search (crm_site/hooks.py GLOBAL_SEARCH): by number
(TS000123) or subject (a trigram index on PostgreSQL), among those the user may see (visible_to: the
customer's rep and managers, the after-sales staff serving it, the handler)."""

import re

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from crm_site import hooks

from .models import Complaint

NUMBER = re.compile(r"^(?:TS)?0*(\d{1,9})$", re.IGNORECASE)


def complaints(*, user, text, limit):
    if not user.is_authenticated:
        return None
    # Not by the customer's name: the customers' group finds the customer (its page lists its
    # complaints), and an OR across the join scanned both tables (0.2 s at 50k complaints).
    matches = Q(subject__icontains_indexed=text)
    if number := NUMBER.match(text.strip()):
        matches |= Q(pk=int(number.group(1)))
    rows = (
        Complaint.objects.visible_to(user)
        .filter(matches)
        .select_related("customer")
        .only("pk", "subject", "status", "customer_id", "customer__name", "received_at")
        .order_by("-received_at", "-pk")[: limit + 1]
    )
    hits = (
        hooks.SearchHit(
            title=f"{complaint.number} {complaint.subject}",
            url=complaint.get_absolute_url(),
            detail=f"{complaint.customer.name} · {complaint.get_status_display()}",
        )
        for complaint in rows
    )
    return hooks.SearchGroup.of(
        "complaints",
        _("Complaints"),
        "headset",
        hits,
        limit=limit,
        more_url=reverse("aftersales:complaint-list"),
    )
