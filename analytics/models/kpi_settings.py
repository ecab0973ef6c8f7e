"""How the KPI dashboard counts active and churned customers (an admin's setting, one row)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class KpiSettings(models.Model):
    churn_days = models.PositiveSmallIntegerField(
        _("days without activity before a customer counts as churned"),
        default=180,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_(
            "A customer who bought is churned once this many days pass with neither a "
            "follow-up nor a signed contract."
        ),
    )
    active_counts_signings = models.BooleanField(
        _("a signed contract makes a customer active"),
        default=True,
        help_text=_("Active: a follow-up in the period, or (when ticked) a contract signed in it."),
    )

    class Meta:
        verbose_name = _("KPI settings")
        verbose_name_plural = _("KPI settings")

    def __str__(self):
        return str(self._meta.verbose_name)

    @classmethod
    def load(cls):
        """The row, or the defaults before an admin saved it (a read only: the dashboard reads
        it from the replica)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)
