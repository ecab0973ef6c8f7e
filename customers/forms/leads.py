"""Lead screening's form (线索筛选)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import DisqualifyReason, LeadScreening
from .fields import NamedEmptyChoices


class ScreeningForm(NamedEmptyChoices, forms.Form):
    industry_fit = forms.TypedChoiceField(
        label=_("Industry fit"), choices=LeadScreening.MARKS, coerce=int
    )
    size = forms.TypedChoiceField(label=_("Size"), choices=LeadScreening.MARKS, coerce=int)
    budget = forms.TypedChoiceField(label=_("Budget"), choices=LeadScreening.MARKS, coerce=int)
    decision_chain = forms.TypedChoiceField(
        label=_("Decision chain"), choices=LeadScreening.MARKS, coerce=int
    )
    decision = forms.ChoiceField(
        label=_("Decision"), choices=LeadScreening.Decision.choices, widget=forms.RadioSelect
    )
    reason = forms.ModelChoiceField(
        label=_("Reason"),
        queryset=DisqualifyReason.objects.filter(is_active=True),
        required=False,
    )
    to_pool = forms.BooleanField(label=_("Send to the pool instead of closing"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        if data.get("decision") == LeadScreening.Decision.DISQUALIFIED and not data.get("reason"):
            self.add_error("reason", _("Choose why the lead is disqualified."))
        return data
