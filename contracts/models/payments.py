"""The payment plan (回款计划): instalments that add up to the contract amount, the payments
received against them, the invoices (发票) issued for them, and the collection stage (催款)
of an overdue one with its history.

`paid_amount` is the sum of the instalment's payments, written by services/payments.py under
the instalment's lock together with the payment (lists read it without a sum)."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm_site.transitions import StatusChange, Transitions

from ..querysets import InstalmentQuerySet, OwnedByContractQuerySet, PaymentQuerySet
from .contract import Contract, money

# An instalment is "due" from this many days before its due date (the rep's reminder).
DUE_SOON_DAYS = 3


class Instalment(models.Model):
    class State(models.TextChoices):
        UPCOMING = "upcoming", _("Upcoming")
        DUE = "due", _("Due")
        OVERDUE = "overdue", _("Overdue")
        PAID = "paid", _("Paid")

    class Collection(models.TextChoices):
        NONE = "none", pgettext_lazy("collection", "None")
        REMINDED = "reminded", _("Customer reminded")
        ESCALATED = "escalated", _("Escalated to the manager")
        LEGAL = "legal", _("Handed to legal")

    # The collection stage (催款流程) moves forward, never back.
    TRANSITIONS = Transitions(
        {
            # The manager may escalate before the customer was reminded (the reminders do).
            Collection.NONE: {Collection.REMINDED, Collection.ESCALATED},
            Collection.REMINDED: {Collection.ESCALATED},
            Collection.ESCALATED: {Collection.LEGAL},
        }
    )

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="instalments")
    position = models.PositiveSmallIntegerField(_("instalment"))
    due_date = models.DateField(_("due date"))
    amount = money(_("amount"))
    paid_amount = money(_("paid"))
    collection_stage = models.CharField(
        _("collection"), max_length=10, choices=Collection, default=Collection.NONE
    )

    objects = InstalmentQuerySet.as_manager()

    class Meta:
        ordering = ["contract", "position"]
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        constraints = [
            models.UniqueConstraint(fields=["contract", "position"], name="instalment_position"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="instalment_amount_gt_0"),
            models.CheckConstraint(
                condition=models.Q(paid_amount__gte=0, paid_amount__lte=models.F("amount")),
                name="instalment_not_overpaid",
            ),
        ]
        indexes = [
            models.Index(fields=["due_date", "paid_amount"]),
            # The receivables' totals read the unpaid instalments from this index alone.
            models.Index(
                fields=["contract"],
                include=["due_date", "amount", "paid_amount"],
                condition=models.Q(paid_amount__lt=models.F("amount")),
                name="instalment_unpaid",
            ),
        ]

    def __str__(self):
        return f"{self.contract.number} #{self.position}"

    @property
    def outstanding(self):
        return self.amount - self.paid_amount

    def state(self, today=None):
        today = today or timezone.localdate()
        if self.paid_amount >= self.amount:
            return self.State.PAID
        if self.due_date < today:
            return self.State.OVERDUE
        if self.due_date <= today + timedelta(days=DUE_SOON_DAYS):
            return self.State.DUE
        return self.State.UPCOMING

    def days_overdue(self, today=None):
        """Days past the due date while unpaid, else 0."""
        today = today or timezone.localdate()
        if self.paid_amount >= self.amount or self.due_date >= today:
            return 0
        return (today - self.due_date).days


class Payment(models.Model):
    class Method(models.TextChoices):
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        ACCEPTANCE_BILL = "acceptance_bill", _("Acceptance bill (承兑汇票)")
        CASH = "cash", _("Cash")
        OTHER = "other", _("Other")

    instalment = models.ForeignKey(Instalment, on_delete=models.PROTECT, related_name="payments")
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="payments")
    received_on = models.DateField(_("received on"))
    amount = money(_("amount"))
    method = models.CharField(_("method"), max_length=16, choices=Method)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        ordering = ["received_on", "pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_gt_0")
        ]

    def __str__(self):
        return f"{self.contract.number} {self.amount}"


class Invoice(models.Model):
    class Kind(models.TextChoices):
        SPECIAL = "special", _("VAT special invoice (增值税专用发票)")
        ORDINARY = "ordinary", _("Ordinary invoice (普通发票)")

    instalment = models.ForeignKey(Instalment, on_delete=models.PROTECT, related_name="invoices")
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="invoices")
    number = models.CharField(_("invoice number"), max_length=30, unique=True)
    kind = models.CharField(_("invoice type"), max_length=8, choices=Kind)
    amount = money(_("amount"))
    issued_on = models.DateField(_("issued on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = OwnedByContractQuerySet.as_manager()

    class Meta:
        ordering = ["issued_on", "pk"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="invoice_amount_gt_0")
        ]

    def __str__(self):
        return self.number


class CollectionChange(StatusChange):
    """A change of an instalment's collection stage, with the note it was made with."""

    subject = models.ForeignKey(Instalment, on_delete=models.CASCADE, related_name="status_changes")
