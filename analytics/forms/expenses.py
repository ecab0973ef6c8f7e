"""Recording an expense, deciding on one, and the expense list's filters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.forms.fields import DateInput
from customers.models import Customer
from opportunities.models import Opportunity
from teams import policy
from teams.models import Team, User

from ..models import Category, Expense


class ExpenseForm(forms.Form):
    date = forms.DateField(label=_("date"), widget=DateInput)
    category = forms.ChoiceField(label=_("category"), choices=Category.choices)
    amount = forms.CharField(
        label=_("amount (yuan)"), widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    description = forms.CharField(label=_("description"), max_length=300, required=False)
    customer = forms.ModelChoiceField(
        label=_("customer"), queryset=Customer.objects.none(), required=False
    )
    opportunity = forms.ModelChoiceField(
        label=_("opportunity"), queryset=Opportunity.objects.none(), required=False
    )
    receipt = forms.FileField(
        label=_("receipt"),
        help_text=_("PDF, JPG or PNG (or Word, Excel), at most 20 MB."),
        error_messages={"required": _("Attach the receipt.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The user's own customers and open opportunities (an expense is their own).
        self.fields["customer"].queryset = (
            Customer.objects.visible_to(user).filter(owner=user).only("pk", "name").order_by("name")
        )
        self.fields["opportunity"].queryset = (
            Opportunity.objects.visible_to(user)
            .filter(owner=user, status=Opportunity.Status.OPEN)
            .only("pk", "name", "customer_id")
            .order_by("name")
        )


class DecisionForm(forms.Form):
    comment = forms.CharField(label=_("comment"), max_length=300, required=False)


class ExpenseFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("status"), choices=[("", _("Any status")), *Expense.Status.choices], required=False
    )
    category = forms.ChoiceField(
        label=_("category"), choices=[("", _("Any category")), *Category.choices], required=False
    )
    team = forms.ModelChoiceField(
        label=_("team"), queryset=Team.objects.none(), required=False, empty_label=_("Any team")
    )
    rep = forms.ModelChoiceField(
        label=_("sales rep"), queryset=User.objects.none(), required=False, empty_label=_("Anyone")
    )
    start = forms.DateField(label=_("from"), widget=DateInput, required=False)
    end = forms.DateField(label=_("to"), widget=DateInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(policy.teams_q(user)).order_by("name")
        self.fields["rep"].queryset = (
            User.objects.filter(policy.users_q(user), is_active=True)
            .only("pk", "username", "first_name", "last_name")
            .order_by("username")
        )
        self.fields["rep"].label_from_instance = lambda u: u.display_name

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The range cannot end before it starts."))
        return data

    def apply(self, rows):
        data = self.cleaned_data
        if data.get("status"):
            rows = rows.filter(status=data["status"])
        if data.get("category"):
            rows = rows.filter(category=data["category"])
        if data.get("team"):
            rows = rows.filter(team=data["team"])
        if data.get("rep"):
            rows = rows.filter(rep=data["rep"])
        if data.get("start"):
            rows = rows.filter(date__gte=data["start"])
        if data.get("end"):
            rows = rows.filter(date__lte=data["end"])
        return rows
