"""Grading: the admin's settings, and decisions on the quarterly grade review's proposals."""

from decimal import Decimal

from crispy_forms.bootstrap import AppendedText
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from ..cadence import CADENCE_FIELDS
from ..models import GradeProposal, GradingSettings
from .fields import NamedEmptyChoices, _IdListField


class GradingSettingsForm(NamedEmptyChoices, forms.ModelForm):
    """Thresholds X and Y (万元) and the cadence per grade; Y must stay below X."""

    class Meta:
        model = GradingSettings
        fields = [
            "a_threshold",
            "b_threshold",
            "a_executive_visit_days",
            "a_routine_contacts",
            "b_contact_days",
            "b_visit_days",
            "c_contact_days",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("a_threshold", "b_threshold"):
            self.fields[name].min_value = Decimal(0)
            self.fields[name].validators.append(MinValueValidator(Decimal(0)))
            self.fields[name].widget.attrs["min"] = 0
        for name in CADENCE_FIELDS:
            self.fields[name].validators.append(MinValueValidator(1))
            self.fields[name].validators.append(MaxValueValidator(366))
            self.fields[name].widget.attrs.update(min=1, max=366)
        unit, days = _("10k CNY"), _("days")
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(
                _("Grade thresholds (annual purchases)"),
                Row(
                    Column(AppendedText("a_threshold", unit), css_class="col-sm-6"),
                    Column(AppendedText("b_threshold", unit), css_class="col-sm-6"),
                ),
            ),
            Fieldset(
                _("Follow-up cadence"),
                Row(
                    Column(AppendedText("a_executive_visit_days", days), css_class="col-sm-6"),
                    Column("a_routine_contacts", css_class="col-sm-6"),
                ),
                Row(
                    Column(AppendedText("b_contact_days", days), css_class="col-sm-6"),
                    Column(AppendedText("b_visit_days", days), css_class="col-sm-6"),
                ),
                Row(Column(AppendedText("c_contact_days", days), css_class="col-sm-6")),
            ),
            Submit("submit", _("Save settings")),
        )

    def clean(self):
        cleaned = super().clean()
        a, b = cleaned.get("a_threshold"), cleaned.get("b_threshold")
        if a is not None and b is not None and b >= a:
            self.add_error(
                "b_threshold",
                _("Grade B must start below grade A (%(a)s).") % {"a": f"{a.normalize():f}"},
            )
        return cleaned


class GradeDecisionForm(NamedEmptyChoices, forms.Form):
    """Confirm or reject the checked proposals; ids the user may not see are ignored."""

    CONFIRM, REJECT = "confirm", "reject"

    decision = forms.ChoiceField(choices=[(CONFIRM, _("Confirm")), (REJECT, _("Reject"))])
    proposals = _IdListField(required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_proposals(self):
        ids = list(
            GradeProposal.objects.visible_to(self.user)
            .filter(pk__in=self.cleaned_data["proposals"], status=GradeProposal.Status.PENDING)
            .values_list("pk", flat=True)
        )
        if not ids:
            raise forms.ValidationError(_("Select at least one pending proposal."))
        return ids
