"""The payment plan and what is recorded against it, each a page with one form through
services/payments.py and services/collection.py: the plan (instalments that must add up to
the contract amount: the page shows the difference), a payment, an invoice, and a change of
an overdue instalment's collection stage with a note."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from crm_site.errors import DomainError

from .. import permissions
from ..errors import InvalidInput
from ..forms import CollectionForm, InvoiceForm, PaymentForm, plan_formset
from ..models import Instalment, Invoice, Payment
from ..services import collection, payments
from ..validation import ZERO
from .lifecycle import _FormPage
from .mixins import OneContractMixin, detail_url


class PaymentPlanView(OneContractMixin, TemplateView):
    """The instalments as rows (blank rows add more; a row emptied is dropped). A plan that
    does not add up is shown again with the difference; nothing is saved."""

    template_name = "contracts/payment_plan.html"
    allowed = staticmethod(permissions.manages_contract)

    def refused(self):
        contract = self.contract
        if not permissions.can_plan_payments(self.request.user, contract):
            return _("The payment plan of a contract that is “%(status)s” cannot change.") % {
                "status": contract.get_status_display()
            }
        if Payment.objects.filter(contract=contract).exists() or (
            Invoice.objects.filter(contract=contract).exists()
        ):
            return _("Payments or invoices are recorded against this plan; it cannot be replaced.")
        return None

    def get(self, request, *args, **kwargs):
        refused = self.refused()
        if refused:
            messages.error(request, refused)
            return redirect(detail_url(self.contract, "payment-plan"))
        formset = plan_formset(instalments=list(self.contract.instalments.all()))
        return self.render_to_response(self.get_context_data(formset=formset))

    def post(self, request, *args, **kwargs):
        formset = plan_formset(request.POST)
        errors = []
        if formset.is_valid():
            try:
                payments.payment_plan_set(
                    contract=self.contract, by=request.user, instalments=formset.instalments()
                )
            except InvalidInput as error:
                errors = [m for messages_ in error.errors.values() for m in messages_]
            except DomainError as error:
                errors = [str(error)]
            else:
                messages.success(request, _("Payment plan saved."))
                return redirect(detail_url(self.contract, "payment-plan"))
        return self.render_to_response(self.get_context_data(formset=formset, errors=errors))

    def get_context_data(self, **kwargs):
        formset = kwargs["formset"]
        total = ZERO
        if formset.is_bound:
            for form in formset.forms:
                amount = form.cleaned_data.get("amount") if hasattr(form, "cleaned_data") else None
                total += amount or ZERO
        else:
            total = sum((f.initial.get("amount") or ZERO for f in formset.forms), ZERO)
        return {
            **super().get_context_data(**kwargs),
            "contract": self.contract,
            "planned": total,
            "difference": self.contract.amount - total,
        }


class _OnInstalmentPage(_FormPage):
    """A payment or an invoice against one of the contract's unpaid (or any) instalments."""

    anchor = "payment-plan"
    allowed = staticmethod(permissions.manages_contract)

    def refused(self):
        if not permissions.can_record_payments(self.request.user, self.contract):
            return _("Payments and invoices are recorded once the contract is signed.")
        return None

    def instalments(self):
        return Instalment.objects.filter(contract=self.contract)

    def get_form(self, data=None, files=None):
        initial = {}
        chosen = self.request.GET.get("instalment")
        if str(chosen or "").isdigit():
            initial["instalment"] = int(chosen)
        return self.form_class(data, instalments=self.instalments(), initial=initial)


class PaymentRecordView(_OnInstalmentPage):
    form_class = PaymentForm

    @property
    def heading(self):
        return _("Record a payment")

    @property
    def button(self):
        return _("Record the payment")

    def instalments(self):
        return super().instalments().unpaid()

    def save(self, form):
        data = form.cleaned_data
        payments.payment_record(
            instalment=data["instalment"],
            by=self.request.user,
            received_on=data["received_on"],
            amount=data["amount"],
            method=data["method"],
            reference=data["reference"],
        )
        return _("Payment of %(amount)s yuan recorded.") % {"amount": f"{data['amount']:,.2f}"}


class InvoiceRecordView(_OnInstalmentPage):
    form_class = InvoiceForm

    @property
    def heading(self):
        return _("Issue an invoice")

    @property
    def button(self):
        return _("Record the invoice")

    def save(self, form):
        data = form.cleaned_data
        invoice = payments.invoice_record(
            instalment=data["instalment"],
            by=self.request.user,
            number=data["number"],
            kind=data["kind"],
            amount=data["amount"],
            issued_on=data["issued_on"],
        )
        return _("Invoice %(number)s recorded.") % {"number": invoice.number}


class CollectionChangeView(_FormPage):
    """Move an overdue instalment's collection stage one step on, with a note."""

    form_class = CollectionForm
    anchor = "payment-plan"
    allowed = staticmethod(permissions.can_record_payments)

    @cached_property
    def instalment(self):
        return get_object_or_404(
            Instalment.objects.filter(contract=self.contract), pk=self.kwargs["instalment"]
        )

    @property
    def heading(self):
        return _("Collection of instalment %(n)s") % {"n": self.instalment.position}

    @property
    def button(self):
        return _("Save the collection stage")

    def refused(self):
        if self.instalment.state() != Instalment.State.OVERDUE:
            return _("Collection starts once an instalment is overdue.")
        if not Instalment.TRANSITIONS.allowed(self.instalment.collection_stage):
            return _("This instalment is handed to legal already.")
        return None

    def get_form(self, data=None, files=None):
        return self.form_class(data, instalment=self.instalment)

    def save(self, form):
        collection.collection_advance(
            instalment=self.instalment,
            by=self.request.user,
            to_stage=form.cleaned_data["to_stage"],
            note=form.cleaned_data["note"],
        )
        return _("Collection stage of instalment %(n)s changed.") % {"n": self.instalment.position}
