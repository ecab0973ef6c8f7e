"""What the customers views share: scoping to the customers the user sees, one customer's
pages (404 unless visible, 403 unless allowed), and the list's query string."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme

from ..models import Customer


class CustomerScopeMixin:
    """Every customer page starts from the customers the user may see."""

    def get_queryset(self):
        return Customer.objects.visible_to(self.request.user)


class OneCustomerMixin:
    """A page about one customer: it must be visible (else 404) and the user allowed to do
    `customer_permission` with it (else 403)."""

    customer_permission = "customers.edit_customer"

    @cached_property
    def customer(self):
        customers = Customer.objects.visible_to(self.request.user).select_related("owner")
        return get_object_or_404(customers, pk=self.kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.customer_permission, self.customer):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "customer": self.customer}


class LoggableCustomerMixin(OneCustomerMixin):
    """Pages that log what happened with a customer (follow-ups, needs surveys)."""

    customer_permission = "customers.log_followup"


def _list_query(querydict):
    """The list's filter and sort as a query string, without the page (what a view saves)."""
    query = querydict.copy()
    # crm_site/paging.py's position in the list; `all` asks for the list without the default view.
    for name in ("page", "after", "before", "all"):
        query.pop(name, None)
    return query.urlencode()


def _list_url(query):
    """The customer list at `query` (a query string)."""
    return reverse("customers:customer-list") + (f"?{query}" if query else "")


def _safe_next(request, default):
    """The `next` field of a POST when it stays on this site, else `default`."""
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return default
