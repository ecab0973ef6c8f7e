"""Moves between stages from the opportunity page and the kanban, and the stage skip
requests (跳阶段申请). One POST view per action, each calling its service: a refused move
changes nothing and says why (a message, or JSON for the kanban's drag and drop)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View

from crm_site.errors import DomainError

from ..forms import MoveForm, SkipDecisionForm, SkipRequestForm
from ..models import StageSkipRequest
from ..services import moves as services
from .mixins import OpportunityScopeMixin, safe_next
from .opportunities import detail_url


def _digits(value):
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


def _form_errors(form):
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


class OpportunityMoveView(OpportunityScopeMixin, View):
    """POST to_stage (and for lost: lost_reason, won_competitor, note; for a reopen: reason).
    The kanban asks for JSON (Accept: application/json): {ok, message}, 409 when refused, with
    `form_url` (the opportunity's lose form) when lost was asked for without a reason."""

    http_method_names = ["post"]

    def post(self, request, pk):
        opportunity = get_object_or_404(
            self.get_queryset().select_related("stage", "owner", "customer"), pk=pk
        )
        user = request.user
        if not (
            user.has_perm("opportunities.move_opportunity", opportunity)
            or user.has_perm("opportunities.reopen_opportunity", opportunity)
        ):
            raise PermissionDenied
        form = MoveForm(request.POST)
        ok, message, form_url = False, "", None
        if not form.is_valid():
            message = _form_errors(form)
        elif form.cleaned_data["to_stage"].is_lost and "lost_reason" not in request.POST:
            # Lost needs a reason (and maybe the winning competitor): a card dropped on the
            # lost column opens the opportunity's lose form instead of being refused bare.
            # (The lose form itself always sends the field: left empty, the service says so.)
            message = _("Say why “%(name)s” was lost: the lose form is open on its page.") % {
                "name": opportunity.name
            }
            form_url = f"{detail_url(opportunity)}?lose=1#lose"
        else:
            target = form.cleaned_data["to_stage"]
            try:
                services.opportunity_move(
                    opportunity=opportunity,
                    to_stage=target,
                    by=user,
                    reason=request.POST.get("reason", ""),
                    lost_reason=_digits(request.POST.get("lost_reason")),
                    lost_note=request.POST.get("note", ""),
                    won_competitor=_digits(request.POST.get("won_competitor")),
                )
            except DomainError as error:
                message = str(error)
            else:
                ok = True
                message = _("“%(name)s” moved to “%(stage)s”.") % {
                    "name": opportunity.name,
                    "stage": target.name,
                }
        if form_url:
            # Said again on the lose form's page, where the board sends the browser.
            messages.info(request, message)
        if "application/json" in request.headers.get("Accept", ""):
            data = {"ok": ok, "message": message}
            if form_url:
                data["form_url"] = form_url
            return JsonResponse(data, status=200 if ok else 409)
        if form_url:
            return redirect(form_url)
        (messages.success if ok else messages.error)(request, message)
        return redirect(safe_next(request, detail_url(opportunity)))


class SkipRequestView(OpportunityScopeMixin, View):
    """The rep asks the manager to let the opportunity skip stages, saying why."""

    http_method_names = ["post"]

    def post(self, request, pk):
        opportunity = get_object_or_404(self.get_queryset(), pk=pk)
        if not request.user.has_perm("opportunities.move_opportunity", opportunity):
            raise PermissionDenied
        form = SkipRequestForm(request.POST)
        if not form.is_valid():
            messages.error(request, _form_errors(form))
        else:
            try:
                services.stage_skip_request(
                    opportunity=opportunity,
                    to_stage=form.cleaned_data["to_stage"],
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                )
                messages.success(request, _("Skip request sent to your manager."))
            except DomainError as error:
                messages.error(request, str(error))
        return redirect(detail_url(opportunity) + "#moves")


class SkipDecisionView(View):
    """The owner's manager approves or rejects (with a comment) a skip request."""

    http_method_names = ["post"]

    def post(self, request, pk):
        visible = StageSkipRequest.objects.visible_to(request.user).select_related(
            "opportunity__owner"
        )
        skip_request = get_object_or_404(visible, pk=pk)
        if not request.user.has_perm("opportunities.decide_skip", skip_request):
            raise PermissionDenied
        form = SkipDecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _form_errors(form))
        else:
            approve = form.cleaned_data["decision"] == form.APPROVE
            try:
                services.stage_skip_decide(
                    skip_request=skip_request,
                    by=request.user,
                    approve=approve,
                    comment=form.cleaned_data["comment"],
                )
                messages.success(
                    request, _("Skip request approved.") if approve else _("Skip request rejected.")
                )
            except DomainError as error:
                messages.error(request, str(error))
        return redirect(safe_next(request, detail_url(skip_request.opportunity_id) + "#moves"))
