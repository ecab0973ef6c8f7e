"""The contracts in the navbar's global search (crm_site/hooks.py GLOBAL_SEARCH): by number
(HT2026120001) or name, among those the user may see."""

from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from crm_site import hooks

from .models import Contract


def contracts(*, user, text, limit):
    if not user.is_authenticated:
        return None
    rows = (
        Contract.objects.visible_to(user)
        .filter(Q(number__icontains_indexed=text) | Q(title__icontains_indexed=text))
        .select_related("customer")
        .only("pk", "number", "title", "status", "customer_id", "customer__name")
        .order_by("-number")[: limit + 1]
    )
    hits = (
        hooks.SearchHit(
            title=f"{contract.number} {contract.title}",
            url=reverse("contracts:contract-detail", args=[contract.pk]),
            detail=f"{contract.customer.name} · {contract.get_status_display()}",
        )
        for contract in rows
    )
    more = f"{reverse('contracts:contract-list')}?{urlencode({'customer': text})}"
    return hooks.SearchGroup.of(
        "contracts", _("Contracts"), "file-earmark-check", hits, limit=limit, more_url=more
    )
