"""A manager's forecast for a team and month (best case / commit). Each commit is a new row:
the latest is the forecast, the earlier ones its history."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .. import validation


class ForecastCommit(models.Model):
    team = models.ForeignKey(
        "teams.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    best_case = models.DecimalField(
        _("best case (yuan)"),
        max_digits=14,
        decimal_places=2,
        validators=[validation.validate_money],
    )
    commit = models.DecimalField(
        _("commit (yuan)"), max_digits=14, decimal_places=2, validators=[validation.validate_money]
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("committed"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("forecast commit")
        verbose_name_plural = _("forecast commits")
        indexes = [models.Index(fields=["team", "month", "-at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(commit__lte=models.F("best_case"), commit__gte=0),
                name="forecast_commit_within_best_case",
            ),
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="forecast_month_first_day"
            ),
        ]

    def __str__(self):
        return f"{self.team} {self.month:%Y-%m}: {self.commit} / {self.best_case}"
