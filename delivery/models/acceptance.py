"""The acceptance report (项目验收报告, template 6): date, who accepted and their title, scope,
result (pass, conditional pass with open items, fail), open issues, the customer's signatory
and the signed scan. The latest report decides whether the contract may be completed: a pass,
or a conditional pass whose open items are all closed (hooks.py `CONTRACT_COMPLETION_CHECKS`);
after a fail its open items stay tracked until a new acceptance."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..querysets import ByAcceptanceQuerySet, ByPlanQuerySet


class Acceptance(models.Model):
    class Result(models.TextChoices):
        PASS = "pass", pgettext_lazy("acceptance", "Passed")
        CONDITIONAL = "conditional", pgettext_lazy("acceptance", "Conditional pass")
        FAIL = "fail", pgettext_lazy("acceptance", "Failed")

    plan = models.ForeignKey("delivery.Plan", on_delete=models.CASCADE, related_name="acceptances")
    accepted_on = models.DateField(_("acceptance date"))
    accepted_by_name = models.CharField(_("accepted by"), max_length=60)
    accepted_by_title = models.CharField(_("their title"), max_length=60)
    scope = models.TextField(_("scope"))
    result = models.CharField(_("result"), max_length=12, choices=Result)
    open_issues = models.TextField(_("open issues"), blank=True)
    signatory = models.CharField(_("customer signatory"), max_length=60)
    scan = models.FileField(_("signed scan"), upload_to="delivery/%Y/%m/", max_length=300)
    scan_name = models.CharField(_("file name"), max_length=200)
    scan_type = models.CharField(_("file type"), max_length=4)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = ByPlanQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "-accepted_on", "-pk"]
        verbose_name = _("acceptance report")
        verbose_name_plural = _("acceptance reports")

    def __str__(self):
        return f"{self.plan_id} {self.accepted_on} {self.result}"

    @property
    def is_pass(self):
        return self.result == self.Result.PASS

    @property
    def is_conditional(self):
        return self.result == self.Result.CONDITIONAL

    @property
    def is_fail(self):
        return self.result == self.Result.FAIL


class OpenItem(models.Model):
    """An item a conditional pass or a fail leaves open; closed with a note."""

    acceptance = models.ForeignKey(Acceptance, on_delete=models.CASCADE, related_name="items")
    description = models.CharField(_("open item"), max_length=300)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    closing_note = models.CharField(_("how it was closed"), max_length=300, blank=True)

    objects = ByAcceptanceQuerySet.as_manager()

    class Meta:
        ordering = ["acceptance", "pk"]
        verbose_name = _("open item")
        verbose_name_plural = _("open items")

    def __str__(self):
        return self.description

    @property
    def is_closed(self):
        return self.closed_at is not None
