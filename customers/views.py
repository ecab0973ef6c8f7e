"""Thin views: read input, call one service or queryset, render or redirect.

Areas, each in its own section: list, customer page and edit, follow-ups and tasks,
grading and handover, Excel.
"""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView

from . import services, timeline
from .models import Customer, Task


class CustomerScopeMixin:
    """Every customer page starts from the customers the user may see."""

    def get_queryset(self):
        return Customer.objects.visible_to(self.request.user)


# --- list ---------------------------------------------------------------------------------


class CustomerListView(PermissionRequiredMixin, CustomerScopeMixin, ListView):
    permission_required = "customers.work_with_customers"
    raise_exception = True
    template_name = "customers/customer_list.html"
    paginate_by = 25

    def get_queryset(self):
        return super().get_queryset().select_related("owner", "industry")


# --- customer page and edit ---------------------------------------------------------------


class CustomerDetailView(CustomerScopeMixin, DetailView):
    template_name = "customers/customer_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("owner", "industry")

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "timeline": timeline.events_for(self.object, self.request.user),
        }


# --- follow-ups and tasks -----------------------------------------------------------------


class TaskCompleteView(View):
    """POST only. From htmx it answers the task's row as done; otherwise it redirects."""

    http_method_names = ["post"]

    def post(self, request, pk):
        task = get_object_or_404(
            Task.objects.visible_to(request.user).select_related("customer"), pk=pk
        )
        try:
            services.task_complete(by=request.user, task=task)
        except services.CustomerError as error:
            messages.error(request, str(error))
        if request.htmx:
            task.refresh_from_db()
            return render(request, "customers/partials/task_done.html", {"task": task})
        messages.success(request, _("Task “%(title)s” is done.") % {"title": task.title})
        next_url = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = reverse("home")
        return redirect(next_url)
