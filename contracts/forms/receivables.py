"""The receivables page's filters: team, owner, ageing bucket and a search on the contract
number or the customer's name. Teams and owners are those the user sees."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from teams import policy

from ..receivables import BUCKET_KEYS, BUCKETS, team_choices


class ReceivablesFilterForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, required=False)
    # The owner select lists the owners of the rows (from the totals); any user in reach is
    # accepted, so a bookmarked owner with nothing owed still filters.
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, required=False)
    bucket = forms.ChoiceField(
        label=_("Ageing"),
        required=False,
        choices=[("", _("All"))] + [(b.key, b.label) for b in BUCKETS],
    )
    q = forms.CharField(label=_("Contract or customer"), required=False, max_length=100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = team_choices(user)
        self.fields["owner"].queryset = get_user_model().objects.filter(policy.users_q(user))

    def filters(self):
        """The keyword arguments of receivables.filtered (none when the input is invalid)."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "team": data["team"],
            "owner": data["owner"],
            "bucket": BUCKET_KEYS.get(data["bucket"]),
            "search": data["q"].strip(),
        }
