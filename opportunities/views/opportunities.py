"""The opportunity page, creating and editing an opportunity, its competitors and the ticks
of its checklist. Writes go through services/opportunities.py."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView

from crm_site import hooks
from crm_site.errors import DomainError
from customers.models import Customer
from customers.selectors import customer_search

from .. import checklist
from ..errors import InvalidInput
from ..forms import CompetitorForm, LoseForm, OpportunityForm, ReopenForm, SkipRequestForm
from ..models import Competitor, LostReason, Opportunity, Stage, StageSkipRequest
from ..services import opportunities as services
from .mixins import OneOpportunityMixin, OpportunityScopeMixin, safe_next


def path_of(stages):
    """The steps forward among the board's stages: the open ones in order, then won."""
    return [s for s in stages if not s.is_closed] + [s for s in stages if s.is_won]


def detail_url(opportunity):
    return reverse(
        "opportunities:opportunity-detail", args=[getattr(opportunity, "pk", opportunity)]
    )


class OpportunityDetailView(OpportunityScopeMixin, DetailView):
    """Header, the next stage's checklist, the move actions, skip requests, competitors,
    quotes and the stage history. A constant number of queries."""

    template_name = "opportunities/opportunity_detail.html"
    context_object_name = "opportunity"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related(
                "customer",
                "owner",
                "stage",
                "contact",
                "lost_reason",
                "won_competitor",
                "created_by",
            )
        )

    def get_context_data(self, **kwargs):
        opportunity, user = self.object, self.request.user
        stages = list(Stage.objects.board())
        path = path_of(stages)
        ids = [s.pk for s in path]
        next_stage = skip_targets = None
        if opportunity.is_open and opportunity.stage_id in ids:
            position = ids.index(opportunity.stage_id)
            next_stage = path[position + 1] if position + 1 < len(path) else None
            skip_targets = path[position + 2 :]
        skips = list(
            opportunity.skip_requests.select_related(
                "from_stage", "to_stage", "requested_by", "decided_by"
            )[:10]
        )
        pending = next((s for s in skips if s.status == StageSkipRequest.Status.PENDING), None)
        approved = [
            s
            for s in skips
            if s.status == StageSkipRequest.Status.APPROVED
            and s.from_stage_id == opportunity.stage_id
        ]
        competitors = list(opportunity.competitors.all())
        can = {
            "edit": opportunity.is_open
            and user.has_perm("opportunities.edit_opportunity", opportunity),
            "move": user.has_perm("opportunities.move_opportunity", opportunity),
            "reopen": user.has_perm("opportunities.reopen_opportunity", opportunity),
            "decide_skip": pending is not None
            and user.has_perm("opportunities.decide_skip", pending),
        }
        reasons = list(LostReason.objects.filter(is_active=True)) if can["move"] else []
        open_stages = [s for s in stages if not s.is_closed]
        return {
            **super().get_context_data(**kwargs),
            "can": can,
            "today": timezone.localdate(),
            "days_in_stage": max(0, (timezone.now() - opportunity.stage_entered_at).days),
            "stages": stages,
            "move_targets": [s for s in stages if s.pk != opportunity.stage_id and not s.is_lost],
            "next_stage": next_stage,
            "next_checklist": checklist.checklist(opportunity, next_stage) if next_stage else [],
            "skip_targets": skip_targets or [],
            "skip_requests": skips,
            "pending_skip": pending,
            "approved_skips": approved,
            "history": list(
                opportunity.stage_changes.select_related("from_stage", "to_stage", "by")
            ),
            "competitors": competitors,
            # Later stages' buttons (a contract from the accepted quote): crm_site/hooks.py.
            "stage_actions": [
                action
                for fn in hooks.get(hooks.OPPORTUNITY_ACTIONS)
                if (action := fn(opportunity=opportunity, user=user)) is not None
            ],
            # Where a later stage made it (an after-sales complaint, a renewal): the way back.
            "origins": [
                origin
                for fn in hooks.get(hooks.OPPORTUNITY_ORIGINS)
                if (origin := fn(opportunity=opportunity, user=user)) is not None
            ],
            "quotes": list(opportunity.quotes.order_by("-version")),
            "competitor_form": CompetitorForm(auto_id="competitor_%s"),
            "skip_form": SkipRequestForm(stages=skip_targets or [], auto_id="skip_%s"),
            "lose_form": LoseForm(
                opportunity=opportunity,
                reasons=reasons,
                competitors=competitors,
                auto_id="lose_%s",
            ),
            "reopen_form": ReopenForm(stages=open_stages, auto_id="reopen_%s")
            if can["reopen"]
            else None,
        }


class OpportunityFormMixin:
    template_name = "opportunities/opportunity_form.html"

    def form_valid(self, form):
        try:
            opportunity = self.save(form)
        except InvalidInput as error:
            form.add_service_errors(error.errors)
            return self.form_invalid(form)
        except DomainError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        return redirect(detail_url(opportunity))


