"""Analytics figures leave only through a logged export (the rankings, the analysis table)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AnalyticsExport(models.Model):
    class Kind(models.TextChoices):
        RANKINGS = "rankings", _("Scorecard rankings")
        ANALYSIS = "analysis", _("Sales analysis table")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("when"), auto_now_add=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    # What was exported: the period, the scope and any filter, as given.
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("analytics export")
        verbose_name_plural = _("analytics exports")

    def __str__(self):
        return f"{self.user} · {self.get_kind_display()} · {self.at:%Y-%m-%d %H:%M}"
