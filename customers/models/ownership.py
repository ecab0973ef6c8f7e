"""Customers changing hands: handovers (客户交接) and merges, with what moved along."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm_site.hooks import Moved

from .customer import Customer


class Handover(models.Model):
    """客户交接: a user's customers, and their open work (CUSTOMER_HANDOVER hooks), moved to
    another user in one step."""

    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="handovers_out"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="handovers_in"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    customers = models.ManyToManyField(Customer, related_name="handovers")
    # What moved with the customers: [Moved.as_json(), …] in hook order (labels are msgids).
    moved = models.JSONField(default=list)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self):
        return f"{self.from_user} → {self.to_user} ({self.at:%Y-%m-%d})"

    @property
    def moves(self):
        return [Moved.from_json(row) for row in self.moved]


class Merge(models.Model):
    """Two customers made one: what was kept, what was merged in, and what moved."""

    kept = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="merges")
    merged_name = models.CharField(max_length=200)
    merged_pk = models.PositiveBigIntegerField()
    # What moved: [Moved.as_json(), …] in hook order (labels are msgids, read translated).
    moved = models.JSONField(default=list)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self):
        return f"{self.merged_name} → {self.kept}"

    @property
    def moves(self):
        return [Moved.from_json(row) for row in self.moved]
