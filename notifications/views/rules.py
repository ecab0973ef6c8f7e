"""Admins: the reminder rules with their schedule and last run, "run now", the thresholds."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from .. import engine, selectors, services
from ..engine import UnknownRule
from ..forms import ReminderSettingsForm
from ..models import ReminderSettings
from .channels import AdminOnlyMixin


class RuleListView(AdminOnlyMixin, TemplateView):
    template_name = "notifications/rule_list.html"

    def get_context_data(self, **kwargs):
        form = kwargs.pop("form", None) or ReminderSettingsForm(instance=ReminderSettings.load())
        return {**super().get_context_data(**kwargs), "rules": selectors.rule_rows(), "form": form}

    def post(self, request):
        """The thresholds form."""
        form = ReminderSettingsForm(request.POST, instance=ReminderSettings.load())
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        services.reminder_settings_save(form=form, by=request.user)
        messages.success(request, _("The reminder thresholds are saved."))
        return redirect("notifications:rule-list")


class RuleRunNowView(AdminOnlyMixin, View):
    def post(self, request, name):
        try:
            services.rule_run_now(name=name, by=request.user)
        except UnknownRule:
            raise Http404 from None
        label = _(engine.get_rule(name).label)
        messages.success(
            request,
            _("The rule “%(name)s” is queued: it runs on a worker in a moment.") % {"name": label},
        )
        return redirect("notifications:rule-list")
