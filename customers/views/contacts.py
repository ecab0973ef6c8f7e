"""A customer's contacts, and sharing it with colleagues (协作人)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView

from .. import forms, services
from ..models import Contact, Customer, CustomerShare
from .mixins import OneCustomerMixin


class ContactCreateView(OneCustomerMixin, FormView):
    form_class = forms.ContactForm
    template_name = "customers/contact_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            contact = services.contact_create(
                by=self.request.user, customer=self.customer, **form.cleaned_data
            )
        except services.CustomerError as error:
            messages.error(self.request, str(error))
            return redirect("customers:customer-list")
        messages.success(self.request, _("Contact %(name)s was added.") % {"name": contact.name})
        return redirect(reverse("customers:customer-detail", args=[self.customer.pk]) + "#contacts")


class ContactMixin:
    """A contact is reached through its customer: visible customer (404), may edit it (403)."""

    @cached_property
    def contact(self):
        contacts = Contact.objects.visible_to(self.request.user).select_related(
            "customer", "customer__owner"
        )
        return get_object_or_404(contacts, pk=self.kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("customers.edit_customer", self.contact.customer):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def customer_url(self):
        return reverse("customers:customer-detail", args=[self.contact.customer_id]) + "#contacts"


class ContactUpdateView(ContactMixin, FormView):
    form_class = forms.ContactForm
    template_name = "customers/contact_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.contact}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "customer": self.contact.customer,
            "contact": self.contact,
        }

    def form_valid(self, form):
        services.contact_update(by=self.request.user, contact=self.contact, **form.cleaned_data)
        messages.success(self.request, _("Contact %(name)s was saved.") % {"name": self.contact})
        return redirect(self.customer_url())


class ContactDeleteView(ContactMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        services.contact_delete(by=request.user, contact=self.contact)
        messages.success(request, _("Contact %(name)s was deleted.") % {"name": self.contact.name})
        return redirect(self.customer_url())


class ShareCreateView(OneCustomerMixin, View):
    """POST only: share the customer with a colleague, or change their access."""

    customer_permission = "customers.share_customer"
    http_method_names = ["post"]

    def post(self, request, pk):
        form = forms.ShareForm(request.POST, user=request.user, customer=self.customer)
        back = reverse("customers:customer-detail", args=[self.customer.pk]) + "#colleagues"
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(back)
        colleague = form.cleaned_data["user"]
        try:
            services.customer_share(
                by=request.user, customer=self.customer, user=colleague, can_edit=form.can_edit
            )
        except services.CustomerError as error:
            messages.error(request, str(error))
        else:
            text = (
                _("%(name)s can now read and edit this customer.")
                if form.can_edit
                else _("%(name)s can now read this customer.")
            )
            messages.success(request, text % {"name": colleague.display_name})
        return redirect(back)


class ShareDeleteView(View):
    http_method_names = ["post"]

    def post(self, request, pk):
        shares = CustomerShare.objects.filter(
            customer__in=Customer.objects.visible_to(request.user)
        ).select_related("customer__owner", "user")
        share = get_object_or_404(shares, pk=pk)
        if not request.user.has_perm("customers.share_customer", share.customer):
            raise PermissionDenied
        services.customer_unshare(by=request.user, share=share)
        messages.success(
            request,
            _("%(name)s no longer works on this customer.") % {"name": share.user.display_name},
        )
        return redirect(
            reverse("customers:customer-detail", args=[share.customer_id]) + "#colleagues"
        )
