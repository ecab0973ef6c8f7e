"""Sales targets (销售目标): the company's per year, quarter and month, split to teams, to
reps and optionally to a rep's key customers, for four metrics. Splits are rows of their own;
whether they add up is computed (selectors.targets), never stored, so a split that does not
add up cannot pass for complete. Every change is kept in the history."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..periods import Granularity, Period
from ..querysets import TargetQuerySet


class Metric(models.TextChoices):
    SALES_AMOUNT = "sales_amount", _("Sales amount")
    COLLECTED = "collected", _("Collected payments")
    NEW_CUSTOMERS = "new_customers", _("New customers")
    GROSS_MARGIN = "gross_margin", _("Gross margin")


# Metrics counted in whole numbers (the others are yuan to the fen).
COUNT_METRICS = frozenset({Metric.NEW_CUSTOMERS})


class Target(models.Model):
    class Level(models.TextChoices):
        COMPANY = "company", _("Company")
        TEAM = "team", _("Team")
        REP = "rep", _("Sales rep")
        CUSTOMER = "customer", _("Key customer")

    REP_LEVELS = (Level.REP, Level.CUSTOMER)

    level = models.CharField(_("level"), max_length=10, choices=Level)
    metric = models.CharField(_("metric"), max_length=20, choices=Metric)
    granularity = models.CharField(_("period type"), max_length=10, choices=Granularity)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    # A rep's target keeps the team it was split from; a key customer's its rep and team.
    team = models.ForeignKey(
        "teams.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    amount = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    objects = TargetQuerySet.as_manager()

    class Meta:
        ordering = ["period_start", "level", "metric", "pk"]
        verbose_name = _("sales target")
        verbose_name_plural = _("sales targets")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="target_amount_not_negative"),
            models.CheckConstraint(
                condition=(
                    Q(level="company", team__isnull=True, rep__isnull=True, customer__isnull=True)
                    | Q(level="team", team__isnull=False, rep__isnull=True, customer__isnull=True)
                    | Q(level="rep", team__isnull=False, rep__isnull=False, customer__isnull=True)
                    | Q(
                        level="customer",
                        team__isnull=False,
                        rep__isnull=False,
                        customer__isnull=False,
                    )
                ),
                name="target_scope_fields",
            ),
            models.UniqueConstraint(
                fields=["metric", "granularity", "period_start"],
                condition=Q(level="company"),
                name="target_one_per_company_period",
            ),
            models.UniqueConstraint(
                fields=["team", "metric", "granularity", "period_start"],
                condition=Q(level="team"),
                name="target_one_per_team_period",
            ),
            models.UniqueConstraint(
                fields=["rep", "metric", "granularity", "period_start"],
                condition=Q(level="rep"),
                name="target_one_per_rep_period",
            ),
            models.UniqueConstraint(
                fields=["customer", "rep", "metric", "granularity", "period_start"],
                condition=Q(level="customer"),
                name="target_one_per_customer_period",
            ),
        ]
        indexes = [
            models.Index(fields=["metric", "period_start", "level"], name="target_metric_period"),
        ]

    def __str__(self):
        return f"{self.get_metric_display()} {self.period} {self.amount}"

    @property
    def period(self):
        return Period(self.granularity, self.period_start)

    @property
    def is_count(self):
        return self.metric in COUNT_METRICS
