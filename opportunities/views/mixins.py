"""What the opportunities views share: every page starts from the opportunities the user
may see (`visible_to`), so another rep's record is a 404, never fetched and then refused."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme

from ..models import Opportunity


class OpportunityScopeMixin:
    """`get_queryset()` is the opportunities the user sees."""

    def get_queryset(self):
        return Opportunity.objects.visible_to(self.request.user)


class OneOpportunityMixin(OpportunityScopeMixin):
    """A page or action about one opportunity: visible (else 404) and the user allowed
    `opportunity_permission` on it (else 403)."""

    opportunity_permission = "opportunities.edit_opportunity"

    @cached_property
    def opportunity(self):
        visible = self.get_queryset().select_related("customer", "owner", "stage")
        return get_object_or_404(visible, pk=self.kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.opportunity_permission, self.opportunity):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def safe_next(request, default):
    """The `next` field of a POST when it stays on this site, else `default`."""
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return default
