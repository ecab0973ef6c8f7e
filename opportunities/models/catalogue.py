"""The product catalogue a director or admin keeps: prices tax-included, in yuan."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .. import validation
from ..querysets import ProductQuerySet


class VatRate(models.TextChoices):
    """增值税税率: the rates a Chinese quote uses. The code is the percentage."""

    VAT_13 = "13", "13%"
    VAT_9 = "9", "9%"
    VAT_6 = "6", "6%"
    VAT_0 = "0", "0%"

    @classmethod
    def percent(cls, code):
        return Decimal(str(code))


class Product(models.Model):
    code = models.CharField(_("product code"), max_length=40, unique=True)
    name = models.CharField(_("product name"), max_length=200)
    category = models.CharField(_("category"), max_length=60, blank=True)
    unit = models.CharField(_("unit"), max_length=20, help_text=_("For example 套, 台, 年."))
    list_price = models.DecimalField(
        _("list price (tax included)"),
        max_digits=14,
        decimal_places=2,
        validators=[validation.validate_money],
    )
    unit_cost = models.DecimalField(
        _("unit cost"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[validation.validate_money],
    )
    vat_rate = models.CharField(
        _("VAT rate"), max_length=2, choices=VatRate, default=VatRate.VAT_13
    )
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("An inactive product stays on old quotes but cannot be added to new ones."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["category", "code"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(list_price__gte=0, unit_cost__gte=0),
                name="product_prices_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"
