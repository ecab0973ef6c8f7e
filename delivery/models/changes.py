"""A change request (需求变更确认单): what changes, its cost and schedule impact, the customer's
confirmation (name, title, date) and the delivery lead's approval. Approved, it may shift the
affected phases by its schedule impact, and its cost impact becomes a contract amendment the
payment plan must absorb (services/changes.py)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm_site.transitions import StatusChange, Transitions

from ..querysets import ByPlanQuerySet


class ChangeRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("change request", "Waiting for approval")
        APPROVED = "approved", pgettext_lazy("change request", "Approved")
        REJECTED = "rejected", pgettext_lazy("change request", "Rejected")

    TRANSITIONS = Transitions(
        {Status.PENDING: {Status.APPROVED, Status.REJECTED}},
    )

    plan = models.ForeignKey("delivery.Plan", on_delete=models.CASCADE, related_name="changes")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("what changes"), max_length=200)
    description = models.TextField(_("details"))
    cost_impact = models.DecimalField(
        _("cost impact (yuan)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0.00"),
        help_text=_("Added to the contract amount when approved; negative for a reduction."),
    )
    schedule_days = models.SmallIntegerField(
        _("schedule impact (days)"),
        default=0,
        help_text=_("Days the affected phases move; negative to bring them forward."),
    )
    phases = models.ManyToManyField(
        "delivery.Phase", verbose_name=_("affected phases"), blank=True, related_name="changes"
    )
    shift_phases = models.BooleanField(_("shift the affected phases when approved"), default=False)
    customer_name = models.CharField(_("confirmed by (customer)"), max_length=60)
    customer_title = models.CharField(_("their title"), max_length=60)
    customer_confirmed_on = models.DateField(_("confirmed on"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ByPlanQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "-number"]
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="delivery_change_number"),
        ]

    def __str__(self):
        return f"#{self.number} {self.title}"

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING

    @property
    def is_approved(self):
        return self.status == self.Status.APPROVED


class ChangeRequestStatusChange(StatusChange):
    subject = models.ForeignKey(
        ChangeRequest, on_delete=models.CASCADE, related_name="status_changes"
    )
