"""The implementation plan (项目实施计划表, template 5) of a signed contract: its phases with
dates, owner, key tasks, deliverables, risks and mitigations, status and percent done, and the
weekly progress notes. A phase past its end and not done is late."""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm_site.transitions import StatusChange, Transitions

from ..querysets import ByContractQuerySet, ByPlanQuerySet, PhaseQuerySet


class Plan(models.Model):
    contract = models.OneToOneField(
        "contracts.Contract", on_delete=models.CASCADE, related_name="delivery_plan"
    )
    summary = models.TextField(_("project summary"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ByContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("implementation plan")
        verbose_name_plural = _("implementation plans")

    def __str__(self):
        return f"{self.contract_id}"


class Phase(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("phase", "Planned")
        IN_PROGRESS = "in_progress", pgettext_lazy("phase", "In progress")
        DONE = "done", pgettext_lazy("phase", "Done")

    TRANSITIONS = Transitions(
        {
            Status.PLANNED: {Status.IN_PROGRESS},
            Status.IN_PROGRESS: {Status.DONE},
            Status.DONE: {Status.IN_PROGRESS},  # reopened
        }
    )

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="phases")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("phase"), max_length=120)
    start_date = models.DateField(_("starts"))
    end_date = models.DateField(_("ends"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="delivery_phases",
    )
    key_tasks = models.TextField(_("key tasks"), blank=True)
    deliverables = models.TextField(_("deliverables"), blank=True)
    risks = models.TextField(_("risks"), blank=True)
    mitigations = models.TextField(_("mitigations"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.PLANNED)
    percent_done = models.PositiveSmallIntegerField(
        _("percent done"), default=0, validators=[MaxValueValidator(100)]
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)

    objects = PhaseQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "position", "start_date", "pk"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="delivery_phase_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(percent_done__lte=100), name="delivery_phase_percent_lte_100"
            ),
        ]
        indexes = [models.Index(fields=["status", "end_date"])]

    def __str__(self):
        return self.name

    @property
    def is_done(self):
        return self.status == self.Status.DONE

    @property
    def is_planned(self):
        return self.status == self.Status.PLANNED

    @property
    def is_in_progress(self):
        return self.status == self.Status.IN_PROGRESS

    def late_on(self, today):
        return not self.is_done and self.end_date < today

    @property
    def is_late(self):
        """Past its end and not done (flagged red)."""
        return self.late_on(timezone.localdate())


class PhaseStatusChange(StatusChange):
    subject = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="status_changes")


def week_start(day):
    return day - timedelta(days=day.weekday())


class ProgressNote(models.Model):
    """A weekly progress note (周报) on the plan: the week it reports on (its Monday)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="notes")
    week_of = models.DateField(_("week of"))
    body = models.TextField(_("progress this week"))
    next_steps = models.TextField(_("next week"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("written"), auto_now_add=True)

    objects = ByPlanQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "-week_of", "-pk"]
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")

    def __str__(self):
        return f"{self.plan_id} {self.week_of}"
