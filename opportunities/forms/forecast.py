"""A manager's forecast commit for a team and month (best case / commit)."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from .quotes import MoneyField


class MonthField(forms.CharField):
    """A month as the browser's month input sends it (2026-12), cleaned to its first day."""

    widget = forms.TextInput(attrs={"type": "month"})

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            year, month = (int(part) for part in value.split("-"))
            return date(year, month, 1)
        except ValueError:
            raise forms.ValidationError(_("Enter a month as YYYY-MM.")) from None


class ForecastCommitForm(forms.Form):
    team = forms.ModelChoiceField(label=_("team"), queryset=None)
    month = MonthField(label=_("month"))
    best_case = MoneyField(label=_("best case (yuan)"))
    commit = MoneyField(label=_("commit (yuan)"))
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        for name in ("best_case", "commit"):
            self.fields[name].widget.attrs["inputmode"] = "decimal"
