"""The admin's stage settings page: stages (name, order, default probability, won and lost,
checklist items), the lost reasons and the thresholds, each change a small POST through
services/setup.py; a refused change (a stage holding opportunities) says why."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from crm_site.errors import DomainError

from ..errors import InvalidInput
from ..forms import LostReasonForm, RequirementForm, SettingsForm, StageForm
from ..models import LostReason, OpportunitySettings, Stage, StageRequirement
from ..services import setup


def _errors(form):
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


class StageSettingsView(PermissionRequiredMixin, TemplateView):
    permission_required = "opportunities.manage_stages"
    raise_exception = True
    template_name = "opportunities/stage_settings.html"

    def get_context_data(self, **kwargs):
        stages = list(
            Stage.objects.order_by(
                "-is_active", "is_lost", "is_won", "order", "pk"
            ).prefetch_related(
                Prefetch("requirements", queryset=StageRequirement.objects.order_by("order", "pk"))
            )
        )
        for stage in stages:
            stage.form = StageForm(
                initial={
                    "name": stage.name,
                    "default_probability": stage.default_probability,
                    "confirms_needs": stage.confirms_needs,
                },
                auto_id=f"stage{stage.pk}_%s",
            )
        reasons = list(LostReason.objects.all())
        for reason in reasons:
            reason.form = LostReasonForm(
                initial={
                    "name": reason.name,
                    "needs_competitor": reason.needs_competitor,
                    "is_active": reason.is_active,
                },
                auto_id=f"reason{reason.pk}_%s",
            )
        return {
            **super().get_context_data(**kwargs),
            "stages": stages,
            "open_ids": [s.pk for s in stages if s.is_active and not s.is_closed],
            "reasons": reasons,
            "new_stage_form": StageForm(auto_id="new_stage_%s"),
            "requirement_form": RequirementForm(auto_id=False),
            "new_reason_form": LostReasonForm(auto_id="new_reason_%s"),
            "settings_form": SettingsForm(instance=OpportunitySettings.load()),
        }

    ACTIONS = {
        "stage_create",
        "stage_update",
        "stage_up",
        "stage_down",
        "stage_deactivate",
        "stage_activate",
        "stage_delete",
        "requirement_add",
        "requirement_remove",
        "reason_create",
        "reason_update",
        "settings_update",
    }

    def post(self, request):
        action = request.POST.get("action", "")
        if action not in self.ACTIONS:
            messages.error(request, _("Unknown action."))
        else:
            try:
                message = getattr(self, action)(request.POST, request.user)
            except InvalidInput as error:
                messages.error(request, str(error))
            except DomainError as error:
                messages.error(request, str(error))
            else:
                if message:
                    messages.success(request, message)
        return redirect(reverse("opportunities:stage-settings"))

    # --- the actions: each returns the message of success, or raises -----------------------

    def _stage(self, data):
        pk = data.get("stage", "")
        return get_object_or_404(Stage, pk=pk if pk.isdigit() else 0)

    def _valid(self, form):
        if not form.is_valid():
            raise InvalidInput({"form": [_errors(form)]})
        return form.cleaned_data

    def stage_create(self, data, by):
        values = self._valid(StageForm(data))
        stage = setup.stage_create(by=by, **values)
        return _("Stage “%(name)s” added.") % {"name": stage.name}

    def stage_update(self, data, by):
        stage = self._stage(data)
        stage = setup.stage_update(by=by, stage=stage, **self._valid(StageForm(data)))
        return _("Stage “%(name)s” saved.") % {"name": stage.name}

    def _move(self, data, by, step):
        stage = self._stage(data)
        ids = list(Stage.objects.open().values_list("pk", flat=True))
        if stage.pk in ids:
            i = ids.index(stage.pk)
            j = min(max(i + step, 0), len(ids) - 1)
            ids[i], ids[j] = ids[j], ids[i]
            setup.stages_reorder(by=by, stages=ids)
        return _("Order saved.")

    def stage_up(self, data, by):
        return self._move(data, by, -1)

    def stage_down(self, data, by):
        return self._move(data, by, 1)

    def stage_deactivate(self, data, by):
        stage = setup.stage_deactivate(by=by, stage=self._stage(data))
        return _("Stage “%(name)s” is no longer in use.") % {"name": stage.name}

    def stage_activate(self, data, by):
        stage = setup.stage_activate(by=by, stage=self._stage(data))
        return _("Stage “%(name)s” is in use again.") % {"name": stage.name}

    def stage_delete(self, data, by):
        stage = self._stage(data)
        name = stage.name
        setup.stage_delete(by=by, stage=stage)
        return _("Stage “%(name)s” deleted.") % {"name": name}

    def requirement_add(self, data, by):
        values = self._valid(RequirementForm(data))
        setup.requirement_add(by=by, stage=self._stage(data), **values)
        return _("Checklist item added.")

    def requirement_remove(self, data, by):
        pk = data.get("requirement", "")
        requirement = get_object_or_404(StageRequirement, pk=pk if pk.isdigit() else 0)
        setup.requirement_remove(by=by, requirement=requirement)
        return _("Checklist item removed.")

    def reason_create(self, data, by):
        values = self._valid(LostReasonForm(data))
        reason = setup.lost_reason_create(
            by=by, name=values["name"], needs_competitor=values["needs_competitor"]
        )
        return _("Lost reason “%(name)s” added.") % {"name": reason.name}

    def reason_update(self, data, by):
        pk = data.get("reason", "")
        reason = get_object_or_404(LostReason, pk=pk if pk.isdigit() else 0)
        reason = setup.lost_reason_update(
            by=by, lost_reason=reason, **self._valid(LostReasonForm(data))
        )
        return _("Lost reason “%(name)s” saved.") % {"name": reason.name}

    def settings_update(self, data, by):
        form = SettingsForm(data, instance=OpportunitySettings.load())
        setup.settings_update(by=by, **self._valid(form))
        return _("Settings saved.")
