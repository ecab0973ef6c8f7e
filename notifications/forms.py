"""The preferences form (one channel per kind) and the team channel form (admins)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from teams.models import Team

from .kinds import DEFAULT_CHANNEL, Channel, Kind
from .models import ReminderSettings, TeamChannel


def _helper(label):
    helper = FormHelper()
    helper.add_input(Submit("submit", label))
    return helper


class PreferencesForm(forms.Form):
    """One choice per kind; the kind's default is preselected until the reader changes it."""

    def __init__(self, *args, chosen=None, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = chosen or {}
        for kind in Kind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=Channel.choices,
                initial=chosen.get(kind.value, DEFAULT_CHANNEL[kind]),
                widget=forms.RadioSelect,
            )
        self.helper = _helper(_("Save preferences"))


class TeamChannelForm(forms.ModelForm):
    webhook_url = forms.URLField(
        label=TeamChannel._meta.get_field("webhook_url").verbose_name,
        max_length=500,
        assume_scheme="https",
    )
    kinds = forms.MultipleChoiceField(
        label=_("Kinds posted"),
        choices=Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The members' notifications of these kinds are posted in the group."),
    )

    class Meta:
        model = TeamChannel
        fields = ["team", "provider", "webhook_url", "secret", "kinds", "is_active"]
        help_texts = {
            "webhook_url": _(
                "The robot's address from the group's settings, e.g. "
                "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=… or "
                "https://oapi.dingtalk.com/robot/send?access_token=…"
            ),
            "secret": _("Only for a DingTalk robot with the “sign” security setting (加签)."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.order_by("name")
        self.helper = _helper(_("Save"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("secret") and cleaned.get("provider") != TeamChannel.Provider.DINGTALK:
            self.add_error("secret", _("Only DingTalk robots sign their messages."))
        return cleaned


class ReminderSettingsForm(forms.ModelForm):
    class Meta:
        model = ReminderSettings
        fields = [
            "followup_manager_days",
            "approval_hours",
            "approval_manager_hours",
            "solution_manager_days",
            "instalment_due_days",
            "instalment_manager_days",
            "instalment_legal_days",
            "complaint_warn_hours",
            "revisit_days",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Save thresholds"))
