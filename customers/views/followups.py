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

from .. import cadence, forms, masking, selectors, services
from ..models import Customer, FollowUp, NeedsSurvey, Task
from ..selectors import customer_search
from .mixins import LoggableCustomerMixin


def _safe_next_url(request):
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("home")
    return next_url


def task_counts_for(request, task):
    """The counts a task list shows after `task` changed: the customer's open tasks on its
    page (`counts=customer`), else the user's own (my tasks, the home panel)."""
    tasks = Task.objects.visible_to(request.user)
    if request.POST.get("counts") == "customer" and task.customer_id:
        tasks = tasks.filter(customer_id=task.customer_id)
    else:
        tasks = tasks.filter(owner=request.user)
    return selectors.task_counts(tasks, timezone.localdate())


class _TaskChangeView(View):
    """POST only. From htmx it answers the task's row and the list's counts (out of band);
    otherwise it redirects to `next` with a message."""

    http_method_names = ["post"]

    def change(self, task):
        raise NotImplementedError

    def success_message(self, task):
        raise NotImplementedError

    def post(self, request, pk):
        task = get_object_or_404(
            Task.objects.visible_to(request.user).select_related("customer"), pk=pk
        )
        error = None
        try:
            self.change(task)
        except services.CustomerError as problem:
            error = str(problem)
        if request.htmx:
            task.refresh_from_db()
            context = {
                "task": task,
                "error": error,
                "undo": error is None and task.done_at is not None,
                "counts": task_counts_for(request, task),
                "counts_scope": request.POST.get("counts", ""),
                "next": request.POST.get("next", ""),
                "oob": True,
            }
            return render(request, "customers/partials.html#task_changed", context)
        if error:
            messages.error(request, error)
        else:
            messages.success(request, self.success_message(task))
        return redirect(_safe_next_url(request))


class TaskCompleteView(_TaskChangeView):
    def change(self, task):
        services.task_complete(by=self.request.user, task=task)

    def success_message(self, task):
        return _("Task “%(title)s” is done.") % {"title": task.title}


class TaskReopenView(_TaskChangeView):
    """Undo "done" for a few seconds after it (UNDO_WINDOW in services/followups.py)."""

    def change(self, task):
        services.task_reopen(by=self.request.user, task=task)

    def success_message(self, task):
        return _("Task “%(title)s” is open again.") % {"title": task.title}


class TaskCreateView(PermissionRequiredMixin, FormView):
    """A task made by hand: for a customer (its page's form, or picked here) or free-standing."""

    permission_required = "customers.work_with_customers"
    raise_exception = True
    form_class = forms.TaskForm
    template_name = "customers/task_form.html"

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
        context["next"] = self.request.POST.get("next") or self.request.GET.get("next", "")
        return context

    def form_valid(self, form):
        try:
            task = services.task_create(by=self.request.user, **form.cleaned_data)
        except services.CustomerError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Task “%(title)s” added, due %(due)s.")
            % {"title": task.title, "due": task.due_date.isoformat()},
        )
        next_url = self.request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(next_url, allowed_hosts={self.request.get_host()}):
            return redirect(next_url)
        if task.customer_id:
            return redirect("customers:customer-detail", pk=task.customer_id)
        return redirect("customers:task-list")


def _followup_logged(request, followup, old_due):
    """The success message: what is still overdue (the follow-up did not meet it), where the
    next due date went (both dates, ISO) and for what, and A's routine contacts so far."""
    customer = followup.customer
    new_due = customer.next_followup_due
    requirements = selectors.cadence_requirements(customer)
    still = [r for r in requirements if r.is_overdue]
    parts = [
        _("Logged; %(what)s still overdue since %(date)s.")
        % {"what": cadence.label(r.code), "date": r.due.isoformat()}
        for r in still
    ] or [_("Follow-up logged.")]
    if old_due and new_due and old_due != new_due:
        text = _("Next follow-up due moved from %(old)s to %(new)s (%(what)s).")
    else:
        text = _("Next follow-up due: %(new)s (%(what)s).")
    values = {
        "old": old_due.isoformat() if old_due else "—",
        "new": new_due.isoformat(),
        "what": cadence.label(customer.next_followup_for),
    }
    parts.append(text % values)
    progress = [cadence.progress_text(r) for r in requirements if r.needed is not None]
    messages.success(request, " ".join(str(part) for part in [*parts, *progress]))
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
        context["contacts"], context["contact_picked"] = form.contacts_of(context["picked"])
        return context

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        customer = data.pop("customer")
        new_contact = {"name": data.pop("new_contact_name"), "phone": data.pop("new_contact_phone")}
        old_due = customer.next_followup_due
        try:
            followup = services.followup_log(
                by=self.request.user,
                customer=customer,
                occurred_at=timezone.now(),
                new_contact=new_contact,
                **data,
            )
        except services.CustomerError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        return _followup_logged(self.request, followup, old_due)


class QuickLogContactsView(PermissionRequiredMixin, TemplateView):
    """htmx, GET ?customer=: the picked customer's contacts to choose whom the visit met."""

    permission_required = "customers.work_with_customers"
    raise_exception = True
    template_name = "customers/partials.html#quicklog_contacts"

    def get_context_data(self, **kwargs):
        picked = self.request.GET.get("customer", "")
        customer = (
            get_object_or_404(Customer.objects.visible_to(self.request.user), pk=picked)
            if picked.isdigit()
            else None
        )
        contacts = list(customer.contacts.order_by("-is_key", "name", "pk")) if customer else []
        if customer is not None:
            masking.mask_customer(self.request.user, customer, contacts)
        return {**super().get_context_data(**kwargs), "contacts": contacts, "picked": customer}


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
        # The counts above say how many; the paginator need not count again.
        return self.mine().open().select_related("customer").order_by("due_date", "pk")

    def get_context_data(self, **kwargs):
        since = timezone.now() - timedelta(days=self.done_days)
        done = (
            self.mine()
            .filter(done_at__gte=since)
            .select_related("customer")
            .order_by("-done_at", "-pk")[:20]
        )
        today = timezone.localdate()
        return {
            **super().get_context_data(**kwargs),
            "today": today,
            "done": list(done),
            "done_days": self.done_days,
            "counts": selectors.task_counts(self.mine(), today),
            "counts_scope": "mine",
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
