"""The customer pool (公海): pools an admin defines with their rules, and the one ownership log
every change of a customer's owner writes (claim, return, reclaim, assignment, handover, bulk
reassign, the edit form)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .customer import Customer, Grade


def _days(label, default=None, help_text=""):
    # PositiveIntegerField: a negative number of days is refused by the form and the database.
    return models.PositiveIntegerField(
        label, null=True, blank=True, default=default, help_text=help_text
    )


class Pool(models.Model):
    """A pool of customers nobody works, and the rules of claiming from it.

    Empty numbers mean "no limit" (caps, claims per day) or "never" (reclaim days: that grade
    is exempt)."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    teams = models.ManyToManyField(
        "teams.Team",
        verbose_name=_("teams that may claim"),
        related_name="customer_pools",
        blank=True,
    )
    is_active = models.BooleanField(_("active"), default=True)
    cap_total = _days(_("holding cap (all grades)"), help_text=_("Customers a rep may own in all."))
    cap_a = _days(_("holding cap for A"))
    cap_b = _days(_("holding cap for B"))
    cap_c = _days(_("holding cap for C"))
    claims_per_day = _days(_("claims per rep per day"))
    cooldown_days = models.PositiveIntegerField(
        _("cool-down (days)"),
        default=7,
        help_text=_("Days before a rep may claim again a customer they returned or lost."),
    )
    followup_days_a = _days(_("reclaim A after days without follow-up"))
    followup_days_b = _days(_("reclaim B after days without follow-up"), default=60)
    followup_days_c = _days(_("reclaim C after days without follow-up"), default=30)
    won_days_a = _days(_("reclaim A after days without a win"))
    won_days_b = _days(_("reclaim B after days without a win"), default=180)
    won_days_c = _days(_("reclaim C after days without a win"), default=90)
    warn_days = models.PositiveIntegerField(_("warn the owner (days before)"), default=3)

    class Meta:
        ordering = ["name"]
        verbose_name = _("customer pool")
        verbose_name_plural = _("customer pools")

    def __str__(self):
        return self.name

    def cap_for(self, grade):
        return getattr(self, f"cap_{grade.lower()}")

    def followup_days(self, grade):
        return getattr(self, f"followup_days_{grade.lower()}")

    def won_days(self, grade):
        return getattr(self, f"won_days_{grade.lower()}")

    def grade_rules(self):
        """[(grade, cap, follow-up days, win days)] for the settings and holdings pages."""
        return [
            (grade, self.cap_for(grade), self.followup_days(grade), self.won_days(grade))
            for grade in Grade
        ]


class OwnershipChange(models.Model):
    """One change of a customer's owner: from whom (None: the pool or nobody), to whom (None:
    the pool), how, who did it (None: the automatic reclaim), when and why."""

    class How(models.TextChoices):
        CLAIM = "claim", _("Claimed from the pool")
        RETURN = "return", _("Returned to the pool")
        RECLAIM = "reclaim", _("Reclaimed by the pool")
        ASSIGN = "assign", _("Assigned from the pool")
        LEAD = "lead", _("Inbound lead assigned")
        HANDOVER = "handover", _("Handover")
        REASSIGN = "reassign", _("Bulk reassign")
        EDIT = "edit", _("Owner changed on the form")

    # The changes that leave the rep without the customer: the cool-down counts from them.
    LOST = (How.RETURN, How.RECLAIM)

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="ownership_changes"
    )
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    pool = models.ForeignKey(
        Pool,
        verbose_name=_("pool"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    how = models.CharField(_("how"), max_length=10, choices=How)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("when"), db_index=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("ownership change")
        verbose_name_plural = _("ownership changes")
        indexes = [
            models.Index(fields=["customer", "-at"]),
            # Claims today and the cool-down: a rep's own recent changes.
            models.Index(fields=["to_user", "how", "at"]),
            models.Index(fields=["from_user", "how", "at"]),
        ]

    def __str__(self):
        return f"{self.customer_id}: {self.from_user_id} → {self.to_user_id} ({self.how})"


class ReclaimWarning(models.Model):
    """The owner was warned that `customer` goes back to its pool on `reclaim_on` (a task on
    their home page); one per customer and owner, so a second run warns no one twice."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reclaim_on = models.DateField()
    task = models.ForeignKey(
        "customers.Task", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "owner", "reclaim_on"], name="reclaim_warning_once"
            )
        ]

    def __str__(self):
        return f"{self.customer_id} → {self.owner_id} ({self.reclaim_on})"
