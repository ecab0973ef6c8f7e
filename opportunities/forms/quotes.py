"""The quote editor (template 3): the header and the lines (a formset; htmx adds and removes
rows), and the small forms of the review and of the customer's answer.

Numbers are read as text and checked by `validation.py`, so a bad quantity, discount or
price gets the same message here as from the service."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from customers.forms.fields import DateInput

from .. import validation
from ..models import Product, Quote, VatRate
from ..permissions import can_see_costs

MAX_LINES = 100


class QuoteHeaderForm(forms.ModelForm):
    class Meta:
        model = Quote
        fields = [
            "name",
            "implementation_period",
            "valid_until",
            "value_added_services",
            "highlights",
        ]
        widgets = {
            "valid_until": DateInput(),
            "value_added_services": forms.Textarea(attrs={"rows": 3}),
            "highlights": forms.Textarea(attrs={"rows": 3}),
        }


def _number(check):
    """A text field checked by `check` (validation.py), cleaned to a Decimal or None."""

    class NumberField(forms.CharField):
        def clean(self, value):
            value = super().clean(value)
            if value in (None, ""):
                return None
            check(value)
            return validation.to_decimal(value)

    return NumberField


QuantityField = _number(validation.validate_quantity)
MoneyField = _number(validation.validate_money)
DiscountField = _number(validation.validate_discount)


class ProductChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name}"


def product_choices(user, keep=()):
    """What a new line may take: the active catalogue products the user sees, plus the
    products already on the quote (`keep`: ids), which stay even when deactivated."""
    active = Product.objects.visible_to(user).active()
    if keep:
        active = active | Product.objects.visible_to(user).filter(pk__in=list(keep))
    return active.order_by("category", "code")


def product_list(products):
    return [("", "---------"), *((p.pk, f"{p.code} {p.name}") for p in products)]


class QuoteLineForm(forms.Form):
    """One line: a catalogue product (what is left blank comes from it) or a free line."""

    product = ProductChoiceField(
        label=_("product"), queryset=Product.objects.none(), required=False
    )
    description = forms.CharField(label=_("item"), max_length=200, required=False)
    unit = forms.CharField(label=_("unit"), max_length=20, required=False)
    quantity = QuantityField(label=_("quantity"), required=False)
    unit_price = MoneyField(label=_("unit price (tax included)"), required=False)
    discount_percent = DiscountField(label=_("discount (%)"), required=False)
    vat_rate = forms.ChoiceField(label=_("VAT rate"), choices=VatRate.choices, initial="13")
    unit_cost = MoneyField(label=_("unit cost"), required=False)

    def __init__(self, *args, user, products, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products
        # One query for all the rows, not one per row.
        self.fields["product"].choices = choices if choices is not None else product_list(products)
        if not can_see_costs(user):
            del self.fields["unit_cost"]
        numbers = {"quantity", "unit_price", "discount_percent", "unit_cost"}
        for name, field in self.fields.items():
            css = (
                "form-select form-select-sm"
                if name in {"product", "vat_rate"}
                else "form-control form-control-sm"
            )
            field.widget.attrs["class"] = css
            if name in numbers:
                field.widget.attrs["inputmode"] = "decimal"
        self.fields["quantity"].widget.attrs["placeholder"] = "1"
        self.fields["discount_percent"].widget.attrs["placeholder"] = "0"

    TYPED = ("product", "description", "unit", "quantity", "unit_price", "discount_percent")

    def has_changed(self):
        """A row is a line when something was typed or chosen in it (the VAT rate alone,
        preset, is not); a removed row posts nothing and is skipped."""
        return any(self.data.get(self.add_prefix(name), "") != "" for name in self.TYPED)

    def clean(self):
        cleaned = super().clean()
        if (
            not self.errors
            and cleaned.get("product") is None
            and not (cleaned.get("description") or "").strip()
        ):
            raise ValidationError(_("Choose a product or describe the item."))
        return cleaned

    def line(self):
        """The line as services.quotes takes it (blank values left to the product)."""
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        data.setdefault("quantity", None)
        return data


class BaseQuoteLineFormSet(forms.BaseFormSet):
    """Every row is optional (a removed row is simply missing from the POST)."""

    def __init__(self, *args, user, products, **kwargs):
        self.user, self.products = user, products
        self.choices = product_list(products)
        super().__init__(*args, **kwargs)

    def initial_form_count(self):
        return 0

    def get_form_kwargs(self, index):
        return {"user": self.user, "products": self.products, "choices": self.choices}

    def filled(self):
        """The forms that hold a line, in order."""
        return [form for form in self.forms if form.has_changed() and form.cleaned_data]

    def clean(self):
        if any(self.errors):
            return
        if len(self.filled()) > MAX_LINES:
            raise ValidationError(_("A quote holds at most %(max)d lines.") % {"max": MAX_LINES})


QuoteLineFormSet = forms.formset_factory(
    QuoteLineForm, formset=BaseQuoteLineFormSet, extra=1, max_num=MAX_LINES, absolute_max=MAX_LINES
)


def line_formset(data=None, *, user, quote, prefix="lines"):
    """The editor's formset: bound to `data`, or showing the draft's lines (and a blank one
    when it has none)."""
    existing = list(quote.lines.all()) if quote else []
    products = product_choices(user, {line.product_id for line in existing if line.product_id})
    if data is not None:
        return QuoteLineFormSet(data, prefix=prefix, user=user, products=products)
    initial = [
        {
            "product": line.product_id,
            "description": line.description,
            "unit": line.unit,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "discount_percent": line.discount_percent,
            "vat_rate": line.vat_rate,
            "unit_cost": line.unit_cost,
        }
        for line in existing
    ]
    formset = QuoteLineFormSet(initial=initial, prefix=prefix, user=user, products=products)
    formset.extra = max(len(initial), 1)
    return formset


class DecisionForm(forms.Form):
    """方案评审 / the director's step / the customer's answer: approve or reject, a comment
    (the service asks for one on a rejection)."""

    approve = forms.TypedChoiceField(
        choices=[("1", _("Approve")), ("0", _("Reject"))], coerce=lambda v: v == "1"
    )
    comment = forms.CharField(label=_("comment"), required=False, max_length=2000)
