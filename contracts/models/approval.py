"""The approval chain as data (合同审批): the steps an admin orders, the rounds a contract goes
through (one per submission, all kept), the decisions taken in them, and delegations.

A round copies the steps that apply to the contract when it is submitted (`step_ids`), so an
admin editing the chain later does not change a round in progress. The database allows one
decision per step and round: two approvers at once or a double click cannot record two."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from teams.roles import CONTRACT_STEP_ROLES, Role

from .contract import Contract


def _step_role_choices():
    return [(role.value, role.label) for role in CONTRACT_STEP_ROLES]


class ApprovalStep(models.Model):
    """One step of the chain. It applies to a contract when every condition it sets holds:
    the amount reaches `min_amount`, the largest line discount reaches
    `min_discount_percent`, the credit period reaches `min_credit_days`."""

    order = models.PositiveSmallIntegerField(_("order"))
    role = models.CharField(_("approved by"), max_length=20, choices=_step_role_choices())
    name = models.CharField(_("step"), max_length=100)
    min_amount = models.DecimalField(
        _("only from this amount (yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: every contract. A smaller contract skips this step."),
    )
    min_discount_percent = models.DecimalField(
        _("only from this discount (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    min_credit_days = models.PositiveSmallIntegerField(
        _("only from this credit period (days)"), null=True, blank=True
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")

    def __str__(self):
        return self.name

    @property
    def is_team_step(self):
        """The owner's team manager decides (not anyone with the role)."""
        return self.role == Role.SALES_MANAGER

    def applies_to(self, contract):
        if self.min_amount is not None and contract.amount < self.min_amount:
            return False
        if (
            self.min_discount_percent is not None
            and contract.max_discount_percent < self.min_discount_percent
        ):
            return False
        return self.min_credit_days is None or contract.credit_days >= self.min_credit_days


class ApprovalRound(models.Model):
    """One submission of a contract for approval and how it ended."""

    class Outcome(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        RETURNED = "returned", _("Returned for changes")
        CANCELLED = "cancelled", _("Cancelled")

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("round"))
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=Outcome, default=Outcome.IN_PROGRESS
    )
    # The ids of the steps that apply, in order, as they were at submission.
    step_ids = models.JSONField(default=list)
    # The contract's version submitted, and its terms then (for "what changed" next round).
    contract_version = models.PositiveIntegerField()
    snapshot = models.JSONField(default=dict)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["contract", "number"]
        verbose_name = _("approval round")
        verbose_name_plural = _("approval rounds")
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="one_round_number"),
            models.UniqueConstraint(
                fields=["contract"],
                condition=Q(outcome="in_progress"),
                name="one_round_in_progress",
            ),
        ]

    def __str__(self):
        return f"{self.contract} #{self.number}"


class ApprovalDecision(models.Model):
    class Decision(models.TextChoices):
        APPROVE = "approve", _("Approved")
        REJECT = "reject", _("Rejected")
        RETURN = "return", _("Returned for changes")

    round = models.ForeignKey(ApprovalRound, on_delete=models.CASCADE, related_name="decisions")
    step = models.ForeignKey(ApprovalStep, on_delete=models.PROTECT, related_name="decisions")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("on behalf of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision = models.CharField(_("decision"), max_length=8, choices=Decision)
    comment = models.TextField(_("comment"), blank=True)
    waiting_since = models.DateTimeField(_("waiting since"))
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["round", "at", "pk"]
        verbose_name = _("approval decision")
        verbose_name_plural = _("approval decisions")
        constraints = [
            models.UniqueConstraint(fields=["round", "step"], name="one_decision_per_round_step")
        ]
        # What a user decided at steps not of their own role (legal's sight): by index.
        indexes = [models.Index(fields=["by", "step"], name="decision_by_step")]

    def __str__(self):
        return f"{self.round} · {self.step} · {self.get_decision_display()}"

    @property
    def waited(self):
        """How long the step waited for this decision."""
        return self.at - self.waiting_since


class Delegation(models.Model):
    """An approver away names a delegate for a date range (inclusive); the delegate decides
    the approver's steps meanwhile and the decision records both names."""

    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approver"),
        on_delete=models.CASCADE,
        related_name="delegations_given",
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("delegate"),
        on_delete=models.CASCADE,
        related_name="delegations_received",
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "pk"]
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="delegation_in_order"
            ),
            models.CheckConstraint(
                condition=~Q(approver=models.F("delegate")), name="delegation_not_to_self"
            ),
        ]

    def __str__(self):
        return f"{self.approver} → {self.delegate}"
