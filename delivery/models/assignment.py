"""Who delivers a signed contract: the delivery leads (交付经理, delivery-role users an admin
marks) and, per contract, one delivery owner and the team members a lead assigns. These rows
are what lets delivery users see a contract and its customer (hooks.py: `ASSIGNED_SIGHT`)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..querysets import AssignmentQuerySet


class DeliveryLead(models.Model):
    """A delivery-role user an admin marked as lead: assigns contracts, approves changes, sees
    all delivery work."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="delivery_lead",
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_at = models.DateTimeField(_("marked"), auto_now_add=True)

    class Meta:
        verbose_name = _("delivery lead")
        verbose_name_plural = _("delivery leads")

    def __str__(self):
        return str(self.user)


class Assignment(models.Model):
    """One person on a contract's delivery team: its owner (one per contract) or a member."""

    class Kind(models.TextChoices):
        OWNER = "owner", _("Delivery owner")
        MEMBER = "member", _("Team member")

    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.CASCADE, related_name="delivery_assignments"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="delivery_assignments",
    )
    kind = models.CharField(_("as"), max_length=8, choices=Kind, default=Kind.MEMBER)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["contract", "kind", "pk"]
        verbose_name = _("delivery assignment")
        verbose_name_plural = _("delivery assignments")
        constraints = [
            models.UniqueConstraint(fields=["contract", "user"], name="delivery_one_seat_each"),
            models.UniqueConstraint(
                fields=["contract"],
                condition=models.Q(kind="owner"),
                name="delivery_one_owner",
            ),
        ]
        indexes = [models.Index(fields=["user", "contract"])]

    def __str__(self):
        return f"{self.contract_id}: {self.user_id} ({self.kind})"

    @property
    def is_owner(self):
        return self.kind == self.Kind.OWNER
