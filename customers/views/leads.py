"""Lead screening (线索筛选): the leads to screen (due, overdue) and those screened, and the
screening form. Reps see their own leads, managers their team's (visible_to)."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView

from crm_site import paging

from .. import leads, services
from ..forms.leads import ScreeningForm
from ..models import Customer


class LeadListView(PermissionRequiredMixin, ListView):
    permission_required = "customers.work_with_customers"
    raise_exception = True
    template_name = "customers/lead_list.html"
    context_object_name = "leads"
    paginate_by = 25
    TABS = ("due", "overdue", "screened")

    @property
    def tab(self):
        tab = self.request.GET.get("tab")
        return tab if tab in self.TABS else "due"

    def get_queryset(self):
        rows = Customer.objects.visible_to(self.request.user).select_related("owner")
        if self.tab == "screened":
            rows = rows.filter(screening__isnull=False).select_related("screening")
            return rows.order_by("-updated_at", "-pk")
        rows = rows.filter(status=Customer.Status.LEAD, screening__isnull=True)
        cutoff = leads.overdue_before(timezone.localdate())
        if self.tab == "overdue":
            rows = rows.filter(created_at__lt=cutoff)
        else:
            rows = rows.filter(created_at__gte=cutoff)
        return rows.order_by("created_at", "pk")

    def paginate_queryset(self, queryset, page_size):
        page = paging.paginate(queryset, self.request.GET, page_size)
        return page.paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        for lead in [] if self.tab == "screened" else context["leads"]:
            lead.screening_due = leads.due_on(lead.created_at)
            lead.screening_overdue = lead.screening_due < today
        labels = {"due": _("Due"), "overdue": _("Overdue"), "screened": _("Screened")}
        context.update(
            tabs=[(code, labels[code], code == self.tab) for code in self.TABS],
            screened_tab=self.tab == "screened",
        )
        return context


class ScreenView(FormView):
    form_class = ScreeningForm
    template_name = "customers/lead_screen.html"

    def dispatch(self, request, *args, **kwargs):
        self.customer = get_object_or_404(
            Customer.objects.visible_to(request.user), pk=kwargs["pk"]
        )
        if not request.user.has_perm("customers.edit_customer", self.customer):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "customer": self.customer,
            "due": leads.due_on(self.customer.created_at),
        }

    def form_valid(self, form):
        try:
            screening = services.lead_screen(
                by=self.request.user, customer=self.customer, **form.cleaned_data
            )
        except services.CustomerError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(name)s screened: %(decision)s (score %(score)s).")
            % {
                "name": self.customer.name,
                "decision": screening.get_decision_display(),
                "score": screening.score,
            },
        )
        return redirect(f"{self._list()}?tab=screened")

    def _list(self):
        from django.urls import reverse

        return reverse("customers:lead-list")
