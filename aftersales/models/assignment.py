"""Which after-sales user serves which customer: by hand, or by the customer's region.

One row per customer (`AftersalesAssignment`) is what gives sight: the ASSIGNED_SIGHT hook
hands its customer ids to the customers' visibility as the policy's `extra`. A region rule
(`RegionAssignment`) fills in the customers of its region that nobody assigned by hand
(services/assignments.py); a hand assignment is never overwritten by a rule."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from customers.models import Customer

from ..querysets import AssignmentQuerySet


class RegionAssignment(models.Model):
    region = models.CharField(_("region"), max_length=12, choices=Customer.Region, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("after-sales staff"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["region"]
        verbose_name = _("after-sales region")

    def __str__(self):
        return f"{self.get_region_display()}: {self.user}"


class AftersalesAssignment(models.Model):
    customer = models.OneToOneField(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="aftersales_assignment",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("after-sales staff"),
        on_delete=models.PROTECT,
        related_name="aftersales_assignments",
    )
    by_hand = models.BooleanField(_("assigned by hand"), default=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned"), auto_now=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("after-sales assignment")
        indexes = [models.Index(fields=["user", "customer"])]

    def __str__(self):
        return f"{self.customer_id} → {self.user_id}"
