"""The dashboard's choices: the period (month, quarter, year or custom days), the scope the
reader's reach allows (company, a team's subtree, a rep) and the cut."""

from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from teams import policy, roles
from teams.models import Team, User

from ..kpis.scope import Scope


class PeriodKind:
    MONTH, QUARTER, YEAR, CUSTOM = "month", "quarter", "year", "custom"
    CHOICES = (
        (MONTH, _("Month")),
        (QUARTER, _("Quarter")),
        (YEAR, _("Year")),
        (CUSTOM, _("Custom dates")),
    )


CUTS = (
    ("", _("No cut")),
    ("team", _("Team")),
    ("rep", _("Rep")),
    ("region", _("Region")),
    ("industry", _("Industry")),
    ("product", _("Product")),
    ("source", _("Source")),
    ("grade", _("Customer grade")),
)


def _month_end(first):
    return (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)


class DashboardForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), choices=PeriodKind.CHOICES, required=False)
    month = forms.CharField(
        label=_("Month, quarter or year of"),
        required=False,
        widget=forms.TextInput(attrs={"type": "month"}),
    )
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.none(), required=False, empty_label=_("Company")
    )
    rep = forms.ModelChoiceField(
        label=_("Rep"), queryset=User.objects.none(), required=False, empty_label=_("All reps")
    )
    cut = forms.ChoiceField(label=_("Cut by"), choices=CUTS, required=False)

    def __init__(self, data=None, *, user):
        super().__init__(data)
        self.user = user
        self.reach = policy.reach(user)
        if self.reach is policy.Reach.OWN:
            del self.fields["team"], self.fields["rep"]
            self.fields["cut"].choices = [c for c in CUTS if c[0] not in ("team", "rep")]
        else:
            self.fields["team"].queryset = Team.objects.filter(policy.teams_q(user)).order_by(
                "name"
            )
            self.fields["rep"].queryset = User.objects.filter(
                policy.users_q(user), is_active=True, role__in=roles.SELLS
            ).order_by("username")
            self.fields["rep"].label_from_instance = lambda u: u.display_name
            if self.reach is policy.Reach.SUBTREE:
                self.fields["team"].empty_label = None
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault(
                "class",
                f"{css} form-control-sm" if css == "form-control" else f"{css} form-select-sm",
            )

    def clean_month(self):
        value = (self.cleaned_data.get("month") or "").strip()
        if not value:
            return None
        try:
            year, month = (int(part) for part in value.split("-", 1))
            return date(year, month, 1)
        except ValueError:
            raise forms.ValidationError(_("Choose a month (YYYY-MM).")) from None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("period") == PeriodKind.CUSTOM:
            start, end = cleaned.get("start"), cleaned.get("end")
            if not start or not end:
                self.add_error("end", _("Give both days of a custom period."))
            elif end < start:
                self.add_error("end", _("The period ends before it starts."))
            elif (end - start).days > 366 * 3:
                self.add_error("end", _("A custom period covers three years at most."))
        return cleaned

    def _valid(self):
        """The fields that are valid: a refused team keeps the period that was chosen."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if name not in self.errors}

    def period_range(self):
        """(start, end) of the chosen period; this month by default."""
        data = self._valid()
        kind = data.get("period") or PeriodKind.MONTH
        if kind == PeriodKind.CUSTOM and data.get("start") and data.get("end"):
            return data["start"], data["end"]
        first = data.get("month") or timezone.localdate().replace(day=1)
        if kind == PeriodKind.YEAR:
            return date(first.year, 1, 1), date(first.year, 12, 31)
        if kind == PeriodKind.QUARTER:
            start = date(first.year, (first.month - 1) // 3 * 3 + 1, 1)
            return start, _month_end(date(start.year, start.month + 2, 1))
        return first, _month_end(first)

    def scope(self):
        data = self._valid()
        if self.reach is policy.Reach.OWN:
            return Scope(user=self.user, rep=self.user)
        rep = data.get("rep")
        team = data.get("team")
        if rep is not None:
            return Scope(user=self.user, rep=rep)
        if team is None and self.reach is policy.Reach.SUBTREE:
            team = self.user.team
        return Scope(user=self.user, team=team)

    def chosen_cut(self):
        data = self._valid()
        return data.get("cut") or None
