"""Complaints: the list, logging one, its page, and the moves a row posts (acknowledge,
start, resolve, close with satisfaction, reopen, escalate)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView
from django_filters.views import FilterView

from crm_site import paging
from crm_site.errors import DomainError

from .. import forms, services
from ..filters import ComplaintFilter
from ..models import Complaint
from .mixins import ServedCustomerMixin, visible_complaint


class ComplaintListView(LoginRequiredMixin, FilterView):
    """Newest first, pages of 25 with a capped count and keyset pages: a constant number of
    queries whatever the rows."""

    filterset_class = ComplaintFilter
    template_name = "aftersales/complaint_list.html"
    paginate_by = 25
    context_object_name = "complaints"

    def get_queryset(self):
        return (
            Complaint.objects.visible_to(self.request.user)
            .select_related("customer", "handler")
            .only(
                "subject",
                "severity",
                "status",
                "channel",
                "received_at",
                "respond_by",
                "resolve_by",
                "response_breached",
                "resolution_breached",
                "customer__name",
                "handler__username",
                "handler__first_name",
                "handler__last_name",
            )
            .order_by("-received_at", "-pk")
        )

    def paginate_queryset(self, queryset, page_size):
        page = paging.paginate(queryset, self.request.GET, page_size)
        return page.paginator, page, page.object_list, page.has_other_pages()

    def get_template_names(self):
        if self.request.htmx:
            return ["aftersales/complaint_list.html#rows"]
        return [self.template_name]


class ComplaintCreateView(ServedCustomerMixin, FormView):
    form_class = forms.ComplaintForm
    template_name = "aftersales/complaint_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "customer": self.customer}

    def form_valid(self, form):
        try:
            complaint = services.complaint_create(
                by=self.request.user,
                customer=self.customer,
                handler=form.cleaned_data["handler"],
                contract=form.cleaned_data["contract"],
                **{
                    name: form.cleaned_data[name]
                    for name in (
                        "subject",
                        "description",
                        "channel",
                        "category",
                        "severity",
                        "received_at",
                    )
                },
            )
        except DomainError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Complaint %(number)s logged: reply by %(respond)s, resolve by %(resolve)s.")
            % {
                "number": complaint.number,
                "respond": f"{complaint.respond_by.astimezone():%Y-%m-%d %H:%M}",
                "resolve": f"{complaint.resolve_by.astimezone():%Y-%m-%d}",
            },
        )
        return redirect(complaint)


class ComplaintDetailView(TemplateView):
    template_name = "aftersales/complaint_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        complaint = visible_complaint(user, self.kwargs["pk"])
        can_handle = user.has_perm("aftersales.handle_complaint", complaint)
        labels = dict(Complaint.Status.choices)
        return {
            **super().get_context_data(**kwargs),
            "complaint": complaint,
            "customer": complaint.customer,
            "can_handle": can_handle,
            "history": [
                (change, labels.get(change.to_status, change.to_status))
                for change in complaint.status_changes.select_related("by")
            ],
            "scores": list(complaint.satisfaction_scores.all()),
            "opportunities": list(complaint.opportunities.select_related("opportunity")),
            "resolve_form": kwargs.get("resolve_form") or forms.ResolveForm(auto_id="resolve_%s"),
            "close_form": kwargs.get("close_form") or forms.CloseForm(auto_id="close_%s"),
            "reopen_form": kwargs.get("reopen_form") or forms.ReopenForm(auto_id="reopen_%s"),
            "cross_sell_form": kwargs.get("cross_sell_form")
            or forms.CrossSellForm(auto_id="cross_%s"),
        }


class ComplaintMoveView(View):
    """POST only: one move of the complaint, by `action`; a bad one says why and changes
    nothing."""

    FORMS = {
        "resolve": ("resolve_form", forms.ResolveForm, "resolve_%s"),
        "close": ("close_form", forms.CloseForm, "close_%s"),
        "reopen": ("reopen_form", forms.ReopenForm, "reopen_%s"),
        "cross_sell": ("cross_sell_form", forms.CrossSellForm, "cross_%s"),
    }
    DONE = {
        "acknowledge": gettext_lazy("Complaint acknowledged."),
        "start": gettext_lazy("Work on the complaint started."),
        "resolve": gettext_lazy("Complaint resolved."),
        "close": gettext_lazy("Complaint closed."),
        "reopen": gettext_lazy("Complaint reopened."),
        "escalate": gettext_lazy("Complaint escalated to the handler's manager."),
        "cross_sell": gettext_lazy("Opportunity created for the customer's owner."),
    }

    def post(self, request, pk):
        user = request.user
        complaint = visible_complaint(user, pk)
        if not user.has_perm("aftersales.handle_complaint", complaint):
            raise PermissionDenied
        action = request.POST.get("action", "")
        if action not in self.DONE:
            messages.error(request, _("Unknown action."))
            return redirect(complaint)
        form = None
        if action in self.FORMS:
            name, form_class, auto_id = self.FORMS[action]
            form = form_class(request.POST, auto_id=auto_id)
            if not form.is_valid():
                return self._again(complaint, name, form)
        try:
            self._apply(action, complaint, form)
        except DomainError as error:
            if form is None:
                messages.error(request, str(error))
                return redirect(complaint)
            form.add_error(None, str(error))
            return self._again(complaint, self.FORMS[action][0], form)
        messages.success(request, str(self.DONE[action]))
        return redirect(complaint)

    def _apply(self, action, complaint, form):
        by, data = self.request.user, form.cleaned_data if form is not None else {}
        if action == "acknowledge":
            services.complaint_acknowledge(by=by, complaint=complaint)
        elif action == "start":
            services.complaint_start(by=by, complaint=complaint)
        elif action == "resolve":
            services.complaint_resolve(by=by, complaint=complaint, **data)
        elif action == "close":
            services.complaint_close(by=by, complaint=complaint, **data)
        elif action == "reopen":
            services.complaint_reopen(by=by, complaint=complaint, **data)
        elif action == "escalate":
            services.complaint_escalate(by=by, complaint=complaint)
        elif action == "cross_sell":
            services.cross_sell_create(by=by, complaint=complaint, **data)

    def _again(self, complaint, name, form):
        view = ComplaintDetailView()
        view.setup(self.request, pk=complaint.pk)
        context = view.get_context_data(**{name: form})
        context["open_form"] = name
        return view.render_to_response(context, status=200)
