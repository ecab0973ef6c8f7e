from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.models import Contract

from ..models import Complaint
from .fields import LocalDateTimeInput, score_field, staff_choices


class ComplaintForm(forms.ModelForm):
    class Meta:
        model = Complaint
        fields = [
            "subject",
            "severity",
            "channel",
            "category",
            "received_at",
            "handler",
            "contract",
            "description",
        ]
        widgets = {
            "received_at": LocalDateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["handler"].queryset = staff_choices()
        self.fields["handler"].required = False
        self.fields["handler"].help_text = _("Empty: you handle it.")
        self.fields["contract"].queryset = Contract.objects.filter(
            customer=customer, status__in=Contract.SIGNED_STATES
        ).only("pk", "number", "title")

    def clean_received_at(self):
        value = self.cleaned_data["received_at"]
        if value and value > timezone.now():
            raise forms.ValidationError(_("A complaint cannot be received in the future."))
        return value


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    told_how = forms.ChoiceField(label=_("Told the customer by"), choices=Complaint.Channel)
    told_at = forms.DateTimeField(label=_("Told the customer on"), widget=LocalDateTimeInput())

    def clean_told_at(self):
        value = self.cleaned_data["told_at"]
        if value > timezone.now():
            raise forms.ValidationError(_("The customer cannot have been told in the future."))
        return value


class CloseForm(forms.Form):
    score = score_field()
    comment = forms.CharField(label=_("Comment"), required=False, max_length=500)


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why reopen"), max_length=500)
