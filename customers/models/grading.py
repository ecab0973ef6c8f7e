"""ABC grading: the thresholds and cadence an admin sets, every grade change, and the quarterly
grade review's proposals."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..querysets import OwnedByCustomerQuerySet
from .customer import Customer, Grade


class GradingSettings(models.Model):
    """The one row of grading thresholds and follow-up cadence (an admin's setting)."""

    a_threshold = models.DecimalField(
        _("grade A from (10k CNY a year)"), max_digits=12, decimal_places=2, default=Decimal(100)
    )
    b_threshold = models.DecimalField(
        _("grade B from (10k CNY a year)"), max_digits=12, decimal_places=2, default=Decimal(20)
    )
    a_executive_visit_days = models.PositiveSmallIntegerField(
        _("A: executive visit every (days)"), default=30
    )
    a_routine_contacts = models.PositiveSmallIntegerField(
        _("A: routine contacts per 30 days"), default=2
    )
    b_contact_days = models.PositiveSmallIntegerField(_("B: contact every (days)"), default=14)
    b_visit_days = models.PositiveSmallIntegerField(_("B: visit every (days)"), default=30)
    c_contact_days = models.PositiveSmallIntegerField(_("C: contact every (days)"), default=30)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("grading settings")
        verbose_name_plural = _("grading settings")

    def __str__(self):
        return str(self._meta.verbose_name)

    @classmethod
    def load(cls):
        return cls.objects.get_or_create(pk=1)[0]


class GradeChange(models.Model):
    """Every grade change: from, to, why, who, when."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Changed by hand")
        REVIEW = "review", _("Quarterly review")
        COMPUTED = "computed", _("Computed")
        # 二次核对: a confirmation (from A to A) or a rejection (A back to the grade before).
        SECOND_CHECK = "check", _("Second check")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="grade_changes")
    from_grade = models.CharField(_("from"), max_length=1, choices=Grade, blank=True)
    to_grade = models.CharField(_("to"), max_length=1, choices=Grade)
    source = models.CharField(_("source"), max_length=10, choices=Source)
    # A reason the system writes is stored untranslated (gettext_noop), with the values of its
    # placeholders in reason_args, so each reader sees it in their own language.
    reason = models.CharField(_("why"), max_length=300, blank=True)
    reason_args = models.JSONField(default=dict, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.customer}: {self.from_grade or '—'} → {self.to_grade}"

    @property
    def reason_text(self):
        """The reason in the current language (a person's own words stay as they were)."""
        if not self.reason:
            return ""
        text = gettext(self.reason)
        return text % self.reason_args if self.reason_args else text


class GradeProposal(models.Model):
    """A quarterly review's proposed grade change, waiting for a manager."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="grade_proposals")
    period = models.CharField(_("review period"), max_length=7)  # e.g. "2026Q4"
    current_grade = models.CharField(_("current grade"), max_length=1, choices=Grade)
    proposed_grade = models.CharField(_("proposed grade"), max_length=1, choices=Grade)
    basis_amount = models.DecimalField(
        _("trailing 12 months (10k CNY)"), max_digits=14, decimal_places=2
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OwnedByCustomerQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # A second run of the review in the same quarter proposes nothing new.
            models.UniqueConstraint(fields=["customer", "period"], name="one_proposal_per_quarter")
        ]
        # The home panel counts the pending proposals; decided ones pile up every quarter.
        indexes = [
            models.Index(
                fields=["customer"],
                condition=models.Q(status="pending"),
                name="gradeproposal_pending",
            )
        ]

    def __str__(self):
        return f"{self.customer}: {self.current_grade} → {self.proposed_grade} ({self.period})"
