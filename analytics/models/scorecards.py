"""Rep scorecards: the director's weights (groups results / customer development / process /
teamwork and the metrics inside, summing to 100%) and the managers' teamwork ratings."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..periods import Granularity, Period
from ..querysets import TeamworkRatingQuerySet


class ScoreGroup(models.TextChoices):
    RESULTS = "results", _("Results")
    CUSTOMER_DEVELOPMENT = "customer_development", _("Customer development")
    PROCESS = "process", _("Process")
    TEAMWORK = "teamwork", _("Teamwork")


class ScoreMetric(models.TextChoices):
    SALES_AMOUNT = "sales_amount", _("Sales amount")
    COLLECTED = "collected", _("Collected payments")
    GROSS_MARGIN = "gross_margin", _("Gross margin")
    NEW_CUSTOMERS = "new_customers", _("New customers")
    FOLLOW_UPS = "follow_ups", _("Follow-ups")
    WIN_RATE = "win_rate", _("Win rate")
    TEAMWORK = "teamwork", _("Teamwork rating")


# Which group each metric belongs to (data, read by the weights page and the scorecard).
METRIC_GROUP = {
    ScoreMetric.SALES_AMOUNT: ScoreGroup.RESULTS,
    ScoreMetric.COLLECTED: ScoreGroup.RESULTS,
    ScoreMetric.GROSS_MARGIN: ScoreGroup.RESULTS,
    ScoreMetric.NEW_CUSTOMERS: ScoreGroup.CUSTOMER_DEVELOPMENT,
    ScoreMetric.FOLLOW_UPS: ScoreGroup.PROCESS,
    ScoreMetric.WIN_RATE: ScoreGroup.PROCESS,
    ScoreMetric.TEAMWORK: ScoreGroup.TEAMWORK,
}

# The weights (percent) until a director sets them.
DEFAULT_WEIGHTS = {
    ScoreMetric.SALES_AMOUNT: 30,
    ScoreMetric.COLLECTED: 15,
    ScoreMetric.GROSS_MARGIN: 10,
    ScoreMetric.NEW_CUSTOMERS: 15,
    ScoreMetric.FOLLOW_UPS: 10,
    ScoreMetric.WIN_RATE: 10,
    ScoreMetric.TEAMWORK: 10,
}


class ScorecardWeight(models.Model):
    """The weight of one metric, in percent; all of them sum to 100 (services.scorecards
    saves them together, or none)."""

    metric = models.CharField(_("metric"), max_length=20, choices=ScoreMetric, unique=True)
    weight = models.DecimalField(_("weight (%)"), max_digits=5, decimal_places=2)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("scorecard weight")
        verbose_name_plural = _("scorecard weights")
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=0, weight__lte=100), name="scorecardweight_0_100"
            ),
        ]

    def __str__(self):
        return f"{self.get_metric_display()} {self.weight}%"

    @property
    def group(self):
        return METRIC_GROUP[self.metric]


RATING_MIN, RATING_MAX = 1, 5


class TeamworkRating(models.Model):
    """A manager's teamwork rating (1 to 5) of a rep for one period."""

    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sales rep"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    granularity = models.CharField(_("period type"), max_length=10, choices=Granularity)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    rating = models.PositiveSmallIntegerField(_("rating"))
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    objects = TeamworkRatingQuerySet.as_manager()

    class Meta:
        ordering = ["period_start", "rep"]
        verbose_name = _("teamwork rating")
        verbose_name_plural = _("teamwork ratings")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=RATING_MIN, rating__lte=RATING_MAX),
                name="teamworkrating_1_5",
            ),
            models.UniqueConstraint(
                fields=["rep", "granularity", "period_start"],
                name="teamworkrating_one_per_rep_period",
            ),
        ]

    def __str__(self):
        return f"{self.rep} {self.period} {self.rating}"

    @property
    def period(self):
        return Period(self.granularity, self.period_start)


class ScorecardSettings(models.Model):
    """Admin settings of the scorecards (one row)."""

    reps_see_team_figures = models.BooleanField(
        _("reps see their team's scores"),
        default=False,
        help_text=_("Without it a rep sees their own score and the team's ranking as positions."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scorecard settings")
        verbose_name_plural = _("scorecard settings")

    def __str__(self):
        return str(_("scorecard settings"))

    @classmethod
    def load(cls):
        return cls.objects.get_or_create(pk=1)[0]
