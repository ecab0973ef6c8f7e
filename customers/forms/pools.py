"""The customer pool's forms (公海): the list's filters, a return's reason, an assignment, the
pool rules (admins) and the ownership log's filters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from teams import policy
from teams.models import Team, User

from ..models import Customer, Grade, OwnershipChange, Pool
from .fields import NamedEmptyChoices


class PoolFilterForm(NamedEmptyChoices, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    pool = forms.ModelChoiceField(label=_("Pool"), queryset=Pool.objects.none(), required=False)
    grade = forms.ChoiceField(label=_("Grade"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)

    def __init__(self, *args, pools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pool"].queryset = pools
        # The choices from one plain query (a ModelChoiceField iterates a server-side cursor).
        self.fields["pool"].widget.choices = [("", _("All pools"))] + [
            (pk, name) for pk, name in pools.values_list("pk", "name")
        ]
        self.fields["grade"].choices = [("", _("All grades")), *Grade.choices]
        self.fields["region"].choices = [("", _("All regions")), *Customer.Region.choices]

    def apply(self, customers):
        if not self.is_valid():
            return customers
        data = self.cleaned_data
        if data["pool"]:
            customers = customers.filter(pool=data["pool"])
        if data["grade"]:
            customers = customers.filter(grade=data["grade"])
        if data["region"]:
            customers = customers.filter(region=data["region"])
        if data["q"]:
            from ..selectors import customer_search

            customers = customer_search(customers, data["q"])
        return customers


class ReturnForm(NamedEmptyChoices, forms.Form):
    reason = forms.CharField(
        label=_("Why do you return this customer?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AssignForm(NamedEmptyChoices, forms.Form):
    """Whom a pool customer goes to: for a manager, the reps of their teams in the pool's teams;
    for directors and admins, anyone who may own customers."""

    to_user = forms.ModelChoiceField(
        label=_("Assign to"), queryset=User.objects.none(), empty_label=_("Choose a rep…")
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, user, pool, **kwargs):
        super().__init__(*args, **kwargs)
        people = User.objects.filter(policy.assignable_q(user))
        if not policy.sees_all(user):
            people = people.filter(team__in=pool.teams.all())
        self.fields["to_user"].queryset = people.order_by("username")
        self.fields["to_user"].label_from_instance = lambda u: f"{u.display_name} ({u.username})"


class PoolForm(NamedEmptyChoices, forms.ModelForm):
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams that may claim"),
        queryset=Team.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Pool
        fields = [
            "name",
            "is_active",
            "cap_total",
            "cap_a",
            "cap_b",
            "cap_c",
            "claims_per_day",
            "cooldown_days",
            "followup_days_a",
            "followup_days_b",
            "followup_days_c",
            "won_days_a",
            "won_days_b",
            "won_days_c",
            "warn_days",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["teams"].initial = list(self.instance.teams.values_list("pk", flat=True))
        for name in self.Meta.fields:
            field = self.fields[name]
            if isinstance(field, forms.IntegerField):
                field.widget.attrs["min"] = 0


class OwnershipLogFilterForm(NamedEmptyChoices, forms.Form):
    how = forms.ChoiceField(label=_("How"), required=False)
    user = forms.ModelChoiceField(
        label=_("From or to"), queryset=User.objects.order_by("username"), required=False
    )
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    q = forms.CharField(label=_("Customer"), required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["how"].choices = [("", _("Every way")), *OwnershipChange.How.choices]
        self.fields["user"].label_from_instance = lambda u: f"{u.display_name} ({u.username})"

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data

    def apply(self, rows):
        if not self.is_valid():
            return rows
        data = self.cleaned_data
        if data["how"]:
            rows = rows.filter(how=data["how"])
        if data["user"]:
            rows = rows.filter(from_user=data["user"]) | rows.filter(to_user=data["user"])
        if data["start"]:
            rows = rows.filter(at__date__gte=data["start"])
        if data["end"]:
            rows = rows.filter(at__date__lte=data["end"])
        if data["q"]:
            rows = rows.filter(customer__name__icontains=data["q"])
        return rows
