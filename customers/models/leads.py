"""Lead screening (线索筛选): the weights an admin sets, the reasons a lead may be turned down
for, and each lead's screening (score and decision). A lead is due 3 working days after it
was entered (teams/workdays.py counts them; customers/leads.py has the rule)."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .customer import Customer


def _weight(label, default):
    return models.PositiveSmallIntegerField(
        label, default=default, validators=[MaxValueValidator(100)]
    )


class ScreeningSettings(models.Model):
    """One row: how much each criterion weighs in a lead's score (0-100)."""

    weight_industry = _weight(_("weight of industry fit"), 30)
    weight_size = _weight(_("weight of size"), 20)
    weight_budget = _weight(_("weight of budget"), 30)
    weight_decision = _weight(_("weight of the decision chain"), 20)
    history = HistoricalRecords()

    WEIGHT_FIELDS = ("weight_industry", "weight_size", "weight_budget", "weight_decision")

    class Meta:
        verbose_name = _("screening settings")

    def __str__(self):
        return str(self._meta.verbose_name)

    @classmethod
    def load(cls):
        return cls.objects.get_or_create(pk=1)[0]

    def score(self, *, industry, size, budget, decision):
        """0-100 from marks of 0-5 on each criterion, weighted."""
        pairs = [
            (self.weight_industry, industry),
            (self.weight_size, size),
            (self.weight_budget, budget),
            (self.weight_decision, decision),
        ]
        total = sum(weight for weight, _mark in pairs)
        if not total:
            return 0
        return round(sum(weight * mark for weight, mark in pairs) * 100 / (5 * total))


class DisqualifyReason(models.Model):
    """Why a lead was turned down (an admin's list)."""

    label = models.CharField(_("reason"), max_length=60, unique=True)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("An inactive reason is no longer offered.")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["label"]
        verbose_name = _("disqualify reason")
        verbose_name_plural = _("disqualify reasons")

    def __str__(self):
        return self.label


class LeadScreening(models.Model):
    """A lead's screening: the marks, the score they gave, and the decision."""

    class Decision(models.TextChoices):
        QUALIFIED = "qualified", _("Qualified")
        DISQUALIFIED = "disqualified", _("Disqualified")

    MARKS = [(n, str(n)) for n in range(6)]

    customer = models.OneToOneField(Customer, on_delete=models.CASCADE, related_name="screening")
    industry_fit = models.PositiveSmallIntegerField(_("industry fit"), choices=MARKS)
    size = models.PositiveSmallIntegerField(_("size"), choices=MARKS)
    budget = models.PositiveSmallIntegerField(_("budget"), choices=MARKS)
    decision_chain = models.PositiveSmallIntegerField(_("decision chain"), choices=MARKS)
    score = models.PositiveSmallIntegerField(_("score"))
    decision = models.CharField(_("decision"), max_length=12, choices=Decision)
    reason = models.ForeignKey(
        DisqualifyReason,
        verbose_name=_("reason"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("screened"), auto_now_add=True)

    class Meta:
        verbose_name = _("lead screening")
        verbose_name_plural = _("lead screenings")

    def __str__(self):
        return f"{self.customer_id}: {self.decision} ({self.score})"

    @property
    def is_qualified(self):
        return self.decision == self.Decision.QUALIFIED


class InboundRouting(models.Model):
    """How a team's inbound leads are shared out, and whom round robin gave the last one."""

    class Method(models.TextChoices):
        ROUND_ROBIN = "round_robin", _("Round robin")
        LEAST_LOAD = "least_load", _("Least load (fewest open leads)")

    team = models.OneToOneField(
        "teams.Team", on_delete=models.CASCADE, related_name="inbound_routing"
    )
    method = models.CharField(
        _("method"), max_length=12, choices=Method, default=Method.ROUND_ROBIN
    )
    last_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The method's changes; round robin's turn moves with every lead (an UPDATE, no history).
    history = HistoricalRecords(excluded_fields=["last_user"])

    class Meta:
        verbose_name = _("inbound lead routing")

    def __str__(self):
        return f"{self.team_id}: {self.method}"
