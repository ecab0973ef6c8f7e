"""The contract list's filters: status, owner (the people search), customer or number, the
month signed, an amount range."""

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.forms.fields import UserField, drill_filters
from customers.models import Customer, Grade, Industry
from customers.selectors import owner_choices
from opportunities.filters import MonthField
from opportunities.models import Product
from opportunities.validation import validate_money
from teams import policy
from teams.models import Team

from ..models import Contract


class ContractFilterForm(forms.Form):
    customer = forms.CharField(label=_("Customer or number"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False)
    owner = UserField(label=_("Owner"), required=False, search={"for": "owner"})
    sign_month = MonthField(label=_("Signed in"), required=False)
    amount_min = forms.DecimalField(label=_("Amount from (yuan)"), required=False, min_value=0)
    amount_max = forms.DecimalField(label=_("Amount up to (yuan)"), required=False, min_value=0)
    # The KPI dashboard's links: kept as hidden inputs and shown as a note when set.
    signed = forms.BooleanField(label=_("Signed (signed, in delivery, completed)"), required=False)
    signed_from = forms.DateField(label=_("Signed from"), required=False)
    signed_to = forms.DateField(label=_("Signed to"), required=False)
    paid_from = forms.DateField(label=_("Paid from"), required=False)
    paid_to = forms.DateField(label=_("Paid to"), required=False)
    approved_from = forms.DateField(label=_("Approved from"), required=False)
    approved_to = forms.DateField(label=_("Approved to"), required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    region = forms.ChoiceField(label=_("Region"), choices=Customer.Region.choices, required=False)
    industry = forms.ModelChoiceField(
        label=_("Industry"), queryset=Industry.objects.all(), required=False
    )
    grade = forms.ChoiceField(label=_("Customer grade"), choices=Grade.choices, required=False)
    lead_source = forms.ChoiceField(
        label=_("Lead source"), choices=Customer.LeadSource.choices, required=False
    )
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.all(), required=False
    )

    DRILL_FIELDS = (
        "signed",
        "signed_from",
        "signed_to",
        "paid_from",
        "paid_to",
        "approved_from",
        "approved_to",
        "team",
        "region",
        "industry",
        "grade",
        "lead_source",
        "product",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(policy.teams_q(user))
        self.fields["status"].choices = [("", _("Any status")), *Contract.Status.choices]
        if policy.reach(user) in (policy.Reach.SUBTREE, policy.Reach.ALL) and user.has_perm(
            "customers.work_with_customers"
        ):
            self.fields["owner"].queryset = owner_choices(user)
        else:  # a rep sees their own contracts; the people search is not theirs to use
            del self.fields["owner"]
        for name, field in self.fields.items():
            css = "form-select" if name == "status" else "form-control"
            field.widget.attrs.setdefault("class", css)
        self.fields["customer"].widget.attrs.update(
            {"type": "search", "placeholder": _("Customer name or HT…")}
        )
        for name in ("amount_min", "amount_max"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal"})

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("amount_min"), cleaned.get("amount_max")
        for name in ("amount_min", "amount_max"):
            if cleaned.get(name) is not None:
                try:
                    validate_money(cleaned[name])
                except forms.ValidationError as error:
                    self.add_error(name, error)
        if low is not None and high is not None and low > high:
            self.add_error("amount_max", _("The largest amount is below the smallest."))
        return cleaned

    def main_fields(self):
        return [self[name] for name in self.fields if name not in self.DRILL_FIELDS]

    def drill_fields(self):
        return drill_filters(self, self.DRILL_FIELDS, self.data)

    def active_count(self):
        if not self.is_bound or not self.is_valid():
            return 0
        return sum(1 for value in self.cleaned_data.values() if value not in (None, "", False))
