"""The catalogue's forms: a product (create and edit), the list's filters, the import."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..models import Product, VatRate
from .quotes import MoneyField


class ProductForm(forms.ModelForm):
    """Only validates (validation.py's rules and messages); services.catalogue writes."""

    list_price = MoneyField(label=_("list price (tax included)"))
    unit_cost = MoneyField(label=_("unit cost"), required=False)

    class Meta:
        model = Product
        fields = [
            "code",
            "name",
            "category",
            "unit",
            "list_price",
            "unit_cost",
            "vat_rate",
            "description",
            "is_active",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def clean_unit_cost(self):
        return self.cleaned_data["unit_cost"] or 0

    def validate_unique(self):
        """The service says when a code is taken (in any case)."""


class ProductFilterForm(forms.Form):
    ACTIVE_CHOICES = [("", _("All")), ("1", _("Active")), ("0", _("Inactive"))]

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    category = forms.ChoiceField(label=_("category"), required=False)
    vat_rate = forms.ChoiceField(
        label=_("VAT rate"), required=False, choices=[("", _("All")), *VatRate.choices]
    )
    active = forms.ChoiceField(label=_("active"), required=False, choices=ACTIVE_CHOICES)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All")), *((c, c) for c in categories)]

    def apply(self, products):
        if not self.is_valid():
            return products
        data = self.cleaned_data
        if data["q"]:
            products = products.filter(Q(name__icontains=data["q"]) | Q(code__icontains=data["q"]))
        if data["category"]:
            products = products.filter(category=data["category"])
        if data["vat_rate"]:
            products = products.filter(vat_rate=data["vat_rate"])
        if data["active"]:
            products = products.filter(is_active=data["active"] == "1")
        return products


class ProductImportForm(forms.Form):
    file = forms.FileField(
        label=_("Catalogue file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
