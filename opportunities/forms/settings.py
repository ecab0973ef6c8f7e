"""What an admin sets up on the stage settings page: stages, checklist items, lost reasons
and the thresholds. The services (services/setup.py) check the rules again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import OpportunitySettings, StageRequirement


def _styled(form, small=True):
    for field in form.fields.values():
        if isinstance(field.widget, forms.CheckboxInput):
            field.widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(field.widget, forms.Select):
            field.widget.attrs.setdefault("class", "form-select form-select-sm")
        else:
            field.widget.attrs.setdefault("class", "form-control form-control-sm")


class StageForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=40)
    default_probability = forms.IntegerField(
        label=_("default probability (%)"), min_value=0, max_value=100
    )
    confirms_needs = forms.BooleanField(label=_("confirms the needs"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class RequirementForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=StageRequirement.Kind.choices)
    text = forms.CharField(label=_("text"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class LostReasonForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=60)
    needs_competitor = forms.BooleanField(label=_("lost to a competitor"), required=False)
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class SettingsForm(forms.ModelForm):
    class Meta:
        model = OpportunitySettings
        fields = ["analysis_required_above", "discount_limit_percent", "solution_working_days"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)
