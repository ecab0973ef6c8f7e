"""Complaints (客户投诉): received through a channel, a severity whose deadlines an admin sets
(`SeverityDeadline`), a handler, a status that moves only along TRANSITIONS, the resolution
and how the customer was told. Deadlines and breaches: `sla.py`."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm_site.transitions import StatusChange, Transitions

from ..querysets import ComplaintQuerySet


class Severity(models.TextChoices):
    LOW = "low", pgettext_lazy("severity", "Low")
    MEDIUM = "medium", pgettext_lazy("severity", "Medium")
    HIGH = "high", pgettext_lazy("severity", "High")
    CRITICAL = "critical", pgettext_lazy("severity", "Critical")


class SeverityDeadline(models.Model):
    """How long a complaint of one severity may wait: a reply within `respond_hours` (clock
    hours), a resolution within `resolve_working_days` (teams/workdays.py). Seeded with
    72/48/24/4 h and 15/7/3/1 working days; an admin changes them."""

    severity = models.CharField(_("severity"), max_length=10, choices=Severity, unique=True)
    respond_hours = models.PositiveSmallIntegerField(
        _("respond within (hours)"), validators=[MinValueValidator(1), MaxValueValidator(720)]
    )
    resolve_working_days = models.PositiveSmallIntegerField(
        _("resolve within (working days)"),
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )

    class Meta:
        verbose_name = _("complaint deadline")

    def __str__(self):
        return self.get_severity_display()


class Complaint(models.Model):
    Severity = Severity

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("Email")
        WECHAT = "wechat", _("WeChat")
        VISIT = "visit", _("Visit")
        HOTLINE = "hotline", _("400 hotline")

    class Category(models.TextChoices):
        PRODUCT = "product", _("Product quality")
        DELIVERY = "project", _("Delivery and implementation")
        SERVICE = "service", _("Service attitude")
        BILLING = "billing", _("Billing and invoices")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        NEW = "new", pgettext_lazy("complaint", "New")
        ACKNOWLEDGED = "acknowledged", pgettext_lazy("complaint", "Acknowledged")
        IN_PROGRESS = "in_progress", pgettext_lazy("complaint", "In progress")
        RESOLVED = "resolved", pgettext_lazy("complaint", "Resolved")
        CLOSED = "closed", pgettext_lazy("complaint", "Closed")

    # Reopening: a resolved complaint the customer does not accept, or a closed one within
    # REOPEN_DAYS (services.complaint_reopen checks the days).
    TRANSITIONS = Transitions(
        {
            Status.NEW: {Status.ACKNOWLEDGED},
            Status.ACKNOWLEDGED: {Status.IN_PROGRESS},
            Status.IN_PROGRESS: {Status.RESOLVED},
            Status.RESOLVED: {Status.CLOSED, Status.IN_PROGRESS},
            Status.CLOSED: {Status.IN_PROGRESS},
        }
    )
    OPEN_STATES = frozenset({Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS})
    REOPEN_DAYS = 30

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="complaints",
    )
    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name=_("contract"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("what the customer says"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel)
    category = models.CharField(_("category"), max_length=10, choices=Category)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity)
    received_at = models.DateTimeField(_("received"))
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        on_delete=models.PROTECT,
        related_name="complaints_handled",
    )
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.NEW)
    respond_by = models.DateTimeField(_("respond by"))
    resolve_by = models.DateTimeField(_("resolve by"))
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    told_how = models.CharField(
        _("told the customer by"), max_length=10, choices=Channel, blank=True
    )
    told_at = models.DateTimeField(_("told the customer on"), null=True, blank=True)
    response_breached = models.BooleanField(_("reply late"), default=False)
    resolution_breached = models.BooleanField(_("resolution late"), default=False)
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("escalated to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints_escalated",
    )
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            # The list's order, and what its visibility checks (the customer, whom it was
            # escalated to) beside it: a deep page or the capped count is read from the
            # indexes alone (PostgreSQL: INCLUDE), joined to customer_sight.
            models.Index(
                fields=["-received_at", "-id"],
                include=["customer", "escalated_to"],
                name="complaint_received_idx",
            ),
            models.Index(
                fields=["customer", "-received_at"],
                include=["escalated_to"],
                name="complaint_customer_idx",
            ),
            models.Index(fields=["handler", "status", "resolve_by"], name="complaint_handler_idx"),
            models.Index(fields=["status", "resolve_by"], name="complaint_open_idx"),
        ]

    def __str__(self):
        return f"{self.number} {self.subject}"

    def get_absolute_url(self):
        return reverse("aftersales:complaint-detail", args=[self.pk])

    @property
    def number(self):
        return f"TS{self.pk:06d}" if self.pk else ""

    @property
    def is_open(self):
        return self.status in self.OPEN_STATES

    @property
    def is_new(self):
        return self.status == self.Status.NEW

    @property
    def is_acknowledged(self):
        return self.status == self.Status.ACKNOWLEDGED

    @property
    def is_in_progress(self):
        return self.status == self.Status.IN_PROGRESS

    @property
    def is_resolved(self):
        return self.status == self.Status.RESOLVED

    @property
    def is_closed(self):
        return self.status == self.Status.CLOSED

    @property
    def is_critical(self):
        return self.severity == Severity.CRITICAL

    @property
    def is_breached(self):
        return self.response_breached or self.resolution_breached

    @property
    def can_reopen(self):
        """A resolved complaint, or a closed one within REOPEN_DAYS of closing."""
        if self.is_resolved:
            return True
        return (
            self.is_closed
            and self.closed_at is not None
            and (timezone.now() - self.closed_at).days < self.REOPEN_DAYS
        )

    @property
    def status_badge(self):
        """The Bootstrap colour of the status badge."""
        return {
            self.Status.NEW: "danger",
            self.Status.ACKNOWLEDGED: "warning",
            self.Status.IN_PROGRESS: "primary",
            self.Status.RESOLVED: "success",
            self.Status.CLOSED: "secondary",
        }[self.status]

    @property
    def severity_badge(self):
        return {
            Severity.LOW: "secondary",
            Severity.MEDIUM: "info",
            Severity.HIGH: "warning",
            Severity.CRITICAL: "danger",
        }[self.severity]

    @property
    def next_deadline(self):
        """The deadline the complaint is working towards now (None once resolved)."""
        if self.is_new:
            return self.respond_by
        if self.is_open:
            return self.resolve_by
        return None


class ComplaintStatusChange(StatusChange):
    subject = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="status_changes")
