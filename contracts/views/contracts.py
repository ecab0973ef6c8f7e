"""The contract page, creating a contract (from an accepted quote or from scratch), editing
a draft, and the print view of template 4. Writes go through services/contracts.py."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from crm_site.errors import DomainError
from customers.models import Customer
from customers.selectors import customer_search
from opportunities.models import Quote
from opportunities.permissions import can_see_costs

from .. import permissions, selectors
from ..errors import InvalidInput
from ..forms import (
    AttachmentForm,
    ContractHeaderForm,
    add_service_errors,
    line_formset,
)
from ..models import ApprovalStep, Contract
from ..services import contracts as services
from ..validation import ZERO
from .mixins import ContractScopeMixin, OneContractMixin, detail_url


def instalment_rows(instalments, payments, invoices, today):
    """Each instalment with its state, days overdue, payments and invoices, and what is
    invoiced but not paid."""
    by_instalment = {}
    for payment in payments:
        by_instalment.setdefault(payment.instalment_id, {"payments": [], "invoices": []})
        by_instalment[payment.instalment_id]["payments"].append(payment)
    for invoice in invoices:
        by_instalment.setdefault(invoice.instalment_id, {"payments": [], "invoices": []})
        by_instalment[invoice.instalment_id]["invoices"].append(invoice)
    rows = []
    for instalment in instalments:
        extra = by_instalment.get(instalment.pk, {"payments": [], "invoices": []})
        invoiced = sum((i.amount for i in extra["invoices"]), ZERO)
        rows.append(
            {
                "instalment": instalment,
                "state": instalment.state(today),
                "days_overdue": instalment.days_overdue(today),
                "payments": extra["payments"],
                "invoices": extra["invoices"],
                "invoiced": invoiced,
                "invoiced_unpaid": max(invoiced - instalment.paid_amount, 0),
            }
        )
    return rows


def _labelled(changes):
    labels = dict(Contract.Status.choices)
    rows = list(changes)
    for change in rows:
        change.from_label = labels.get(change.from_status, "")
        change.to_label = labels.get(change.to_status, change.to_status)
    return rows


class ContractDetailView(OneContractMixin, TemplateView):
    """Header and status, template 4's fields and lines, the approval table of every round,
    the actions the user may take, the payment plan with payments and invoices, the
    attachments and the status history. A constant number of queries."""

    template_name = "contracts/contract_detail.html"

    def get_context_data(self, **kwargs):
        contract, user = self.contract, self.request.user
        today = timezone.localdate()
        steps = {step.pk: step for step in ApprovalStep.objects.all()}
        if contract.current_step_id:
            contract.current_step = steps.get(contract.current_step_id, contract.current_step)
        instalments = list(contract.instalments.all())
        payments = list(
            contract.payments.select_related("recorded_by").order_by("received_on", "pk")
        )
        invoices = list(contract.invoices.order_by("issued_on", "pk"))
        rows = instalment_rows(instalments, payments, invoices, today)
        sees_costs = can_see_costs(user)
        acting = (
            permissions.acting_as(user, contract)
            if contract.status == Contract.Status.IN_APPROVAL
            else None
        )
        manages = permissions.manages_contract(user, contract)
        can = {
            "edit": permissions.can_edit_contract(user, contract),
            "submit": permissions.can_edit_contract(user, contract),
            "sign": permissions.can_sign_contract(user, contract),
            "deliver": permissions.can_progress_contract(user, contract)
            and contract.status == Contract.Status.SIGNED,
            "complete": permissions.can_progress_contract(user, contract)
            and contract.status == Contract.Status.IN_DELIVERY,
            "cancel": permissions.can_cancel_contract(user, contract),
            "plan": permissions.can_plan_payments(user, contract) and not payments and not invoices,
            "record": permissions.can_record_payments(user, contract),
            "attach": manages
            and contract.status not in (Contract.Status.IN_APPROVAL, Contract.Status.CANCELLED),
            "decide": acting is not None and acting.allowed,
            "escalate": permissions.can_record_payments(user, contract)
            and permissions.roles.has_role(user, permissions.roles.MANAGING_ROLES),
        }
        table = selectors.approval_table(contract, steps)
        return {
            **super().get_context_data(**kwargs),
            "contract": contract,
            "today": today,
            "lines": list(contract.lines.all()),
            "sees_costs": sees_costs,
            "approval_rounds": table,
            "current_round": table[0]["round"] if table and acting else None,
            "instalment_rows": rows,
            "plan_total": sum((i.amount for i in instalments), ZERO),
            "paid_total": sum((i.paid_amount for i in instalments), ZERO),
            "invoiced_total": sum((i.amount for i in invoices), ZERO),
            "attachments": list(contract.attachments.select_related("uploaded_by")),
            "history": _labelled(contract.status_changes.select_related("by")),
            "can": can,
            "attachment_form": AttachmentForm(auto_id="attachment_%s") if can["attach"] else None,
        }


class _ContractFormView(TemplateView):
    template_name = "contracts/contract_form.html"

    def sees_costs(self):
        return can_see_costs(self.request.user)

    def forms(self, data=None, files=None):
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(**self.forms()))

    def post(self, request, *args, **kwargs):
        parts = self.forms(request.POST, request.FILES)
        form, lines = parts["form"], parts.get("lines")
        if form.is_valid() and (lines is None or lines.is_valid()):
            try:
                contract = self.save(form, lines)
            except InvalidInput as error:
                errors = dict(error.errors)
                if lines is not None and "lines" in errors:
                    parts["line_errors"] = errors.pop("lines")
                add_service_errors(form, errors)
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request, _("Contract %(number)s saved.") % {"number": contract.number}
                )
                return redirect(detail_url(contract))
        return self.render_to_response(self.get_context_data(**parts))


class ContractCreateView(ContractScopeMixin, _ContractFormView):
    """A contract from scratch for a customer the rep may edit (`?customer=<id>`; without
    one, a search among the customers the user sees)."""

    def dispatch(self, request, *args, **kwargs):
        if not permissions.roles.has_role(request.user, permissions.roles.OWNER_ROLES):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def customer(self):
        pk = self.request.GET.get("customer") or self.request.POST.get("customer")
        if not str(pk or "").isdigit():
            return None
        customer = get_object_or_404(Customer.objects.visible_to(self.request.user), pk=pk)
        if not permissions.can_create_contract(self.request.user, customer):
            raise PermissionDenied
        return customer

    def forms(self, data=None, files=None):
        if self.customer is None:
            return {"form": None}
        return {
            "form": ContractHeaderForm(data, auto_id="id_%s"),
            "lines": line_formset(data, sees_costs=self.sees_costs()),
        }

    def get(self, request, *args, **kwargs):
        if self.customer is None:
            text = request.GET.get("q", "").strip()[:100]
            found = customer_search(Customer.objects.visible_to(request.user), text)
            return self.render_to_response(
                self.get_context_data(q=text, found=list(found.order_by("name", "pk")[:20]))
            )
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.customer is None:
            raise Http404
        return super().post(request, *args, **kwargs)

    def save(self, form, lines):
        return services.contract_create(
            customer=self.customer, by=self.request.user, lines=lines.lines(), **form.header()
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "customer": self.customer, "mode": "create"}


class ContractFromQuoteView(ContractScopeMixin, _ContractFormView):
    """A contract from the quote the customer accepted: customer, amount, lines and cost
    shown as they will be copied (frozen); the rep writes the rest of template 4."""

    @cached_property
    def quote(self):
        visible = Quote.objects.visible_to(self.request.user).select_related(
            "opportunity__customer", "opportunity__owner"
        )
        quote = get_object_or_404(visible, pk=self.kwargs["quote"])
        opportunity = quote.opportunity
        if not permissions.can_create_contract(self.request.user, opportunity.customer):
            raise PermissionDenied
        return quote

    def dispatch(self, request, *args, **kwargs):
        if not permissions.works_with_contracts(request.user):
            raise PermissionDenied
        if self.quote.status != Quote.Status.ACCEPTED:
            messages.error(request, _("A contract is made from a quote the customer accepted."))
            return redirect("opportunities:opportunity-detail", self.quote.opportunity_id)
        taken = (
            Contract.objects.filter(quote=self.quote)
            .exclude(status=Contract.Status.CANCELLED)
            .first()
        )
        if taken is not None:
            messages.info(
                request,
                _("Contract %(number)s is already made from this quote.")
                % {"number": taken.number},
            )
            return redirect(detail_url(taken))
        return super().dispatch(request, *args, **kwargs)

    def forms(self, data=None, files=None):
        opportunity = self.quote.opportunity
        initial = {
            "title": f"{opportunity.customer.name} {self.quote.name}"[:200],
            "start_date": timezone.localdate(),
        }
        return {"form": ContractHeaderForm(data, initial=initial)}

    def save(self, form, lines):
        return services.contract_create_from_quote(
            quote=self.quote, by=self.request.user, **form.header()
        )

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "mode": "quote",
            "quote": self.quote,
            "customer": self.quote.opportunity.customer,
            "quote_lines": list(self.quote.lines.all()),
            "sees_costs": self.sees_costs(),
        }


class ContractUpdateView(OneContractMixin, _ContractFormView):
    """Edit a draft; a contract in approval (or later) is refused with a message saying why."""

    allowed = staticmethod(permissions.manages_contract)

    def get(self, request, *args, **kwargs):
        if not permissions.can_edit_contract(request.user, self.contract):
            return self.refuse()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not permissions.can_edit_contract(request.user, self.contract):
            return self.refuse()
        return super().post(request, *args, **kwargs)

    def refuse(self):
        contract = self.contract
        if contract.status == Contract.Status.IN_APPROVAL:
            message = _("A contract in approval cannot be edited.")
        else:
            message = _("A contract that is “%(status)s” cannot be edited.") % {
                "status": contract.get_status_display()
            }
        messages.error(self.request, message)
        return redirect(detail_url(contract))

    def forms(self, data=None, files=None):
        contract = self.contract
        form = ContractHeaderForm(data, instance=contract, initial={"version": contract.version})
        parts = {"form": form}
        if not contract.from_quote:
            parts["lines"] = line_formset(data, contract=contract, sees_costs=self.sees_costs())
        return parts

    def save(self, form, lines):
        header = form.header()
        kept_costs = None
        if lines is not None and not self.sees_costs():
            # Someone who does not see costs keeps the lines' costs as they were.
            kept_costs = [line.unit_cost for line in self.contract.lines.all()]
        new_lines = lines.lines() if lines is not None else None
        if kept_costs is not None:
            for line, cost in zip(new_lines, kept_costs, strict=False):
                line.setdefault("unit_cost", cost)
        return services.contract_update(
            contract=self.contract,
            by=self.request.user,
            version=form.cleaned_data.get("version"),
            lines=new_lines,
            **header,
        )

    def get_context_data(self, **kwargs):
        context = {**super().get_context_data(**kwargs), "mode": "edit"}
        context["contract"] = self.contract
        context["customer"] = self.contract.customer
        if self.contract.from_quote:
            context["quote_lines"] = list(self.contract.lines.all())
            context["sees_costs"] = self.sees_costs()
        return context


class ContractPrintView(OneContractMixin, TemplateView):
    """Template 4 on A4 for the customer and the signing: never a cost or a margin."""

    template_name = "contracts/contract_print.html"

    def get_context_data(self, **kwargs):
        contract = self.contract
        return {
            **super().get_context_data(**kwargs),
            "contract": contract,
            "lines": list(contract.lines.all()),
            "instalments": list(contract.instalments.all()),
            "approval_rounds": selectors.approval_table(contract)[:1],
        }
