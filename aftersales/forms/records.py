from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.models import Contract
from customers.models import Customer

from ..models import AftersalesRecord, SeverityDeadline
from .fields import DateInput, score_field, staff_choices


class RecordForm(forms.ModelForm):
    """售后跟进记录表 (template 7), with the customer's satisfaction."""

    score = score_field()
    comment = forms.CharField(label=_("Satisfaction comment"), required=False, max_length=500)

    class Meta:
        model = AftersalesRecord
        fields = ["date", "method", "contract", "feedback", "resolution", "next_date"]
        widgets = {
            "date": DateInput(),
            "next_date": DateInput(),
            "feedback": forms.Textarea(attrs={"rows": 3}),
            "resolution": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        self.fields["contract"].queryset = Contract.objects.filter(
            customer=customer, status__in=Contract.SIGNED_STATES
        ).only("pk", "number", "title")

    def clean(self):
        data = super().clean()
        day, next_date = data.get("date"), data.get("next_date")
        if day and day > timezone.localdate():
            self.add_error("date", _("A follow-up cannot be dated in the future."))
        if day and next_date and next_date <= day:
            self.add_error("next_date", _("The next follow-up comes after this one."))
        return data


class CrossSellForm(forms.Form):
    name = forms.CharField(label=_("Opportunity name"), max_length=200)
    expected_amount = forms.DecimalField(
        label=_("Expected amount (CNY)"), min_value=0, max_digits=14, decimal_places=2
    )
    expected_close_date = forms.DateField(label=_("Expected close date"), widget=DateInput())
    note = forms.CharField(
        label=_("What the customer needs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class AssignForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("After-sales staff"), queryset=None, required=False, empty_label=_("Nobody")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staff_choices()


class RegionForm(AssignForm):
    region = forms.ChoiceField(label=_("Region"), choices=Customer.Region)


class DeadlineForm(forms.ModelForm):
    class Meta:
        model = SeverityDeadline
        fields = ["respond_hours", "resolve_working_days"]
