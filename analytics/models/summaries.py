"""The KPI dashboard's summary table: per day × rep, the sums the period figures add up
(contracts signed, payments, customers entered, opportunities closed, follow-ups, approvals,
satisfaction scores), so that a director's year reads ~73k small rows instead of aggregating
millions. Refreshed incrementally by the worker (analytics.services.summaries); the dashboard
shows the moment its data is as of. The figures are proven equal to the live computation by
tests (tests/analytics/test_summaries.py)."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..fields import money_sum


class Sums(models.Model):
    """The sums a summary row holds (a day's or a month's, of one rep)."""

    # Contracts signed that day (by signing date): amount (tax incl.), count, before tax, cost.
    amount = money_sum()
    signed = models.PositiveIntegerField(default=0)
    net = money_sum()
    cost = money_sum()
    # Payments received that day.
    paid = money_sum()
    # Customers entered that day, and of them those who are customers now.
    entered = models.PositiveIntegerField(default=0)
    converted = models.PositiveIntegerField(default=0)
    # Opportunities closed that day: won, lost, and the won ones' total time to the win.
    won = models.PositiveIntegerField(default=0)
    lost = models.PositiveIntegerField(default=0)
    cycle_total = models.DurationField(default=timedelta)
    # Follow-ups that took place that day (on the rep's customers), and those recorded in time.
    followups = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    # Follow-ups the rep wrote (as their author) that took place that day (the scorecards).
    authored = models.PositiveIntegerField(default=0)
    # Approval rounds approved that day and their total wait from submission.
    approvals = models.PositiveIntegerField(default=0)
    approval_total = models.DurationField(default=timedelta)
    # Satisfaction scores recorded that day: their number and sum.
    scores = models.PositiveIntegerField(default=0)
    score_total = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class DailySummary(Sums):
    """One rep's (the record's owner, as the live figures attribute it; no owner: null) sums
    of one local day."""

    day = models.DateField()
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )

    class Meta:
        verbose_name = _("daily KPI summary")
        verbose_name_plural = _("daily KPI summaries")
        indexes = [
            models.Index(fields=["day", "rep"], name="summary_day_rep"),
            models.Index(fields=["rep", "day"], name="summary_rep_day"),
        ]

    def __str__(self):
        return f"{self.day} {self.rep_id}"


class MonthlySummary(Sums):
    """The daily rows of one rep and month added up (`month`: its first day): whole months of
    a period read these, its odd days the daily rows."""

    month = models.DateField()
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )

    class Meta:
        verbose_name = _("monthly KPI summary")
        verbose_name_plural = _("monthly KPI summaries")
        indexes = [models.Index(fields=["month", "rep"], name="summary_month_rep")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.rep_id}"


class SummaryState(models.Model):
    """One row: when the summaries were last refreshed (the dashboard's "data as of"), and the
    watermarks the next refresh starts from."""

    refreshed_at = models.DateTimeField(null=True)
    # Highest satisfaction id summarised (scores carry no creation stamp of their own).
    last_satisfaction_id = models.BigIntegerField(default=0)
    days_refreshed = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("KPI summary state")
        verbose_name_plural = _("KPI summary state")

    def __str__(self):
        return f"{self.refreshed_at}"

    @classmethod
    def as_of(cls):
        """The moment the summaries hold the data of, or None before their first build."""
        return cls.objects.filter(pk=1).values_list("refreshed_at", flat=True).first()


class DayBits(models.Field):
    """The days of a year a customer was active: bit n (from the left) is day n + 1 of the
    year (PostgreSQL bit(366); analytics.services.summaries reads and writes it in SQL)."""

    description = "the days of a year as bits"

    def db_type(self, connection):
        return "bit(366)" if connection.vendor == "postgresql" else "varchar(366)"


class CustomerYear(models.Model):
    """A customer's activity in one year (only years with a follow-up or a signing): the
    active and churned customers of any period are counts over these rows, not over every
    follow-up. `owner` is the customer's owner (whose figures they are)."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    followed = DayBits()  # a follow-up took place that day
    signed = DayBits()  # a contract signed that day (signed, in delivery or completed)
    # The customer's first signing (None: never bought): who bought by a day can churn.
    first_signed_on = models.DateField(null=True)

    class Meta:
        verbose_name = _("customer activity of a year")
        verbose_name_plural = _("customer activity by year")
        constraints = [
            models.UniqueConstraint(fields=["customer", "year"], name="customer_year_once")
        ]
        indexes = [models.Index(fields=["year", "owner"], name="customer_year_owner")]

    def __str__(self):
        return f"{self.customer_id} {self.year}"


class Buyer(models.Model):
    """A customer who bought (a signed contract), with their first signing and owner."""

    customer = models.OneToOneField(
        "customers.Customer",
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    first_signed_on = models.DateField(db_index=True)

    class Meta:
        verbose_name = _("buyer")
        verbose_name_plural = _("buyers")

    def __str__(self):
        return f"{self.customer_id} {self.first_signed_on}"


class DailyFunnel(models.Model):
    """Opportunities created on a day by a rep, by the furthest stage (its order) they reached
    on the way to won (0: none): the stage funnel of a period sums these."""

    day = models.DateField()
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    reach = models.IntegerField()
    opportunities = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("daily funnel summary")
        verbose_name_plural = _("daily funnel summaries")
        indexes = [models.Index(fields=["day", "rep"], name="funnel_day_rep")]

    def __str__(self):
        return f"{self.day} {self.rep_id} {self.reach}"
