"""An approver names a delegate for a date range (services/delegations.py checks it)."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _


class DelegationForm(forms.Form):
    delegate = forms.ModelChoiceField(label=_("Delegate"), queryset=None)
    starts_on = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delegate"].queryset = (
            get_user_model().objects.filter(is_active=True).exclude(pk=user.pk).order_by("username")
        )
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if field is self.fields["delegate"] else "form-control"
            )
