"""延期申请: on an opportunity whose solution is due (or overdue), the rep asks for a later
date with a reason; the owner's manager approves (the due date moves) or refuses it."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from crm_site.errors import DomainError

from .. import permissions
from ..errors import InvalidInput
from ..forms.deadlines import ExtensionRequestForm
from ..forms.quotes import DecisionForm
from ..models import ExtensionRequest, Opportunity
from ..services import deadlines as deadline_services
from .quotes import opportunity_url


def _place(error, form):
    if isinstance(error, InvalidInput):
        for field, found in error.errors.items():
            form.add_error(field if field in form.fields else None, found)
    else:
        form.add_error(None, str(error))


class ExtensionRequestView(PermissionRequiredMixin, TemplateView):
    permission_required = "opportunities.work_with_opportunities"
    raise_exception = True
    template_name = "opportunities/extension_request.html"

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        opportunities = Opportunity.objects.visible_to(request.user).select_related(
            "customer", "owner"
        )
        self.opportunity = get_object_or_404(opportunities, pk=kwargs["pk"])
        if not permissions.can_edit_opportunity(request.user, self.opportunity):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        opportunity = self.opportunity
        return {
            **super().get_context_data(**kwargs),
            "opportunity": opportunity,
            "opportunity_url": opportunity_url(opportunity),
            "overdue": opportunity.solution_due is not None
            and opportunity.solution_submitted_at is None
            and opportunity.solution_due < timezone.localdate(),
            "requests": list(
                opportunity.extension_requests.select_related("requested_by", "decided_by")
            ),
            "form": kwargs.get("form") or ExtensionRequestForm(),
        }

    def post(self, request, *args, **kwargs):
        form = ExtensionRequestForm(request.POST)
        if form.is_valid():
            try:
                extension = deadline_services.extension_request(
                    opportunity=self.opportunity, by=request.user, **form.cleaned_data
                )
            except DomainError as error:
                _place(error, form)
            else:
                messages.success(request, _("The extension request went to the manager."))
                return redirect("opportunities:extension-decide", pk=extension.pk)
        return self.render_to_response(self.get_context_data(form=form))


class ExtensionDecideView(PermissionRequiredMixin, TemplateView):
    """One request: the manager who decides for the owner approves or refuses it; others
    who see the opportunity read it."""

    permission_required = "opportunities.work_with_opportunities"
    raise_exception = True
    template_name = "opportunities/extension_decide.html"

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        extensions = ExtensionRequest.objects.visible_to(request.user).select_related(
            "opportunity__customer", "opportunity__owner", "requested_by", "decided_by"
        )
        self.extension = get_object_or_404(extensions, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        opportunity = self.extension.opportunity
        return {
            **super().get_context_data(**kwargs),
            "extension": self.extension,
            "opportunity": opportunity,
            "opportunity_url": opportunity_url(opportunity),
            "can_decide": permissions.can_decide_extension(self.request.user, self.extension),
            "error": kwargs.get("error"),
        }

    def post(self, request, *args, **kwargs):
        if not permissions.decides_for(request.user, self.extension.opportunity.owner):
            raise PermissionDenied
        form = DecisionForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(
                self.get_context_data(error=_("Choose to approve or to refuse."))
            )
        approve = form.cleaned_data["approve"]
        try:
            deadline_services.extension_decide(
                extension=self.extension,
                by=request.user,
                approve=approve,
                comment=form.cleaned_data["comment"],
            )
        except DomainError as error:
            return self.render_to_response(self.get_context_data(error=str(error)))
        if approve:
            messages.success(request, _("Extension approved: the solution is now due later."))
        else:
            messages.success(request, _("Extension refused."))
        return redirect("opportunities:extension-decide", pk=self.extension.pk)
