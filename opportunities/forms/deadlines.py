"""延期申请: a rep asks for a later solution due date; the manager decides."""

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.forms.fields import DateInput


class ExtensionRequestForm(forms.Form):
    new_due = forms.DateField(label=_("new due date"), widget=DateInput())
    reason = forms.CharField(
        label=_("why more time"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
