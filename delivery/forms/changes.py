from django import forms
from django.utils.translation import gettext_lazy as _

from customers.forms.fields import DateInput

from ..models import ChangeRequest, Phase


class PhasesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.start_date:%Y-%m-%d} – {obj.end_date:%Y-%m-%d})"


class ChangeRequestForm(forms.ModelForm):
    """需求变更确认单: the change, its impact, the customer's confirmation."""

    phases = PhasesField(
        label=_("Affected phases"),
        queryset=Phase.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ChangeRequest
        fields = [
            "title",
            "description",
            "cost_impact",
            "schedule_days",
            "phases",
            "shift_phases",
            "customer_name",
            "customer_title",
            "customer_confirmed_on",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "customer_confirmed_on": DateInput,
        }

    def __init__(self, *args, phases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phases"].queryset = Phase.objects.filter(pk__in=[p.pk for p in phases])

    def _post_clean(self):
        pass


class ChangeDecisionForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False)
