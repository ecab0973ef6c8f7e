"""The one row of the opportunities' settings an admin changes."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .. import validation


class OpportunitySettings(models.Model):
    analysis_required_above = models.DecimalField(
        _("analysis and follow-up plan required above (yuan)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("500000.00"),
        validators=[validation.validate_money],
    )
    discount_limit_percent = models.DecimalField(
        _("discount limit without the director (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("20.00"),
        validators=[validation.validate_discount],
        help_text=_("A quote with a line discounted more than this needs the director too."),
    )
    solution_working_days = models.PositiveSmallIntegerField(
        _("solution due within (working days)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("opportunity settings")
        verbose_name_plural = _("opportunity settings")

    def __str__(self):
        return str(self._meta.verbose_name)

    @classmethod
    def load(cls):
        return cls.objects.get_or_create(pk=1)[0]
