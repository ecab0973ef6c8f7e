"""The opportunities in the navbar's global search (crm_site/hooks.py GLOBAL_SEARCH): by the
opportunity's name, among those the user may see."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from crm_site import hooks
from teams import search

from .models import Opportunity


def opportunities(*, user, text, limit):
    if not user.has_perm("opportunities.work_with_opportunities"):
        return None
    rows = (
        search.ranked(Opportunity.objects.visible_to(user).filter(name__icontains_indexed=text))
        .select_related("customer", "stage")
        .only("pk", "name", "customer__name", "stage__name")[: limit + 1]
    )
    hits = (
        hooks.SearchHit(
            title=opportunity.name,
            url=reverse("opportunities:opportunity-detail", args=[opportunity.pk]),
            detail=f"{opportunity.customer.name} · {opportunity.stage.name}",
        )
        for opportunity in rows
    )
    more = reverse("opportunities:opportunity-list") + "?" + urlencode({"q": text})
    return hooks.SearchGroup.of(
        "opportunities", _("Opportunities"), "funnel", hits, limit=limit, more_url=more
    )
