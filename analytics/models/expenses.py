"""Sales and marketing expenses (销售费用) with a manager's approval, and budgets per team,
period and category (销售预算)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..periods import Granularity, Period
from ..querysets import BudgetQuerySet, ExpenseQuerySet


class Category(models.TextChoices):
    TRAVEL = "travel", _("Travel")
    ENTERTAINMENT = "entertainment", _("Entertainment")
    MARKETING = "marketing", _("Marketing events")
    GIFTS = "gifts", _("Gifts")
    SAMPLES = "samples", _("Samples")
    OTHER = "other", _("Other")


class Expense(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    date = models.DateField(_("date"))
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sales rep"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The rep's team when the expense was entered: budgets are per team, and a rep who moves
    # later does not take their past spending along.
    team = models.ForeignKey(
        "teams.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("category"), max_length=20, choices=Category)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    description = models.CharField(_("description"), max_length=300, blank=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opportunity = models.ForeignKey(
        "opportunities.Opportunity",
        verbose_name=_("opportunity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The receipt's type is read from its bytes (contracts.validation.check_attachment);
    # served only by the receipt view through `visible_to`.
    receipt = models.FileField(_("receipt"), upload_to="expenses/%Y/%m/", max_length=300)
    receipt_name = models.CharField(_("receipt file name"), max_length=200, blank=True)
    receipt_type = models.CharField(_("receipt file type"), max_length=4, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_comment = models.CharField(_("comment"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("entered"), auto_now_add=True)

    objects = ExpenseQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="expense_amount_positive"),
        ]
        indexes = [
            models.Index(fields=["rep", "date"], name="expense_rep_date"),
            models.Index(fields=["team", "date"], name="expense_team_date"),
            models.Index(fields=["status", "date"], name="expense_status_date"),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_category_display()} {self.amount}"


class Budget(models.Model):
    team = models.ForeignKey(
        "teams.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="+"
    )
    granularity = models.CharField(_("period type"), max_length=10, choices=Granularity)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    category = models.CharField(_("category"), max_length=20, choices=Category)
    amount = models.DecimalField(_("budget (yuan)"), max_digits=14, decimal_places=2)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    objects = BudgetQuerySet.as_manager()

    class Meta:
        ordering = ["period_start", "team", "category"]
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_amount_not_negative"),
            models.UniqueConstraint(
                fields=["team", "granularity", "period_start", "category"],
                name="budget_one_per_team_period_category",
            ),
        ]

    def __str__(self):
        return f"{self.team} {self.period} {self.get_category_display()}"

    @property
    def period(self):
        return Period(self.granularity, self.period_start)
