"""Follow-ups (full form, quick log, customer picker), tasks and needs surveys."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from .. import forms, services
from ..models import Customer, FollowUp, NeedsSurvey, Task
from ..selectors import customer_search
from .mixins import LoggableCustomerMixin


class TaskCompleteView(View):
    """POST only. From htmx it answers the task's row as done; otherwise it redirects."""

    http_method_names = ["post"]

    def post(self, request, pk):
        task = get_object_or_404(
            Task.objects.visible_to(request.user).select_related("customer"), pk=pk
        )
        error = None
        try:
            services.task_complete(by=request.user, task=task)
        except services.CustomerError as problem:
            error = str(problem)
        if request.htmx:
            task.refresh_from_db()
            context = {"task": task, "error": error}
            return render(request, "customers/partials.html#task_row", context)
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("Task “%(title)s” is done.") % {"title": task.title})
        next_url = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = reverse("home")
        return redirect(next_url)


def _followup_logged(request, followup, old_due):
    """The success message: where the next due date went (both dates, ISO)."""
    new_due = followup.customer.next_followup_due
    if old_due and new_due and old_due != new_due:
        text = _("Follow-up logged. Next follow-up due moved from %(old)s to %(new)s.")
    else:
        text = _("Follow-up logged. Next follow-up due: %(new)s.")
    values = {"old": old_due.isoformat() if old_due else "—", "new": new_due.isoformat()}
    messages.success(request, text % values)
    if followup.is_late:
        messages.warning(request, _("Recorded more than 24 hours after the contact: marked late."))
    return redirect("customers:customer-detail", pk=followup.customer_id)


class FollowUpCreateView(LoggableCustomerMixin, FormView):
    """The full follow-up record from the customer page."""

    form_class = forms.FollowUpForm
    template_name = "customers/followup_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "customer": self.customer}

    def form_valid(self, form):
        old_due = self.customer.next_followup_due
        try:
            followup = services.followup_log(
                by=self.request.user, customer=self.customer, **form.cleaned_data
            )
        except services.CustomerError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        return _followup_logged(self.request, followup, old_due)


class QuickLogView(PermissionRequiredMixin, FormView):
    """快速记录, made for phones: customer, method, key points, next action and its date."""

    permission_required = "customers.work_with_customers"
    raise_exception = True
    form_class = forms.QuickLogForm
    template_name = "customers/followup_quick_log.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        customer_id = self.request.GET.get("customer", "")
        return {"customer": customer_id} if customer_id.isdigit() else {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        picked = str(form["customer"].value() or "")
        context["picked"] = (
            form.fields["customer"].queryset.filter(pk=picked).first() if picked.isdigit() else None
        )
        return context

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        customer = data.pop("customer")
        old_due = customer.next_followup_due
        try:
            followup = services.followup_log(
                by=self.request.user, customer=customer, occurred_at=timezone.now(), **data
            )
        except services.CustomerError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        return _followup_logged(self.request, followup, old_due)


class CustomerSearchView(PermissionRequiredMixin, TemplateView):
    """GET ?q=: up to 10 visible customers by name, contact name or phone (htmx picker)."""

    permission_required = "customers.work_with_customers"
    raise_exception = True
    template_name = "customers/partials.html#customer_picker"
    limit = 10

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "").strip()[:100]
        visible = Customer.objects.visible_to(self.request.user).select_related("owner")
        found = customer_search(visible, query).order_by("name", "pk")[: self.limit]
        picked = self.request.GET.get("customer", "")  # the one already chosen stays chosen
        return {
            **super().get_context_data(**kwargs),
            "q": query,
            "results": list(found),
            "picked": visible.filter(pk=picked).first() if picked.isdigit() else None,
        }


class FollowUpDetailView(DetailView):
    template_name = "customers/followup_detail.html"
    context_object_name = "followup"

    def get_queryset(self):
        return FollowUp.objects.visible_to(self.request.user).select_related(
            "customer", "author", "contact", "task__owner"
        )


class TaskListView(PermissionRequiredMixin, ListView):
    """My tasks: open ones by due date (overdue first), and the ones done lately."""

    permission_required = "customers.work_with_customers"
    raise_exception = True
    template_name = "customers/task_list.html"
    context_object_name = "tasks"
    paginate_by = 50
    done_days = 14

    def mine(self):
        return Task.objects.visible_to(self.request.user).filter(owner=self.request.user)

    def get_queryset(self):
        return self.mine().open().select_related("customer").order_by("due_date", "pk")

    def get_context_data(self, **kwargs):
        since = timezone.now() - timedelta(days=self.done_days)
        done = (
            self.mine()
            .filter(done_at__gte=since)
            .select_related("customer")
            .order_by("-done_at", "-pk")[:20]
        )
        return {
            **super().get_context_data(**kwargs),
            "today": timezone.localdate(),
            "done": list(done),
            "done_days": self.done_days,
        }


class NeedsSurveyCreateView(LoggableCustomerMixin, TemplateView):
    """需求调研表: the survey and its need lines (a formset; htmx adds rows)."""

    customer_permission = "customers.add_survey"
    template_name = "customers/survey_form.html"
    prefix = "needs"

    def forms(self, data=None):
        form = forms.NeedsSurveyForm(data, user=self.request.user, customer=self.customer)
        return form, forms.NeedLineFormSet(data, prefix=self.prefix)

    def get(self, request, *args, **kwargs):
        form, formset = self.forms()
        return self.render_to_response(self.get_context_data(form=form, formset=formset))

    def post(self, request, *args, **kwargs):
        form, formset = self.forms(request.POST)
        if form.is_valid() and formset.is_valid():
            try:
                survey = services.needs_survey_create(
                    by=request.user,
                    customer=self.customer,
                    needs=formset.lines(),
                    **form.cleaned_data,
                )
            except services.CustomerError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Needs survey saved."))
                return redirect("customers:survey-detail", pk=survey.pk)
        return self.render_to_response(self.get_context_data(form=form, formset=formset))


class NeedLineRowView(PermissionRequiredMixin, TemplateView):
    """htmx: one more blank need line, numbered after the rows already on the form."""

    permission_required = "customers.work_with_customers"
    raise_exception = True
    template_name = "customers/partials.html#survey_need_row"

    def get_context_data(self, **kwargs):
        prefix = NeedsSurveyCreateView.prefix
        total = self.request.GET.get(f"{prefix}-TOTAL_FORMS", "")
        index = int(total) if total.isdigit() else 0
        formset = forms.NeedLineFormSet(prefix=prefix)
        return {
            **super().get_context_data(**kwargs),
            "line": forms.NeedLineForm(prefix=f"{prefix}-{index}")
            if index < formset.max_num
            else None,
            "prefix": prefix,
            "total": index + 1,
            "max": formset.max_num,
        }


class NeedsSurveyDetailView(DetailView):
    template_name = "customers/survey_detail.html"
    context_object_name = "survey"

    def get_queryset(self):
        return (
            NeedsSurvey.objects.visible_to(self.request.user)
            .select_related("customer", "surveyor")
            .prefetch_related("needs")
        )
