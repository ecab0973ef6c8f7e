"""What the after-sales views share: a customer the user sees and serves (404 unless
visible, 403 unless allowed), a complaint through visible_to."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property

from customers.models import Customer

from ..models import Complaint


class ServedCustomerMixin:
    """A page that writes for one customer (`?customer=` or the URL's `pk`)."""

    @cached_property
    def customer(self):
        pk = (
            self.kwargs.get("pk")
            or self.request.GET.get("customer")
            or self.request.POST.get("customer")
        )
        if not str(pk or "").isdigit():
            raise PermissionDenied
        customers = Customer.objects.visible_to(self.request.user).select_related("owner")
        return get_object_or_404(customers, pk=pk)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("aftersales.serve_customer", self.customer):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "customer": self.customer}


def visible_complaint(user, pk):
    complaints = Complaint.objects.visible_to(user).select_related(
        "customer__owner", "handler", "contract", "escalated_to"
    )
    return get_object_or_404(complaints, pk=pk)
