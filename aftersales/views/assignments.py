"""Who serves which customer: an after-sales user's customers (with their satisfaction), the
hand assignment a customer section posts, the region rules, and the complaint deadlines an
admin sets."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db import transaction
from django.forms import modelformset_factory
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from crm_site import paging
from crm_site.errors import DomainError
from customers.models import Customer

from .. import forms, services, sla
from ..models import AftersalesAssignment, RegionAssignment, SeverityDeadline
from ..services.satisfaction import annotate_scores


class MyCustomersView(PermissionRequiredMixin, ListView):
    """The customers an after-sales user serves (everyone's, for who sees all), with the
    latest satisfaction and the 12-month average."""

    permission_required = "aftersales.work"
    raise_exception = True
    template_name = "aftersales/customer_list.html"
    paginate_by = 25
    context_object_name = "assignments"

    def get_queryset(self):
        rows = AftersalesAssignment.objects.visible_to(self.request.user).select_related(
            "customer", "user"
        )
        if not self.request.user.has_perm("aftersales.assign"):
            rows = rows.filter(user=self.request.user)
        return rows.order_by("-assigned_at", "-pk")

    def paginate_queryset(self, queryset, page_size):
        page = paging.paginate(queryset, self.request.GET, page_size)
        return page.paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ids = [row.customer_id for row in context["assignments"]]
        scored = {c.pk: c for c in annotate_scores(Customer.objects.filter(pk__in=ids))}
        context["rows"] = [(row, scored.get(row.customer_id)) for row in context["assignments"]]
        return context


class AssignView(PermissionRequiredMixin, View):
    """POST only, from the customer page: who serves this customer (empty: nobody)."""

    permission_required = "aftersales.assign"
    raise_exception = True

    def post(self, request, pk):
        customer = get_object_or_404(Customer.objects.visible_to(request.user), pk=pk)
        form = forms.AssignForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose an after-sales user from the list."))
        else:
            user = form.cleaned_data["user"]
            try:
                if user is None:
                    services.unassign_customer(by=request.user, customer=customer)
                else:
                    services.assign_customer(by=request.user, customer=customer, user=user)
            except DomainError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("After-sales assignment saved."))
        return redirect("customers:customer-detail", pk=customer.pk)


class RegionView(PermissionRequiredMixin, TemplateView):
    """The region rules: each region's after-sales user for customers nobody assigned."""

    permission_required = "aftersales.assign"
    raise_exception = True
    template_name = "aftersales/region_list.html"

    def get_context_data(self, **kwargs):
        rules = {r.region: r for r in RegionAssignment.objects.select_related("user")}
        return {
            **super().get_context_data(**kwargs),
            "rows": [(code, label, rules.get(code)) for code, label in Customer.Region.choices],
            "form": kwargs.get("form") or forms.RegionForm(),
        }

    def post(self, request):
        form = forms.RegionForm(request.POST)
        if form.is_valid():
            try:
                count = services.region_set(
                    by=request.user,
                    region=form.cleaned_data["region"],
                    user=form.cleaned_data["user"],
                )
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request, _("Region saved; %(count)s customers assigned.") % {"count": count}
                )
                return redirect("aftersales:regions")
        return self.render_to_response(self.get_context_data(form=form))


DeadlineFormSet = modelformset_factory(SeverityDeadline, form=forms.DeadlineForm, extra=0)


class DeadlineView(PermissionRequiredMixin, TemplateView):
    """The complaint deadlines per severity (admins)."""

    permission_required = "aftersales.set_deadlines"
    raise_exception = True
    template_name = "aftersales/deadline_form.html"

    def _queryset(self):
        for severity, (hours, days) in sla.DEFAULTS.items():
            SeverityDeadline.objects.get_or_create(
                severity=severity, defaults={"respond_hours": hours, "resolve_working_days": days}
            )
        return SeverityDeadline.objects.order_by("respond_hours")

    def get_context_data(self, **kwargs):
        formset = kwargs.get("formset") or DeadlineFormSet(queryset=self._queryset())
        return {**super().get_context_data(**kwargs), "formset": formset}

    def post(self, request):
        formset = DeadlineFormSet(request.POST, queryset=self._queryset())
        if not formset.is_valid():
            return self.render_to_response(self.get_context_data(formset=formset))
        with transaction.atomic():
            formset.save()
        messages.success(request, _("Complaint deadlines saved; they apply to new complaints."))
        return redirect("aftersales:deadlines")