class OpportunityCreateView(PermissionRequiredMixin, OpportunityFormMixin, FormView):
    """From the customer page (?customer=<id>, the customer preselected) or from the
    pipeline, where the user first picks one of the customers they see."""

    permission_required = "opportunities.work_with_opportunities"
    raise_exception = True
    chooser_limit = 10

    @cached_property
    def customer(self):
        picked = self.request.POST.get("customer") or self.request.GET.get("customer", "")
        if not str(picked).isdigit():
            return None
        customers = Customer.objects.visible_to(self.request.user).select_related("owner")
        customer = get_object_or_404(customers, pk=picked)
        if not self.request.user.has_perm("opportunities.create_opportunity", customer):
            raise PermissionDenied
        return customer

    def get(self, request, *args, **kwargs):
        if self.customer is None:
            return self.render_to_response(self.chooser_context())
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.customer is None:
            return self.render_to_response(self.chooser_context())
        return super().post(request, *args, **kwargs)

    def chooser_context(self):
        query = self.request.GET.get("q", "").strip()[:100]
        found = []
        if query:
            visible = Customer.objects.visible_to(self.request.user).select_related("owner")
            found = list(
                customer_search(visible, query).order_by("name", "pk")[: self.chooser_limit]
            )
        return {"choosing": True, "q": query, "found": found}

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "user": self.request.user,
            "customer": self.customer,
            "instance": Opportunity(customer=self.customer, owner=self.request.user),
        }

    def get_form_class(self):
        return OpportunityForm

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "customer": self.customer}

    def save(self, form):
        opportunity = services.opportunity_create(
            by=self.request.user, customer=self.customer, **form.service_fields()
        )
        messages.success(self.request, _("Opportunity “%(name)s” created.") % {"name": opportunity})
        return opportunity


class OpportunityUpdateView(OneOpportunityMixin, OpportunityFormMixin, FormView):
    opportunity_permission = "opportunities.edit_opportunity"

    def get_form_class(self):
        return OpportunityForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "user": self.request.user,
            "customer": self.opportunity.customer,
            "instance": self.opportunity,
        }

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "customer": self.opportunity.customer,
            "opportunity": self.opportunity,
        }

    def save(self, form):
        opportunity = services.opportunity_update(
            by=self.request.user, opportunity=self.opportunity, **form.service_fields()
        )
        messages.success(self.request, _("Opportunity “%(name)s” saved.") % {"name": opportunity})
        return opportunity


# --- competitors and checklist ticks (POST only, back to the opportunity page) -------------


def _first_error(form):
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


class CompetitorAddView(OneOpportunityMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        form = CompetitorForm(request.POST)
        if not form.is_valid():
            messages.error(request, _first_error(form))
        else:
            try:
                services.competitor_add(
                    opportunity=self.opportunity, by=request.user, **form.cleaned_data
                )
                messages.success(request, _("Competitor recorded."))
            except DomainError as error:
                messages.error(request, str(error))
        return redirect(detail_url(self.opportunity) + "#competitors")


class OneCompetitorMixin:
    """A competitor of a visible opportunity (else 404) that the user may edit (else 403)."""

    @cached_property
    def competitor(self):
        visible = Competitor.objects.visible_to(self.request.user).select_related(
            "opportunity__owner"
        )
        return get_object_or_404(visible, pk=self.kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        opportunity = self.competitor.opportunity
        if not request.user.has_perm("opportunities.edit_opportunity", opportunity):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class CompetitorUpdateView(OneCompetitorMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        form = CompetitorForm(request.POST)
        if not form.is_valid():
            messages.error(request, _first_error(form))
        else:
            try:
                services.competitor_update(
                    competitor=self.competitor, by=request.user, **form.cleaned_data
                )
                messages.success(request, _("Competitor saved."))
            except DomainError as error:
                messages.error(request, str(error))
        return redirect(detail_url(self.competitor.opportunity_id) + "#competitors")


class CompetitorRemoveView(OneCompetitorMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        try:
            services.competitor_remove(competitor=self.competitor, by=request.user)
            messages.success(request, _("Competitor removed."))
        except DomainError as error:
            messages.error(request, str(error))
        return redirect(detail_url(self.competitor.opportunity_id) + "#competitors")


class ChecklistTickView(OneOpportunityMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        requirement = request.POST.get("requirement", "")
        if requirement.isdigit():
            try:
                services.opportunity_tick(
                    opportunity=self.opportunity,
                    requirement=int(requirement),
                    by=request.user,
                    checked=request.POST.get("checked") == "on",
                )
            except DomainError as error:
                messages.error(request, str(error))
        return redirect(safe_next(request, detail_url(self.opportunity) + "#checklist"))
