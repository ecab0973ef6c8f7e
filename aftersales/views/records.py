"""After-sales follow-up records (template 7): writing one (answering a revisit), its page
with the second need it may bring (cross-sell)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from crm_site.errors import DomainError

from .. import forms, services
from ..models import AftersalesRecord, Revisit
from .mixins import ServedCustomerMixin


class RecordCreateView(ServedCustomerMixin, FormView):
    form_class = forms.RecordForm
    template_name = "aftersales/record_form.html"

    @cached_property
    def revisit(self):
        pk = self.request.GET.get("revisit") or self.request.POST.get("revisit")
        if not str(pk or "").isdigit():
            return None
        return get_object_or_404(Revisit.objects.filter(customer=self.customer), pk=pk)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "customer": self.customer}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "revisit": self.revisit}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            record = services.record_create(
                by=self.request.user,
                customer=self.customer,
                revisit=self.revisit,
                **{
                    name: data[name]
                    for name in (
                        "date",
                        "method",
                        "contract",
                        "feedback",
                        "resolution",
                        "next_date",
                        "score",
                        "comment",
                    )
                },
            )
        except DomainError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, _("After-sales record saved."))
        return redirect("aftersales:record-detail", pk=record.pk)


def _visible_record(user, pk):
    records = AftersalesRecord.objects.visible_to(user).select_related(
        "customer__owner", "person", "contract"
    )
    return get_object_or_404(records, pk=pk)


class RecordDetailView(TemplateView):
    template_name = "aftersales/record_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        record = _visible_record(user, self.kwargs["pk"])
        return {
            **super().get_context_data(**kwargs),
            "record": record,
            "customer": record.customer,
            "score": getattr(record, "satisfaction", None),
            "opportunities": list(record.opportunities.select_related("opportunity")),
            "can_serve": user.has_perm("aftersales.serve_customer", record.customer),
            "cross_sell_form": kwargs.get("cross_sell_form")
            or forms.CrossSellForm(auto_id="cross_%s"),
        }


class RecordCrossSellView(View):
    """POST only: a second need heard in this record becomes an opportunity."""

    def post(self, request, pk):
        record = _visible_record(request.user, pk)
        if not request.user.has_perm("aftersales.serve_customer", record.customer):
            raise PermissionDenied
        form = forms.CrossSellForm(request.POST, auto_id="cross_%s")
        if form.is_valid():
            try:
                services.cross_sell_create(by=request.user, record=record, **form.cleaned_data)
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Opportunity created for the customer's owner."))
                return redirect("aftersales:record-detail", pk=record.pk)
        view = RecordDetailView()
        view.setup(request, pk=pk)
        return view.render_to_response(view.get_context_data(cross_sell_form=form))
