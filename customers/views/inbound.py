"""Leads' admin settings (screening weights, disqualification reasons, each team's inbound
routing, with their history) and inbound leads (来访线索) entered by hand or imported by
managers and customer service."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import FormView

from teams.history import history_rows
from teams.models import Team

from .. import services, xlsx
from ..forms.inbound import (
    DisqualifyReasonForm,
    InboundImportForm,
    InboundLeadForm,
    InboundRoutingForm,
    ScreeningSettingsForm,
)
from ..models import DisqualifyReason, ImportLog, InboundRouting, OwnershipChange, ScreeningSettings
from ..services.inbound import INBOUND_IMPORT_MAX_ROWS
from .excel import PROBLEMS_SHOWN

HISTORY_SHOWN = 20


class LeadSettingsMixin(PermissionRequiredMixin):
    permission_required = "customers.manage_lead_settings"
    raise_exception = True


def _changes(model, describe, related=()):
    """The latest changes of a model with history: when, who, what (`describe(record)`)."""
    records = model.history.select_related("history_user", *related).order_by(
        "-history_date", "-history_id"
    )[:HISTORY_SHOWN]
    return [
        {
            "when": record.history_date,
            "who": record.history_user,
            "kind": record.get_history_type_display(),
            "what": describe(record),
        }
        for record in records
    ]


def _reason_text(record):
    if record.is_active:
        return record.label
    return _("%(label)s (inactive)") % {"label": record.label}


class LeadSettingsView(LeadSettingsMixin, FormView):
    """The screening weights (a form and their history) and the disqualification reasons."""

    form_class = ScreeningSettingsForm
    template_name = "customers/lead_settings.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": ScreeningSettings.load()}

    def get_context_data(self, **kwargs):
        saved = ScreeningSettings.load()
        return {
            **super().get_context_data(**kwargs),
            "saved": saved,
            "history": history_rows(saved, limit=10, hidden={"id"}),
            "reasons": list(DisqualifyReason.objects.order_by("-is_active", "label")),
            "reason_changes": _changes(
                DisqualifyReason,
                lambda r: (
                    r.label if r.is_active else _("%(label)s (inactive)") % {"label": r.label}
                ),
            ),
        }

    def form_valid(self, form):
        weights = {name: form.cleaned_data[name] for name in ScreeningSettings.WEIGHT_FIELDS}
        try:
            services.screening_settings_update(by=self.request.user, **weights)
        except services.CustomerError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(
            self.request, _("Screening weights saved: new screenings are scored with them.")
        )
        return redirect("customers:lead-settings")


class DisqualifyReasonView(LeadSettingsMixin, FormView):
    """Add a reason, or change one (its label, whether it is still offered)."""

    form_class = DisqualifyReasonForm
    template_name = "customers/disqualifyreason_form.html"

    @cached_property
    def reason(self):
        if "pk" in self.kwargs:
            return get_object_or_404(DisqualifyReason, pk=self.kwargs["pk"])
        return DisqualifyReason()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.reason}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "reason": self.reason}

    def form_valid(self, form):
        try:
            reason = services.disqualify_reason_save(by=self.request.user, reason=form.instance)
        except services.CustomerError as error:
            form.add_error("label", str(error))
            return self.form_invalid(form)
        messages.success(self.request, _("Reason “%(label)s” saved.") % {"label": reason.label})
        return redirect("customers:lead-settings")


class InboundRoutingView(LeadSettingsMixin, FormView):
    """Each team's way of sharing out its inbound leads, and the changes made to them."""

    form_class = InboundRoutingForm
    template_name = "customers/inboundrouting_form.html"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "teams": Team.objects.order_by("name"),
            "methods": dict(InboundRouting.objects.values_list("team_id", "method")),
        }

    def get_context_data(self, **kwargs):
        labels = dict(InboundRouting.Method.choices)
        return {
            **super().get_context_data(**kwargs),
            "changes": _changes(
                InboundRouting,
                lambda r: f"{r.team.name}: {labels.get(r.method, r.method)}",
                related=["team"],
            ),
        }

    def form_valid(self, form):
        try:
            services.inbound_routing_save(by=self.request.user, methods=form.methods())
        except services.CustomerError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, _("Inbound lead routing saved."))
        return redirect("customers:inbound-routing")


# --- inbound leads -------------------------------------------------------------------------


class InboundEntryMixin(PermissionRequiredMixin):
    permission_required = "customers.enter_inbound_leads"
    raise_exception = True

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def assigned(self, customer):
        return _("%(name)s went to %(rep)s (%(how)s).") % {
            "name": customer.name,
            "rep": customer.owner.display_name,
            "how": self.last_change(customer).reason,
        }

    @staticmethod
    def last_change(customer):
        return OwnershipChange.objects.filter(
            customer=customer, how=OwnershipChange.How.LEAD
        ).first()


class InboundLeadCreateView(InboundEntryMixin, FormView):
    """A manager or customer service enters a lead that came in; the team's routing gives it
    to a rep, and the page says to whom."""

    form_class = InboundLeadForm
    template_name = "customers/inbound_lead_form.html"

    def form_valid(self, form):
        try:
            customer = services.inbound_lead_create(
                by=self.request.user,
                team=form.cleaned_data["team"],
                contacts=form.contacts(),
                **form.customer_fields(),
            )
        except services.CustomerError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, self.assigned(customer))
        return redirect("customers:customer-detail", pk=customer.pk)


class InboundImportView(InboundEntryMixin, FormView):
    """Inbound leads from an .xlsx in the customer import's layout: every row checked first
    (any problem: nothing imported, each listed), then each lead routed to a rep."""

    form_class = InboundImportForm
    template_name = "customers/inbound_import.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        problems = context["form"].problems
        return {
            **context,
            "problems": problems[:PROBLEMS_SHOWN],
            "problems_hidden": max(len(problems) - PROBLEMS_SHOWN, 0),
            "max_rows": min(xlsx.MAX_ROWS, INBOUND_IMPORT_MAX_ROWS),
            "recent_imports": ImportLog.objects.filter(user=self.request.user)[:5],
        }

    def form_valid(self, form):
        try:
            log = services.inbound_leads_import(
                by=self.request.user,
                team=form.cleaned_data["team"],
                rows=form.rows,
                filename=form.cleaned_data["file"].name,
            )
        except services.CustomerError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(
            self.request,
            ngettext(
                "%(count)d inbound lead was imported and assigned to the reps of %(team)s.",
                "%(count)d inbound leads were imported and assigned to the reps of %(team)s.",
                log.customer_count,
            )
            % {"count": log.customer_count, "team": form.cleaned_data["team"].name},
        )
        return redirect("customers:lead-list")
