"""The contract form (template 4): the header every contract has, and the lines of one made
from scratch (a contract from a quote keeps the quote's lines, amount and cost, frozen)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from customers.forms.fields import DateInput
from opportunities.forms.quotes import DiscountField, MoneyField, QuantityField
from opportunities.models import VatRate

from ..models import Contract

MAX_LINES = 100
HEADER_FIELDS = (
    "title",
    "signing_entity",
    "start_date",
    "end_date",
    "payment_terms",
    "credit_days",
    "key_terms",
    "delivery_date",
    "warranty",
)


class ContractHeaderForm(forms.ModelForm):
    """Every field of template 4 a person writes; `version` is the one the page showed (a
    change made meanwhile is refused by the service)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Contract
        fields = HEADER_FIELDS
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "delivery_date": DateInput(),
            "payment_terms": forms.Textarea(attrs={"rows": 2}),
            "key_terms": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")
        self.fields["credit_days"].widget.attrs["inputmode"] = "numeric"
        self.fields["key_terms"].help_text = _(
            "What an approver must know: penalties, liability, jurisdiction, exceptions."
        )

    def _post_clean(self):
        # The services check the header (validation.check_header); the model's own
        # validation would run a second time with other messages.
        pass

    def header(self):
        return {name: self.cleaned_data.get(name) for name in HEADER_FIELDS}


class ContractLineForm(forms.Form):
    description = forms.CharField(label=_("item"), max_length=200, required=False)
    unit = forms.CharField(label=_("unit"), max_length=20, required=False)
    quantity = QuantityField(label=_("quantity"), required=False)
    unit_price = MoneyField(label=_("unit price (tax included)"), required=False)
    discount_percent = DiscountField(label=_("discount (%)"), required=False)
    vat_rate = forms.ChoiceField(label=_("VAT rate"), choices=VatRate.choices, initial="13")
    unit_cost = MoneyField(label=_("unit cost"), required=False)

    TYPED = ("description", "unit", "quantity", "unit_price", "discount_percent")

    def __init__(self, *args, sees_costs=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not sees_costs:
            del self.fields["unit_cost"]
        for name, field in self.fields.items():
            css = (
                "form-select form-select-sm"
                if name == "vat_rate"
                else "form-control form-control-sm"
            )
            field.widget.attrs["class"] = css
            if name in {"quantity", "unit_price", "discount_percent", "unit_cost"}:
                field.widget.attrs["inputmode"] = "decimal"

    def has_changed(self):
        return any(self.data.get(self.add_prefix(name), "") != "" for name in self.TYPED)

    def clean(self):
        cleaned = super().clean()
        if not self.errors and self.has_changed():
            if not (cleaned.get("description") or "").strip():
                raise ValidationError(_("Say what the line is."))
            if cleaned.get("quantity") is None or cleaned.get("unit_price") is None:
                raise ValidationError(_("Enter the quantity and the unit price."))
        return cleaned

    def line(self):
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class BaseLineFormSet(forms.BaseFormSet):
    def __init__(self, *args, sees_costs=True, **kwargs):
        self.sees_costs = sees_costs
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"sees_costs": self.sees_costs}

    def filled(self):
        return [form for form in self.forms if form.has_changed() and form.cleaned_data]

    def lines(self):
        return [form.line() for form in self.filled()]

    def clean(self):
        if any(self.errors):
            return
        if not self.filled():
            raise ValidationError(_("A contract has at least one line."))


LineFormSet = forms.formset_factory(
    ContractLineForm,
    formset=BaseLineFormSet,
    extra=3,
    max_num=MAX_LINES,
    absolute_max=MAX_LINES,
)


def line_formset(data=None, *, contract=None, sees_costs=True, prefix="lines"):
    """Bound to `data`, or showing the draft's lines and blank rows to add more."""
    if data is not None:
        return LineFormSet(data, prefix=prefix, sees_costs=sees_costs)
    initial = [
        {
            "description": line.description,
            "unit": line.unit,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "discount_percent": line.discount_percent,
            "vat_rate": line.vat_rate,
            "unit_cost": line.unit_cost,
        }
        for line in (contract.lines.all() if contract else [])
    ]
    return LineFormSet(initial=initial, prefix=prefix, sees_costs=sees_costs)
