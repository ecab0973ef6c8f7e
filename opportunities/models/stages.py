"""The pipeline's stages and their checklists (阶段推进器), and the reasons a deal is lost:
rows an admin edits (services/setup.py), seeded by migration 0002."""

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..querysets import StageQuerySet


class Stage(models.Model):
    """One column of the pipeline. Open stages come in `order`; the won stage and the lost
    stage (one of each) always come after them. `code` names the stages the migrations
    seeded, so code and data migrations can find them whatever an admin renames them to."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    code = models.CharField(_("code"), max_length=20, blank=True, editable=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    default_probability = models.PositiveSmallIntegerField(
        _("default probability (%)"), validators=[MaxValueValidator(100)]
    )
    is_won = models.BooleanField(_("won"), default=False)
    is_lost = models.BooleanField(_("lost"), default=False)
    confirms_needs = models.BooleanField(
        _("confirms the needs"),
        default=False,
        help_text=_(
            "Entering this stage (or moving past it) confirms the customer's needs: the "
            "solution is then due within the working days the settings give."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    objects = StageQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(is_won=True, is_lost=True), name="stage_not_won_and_lost"
            ),
            models.CheckConstraint(
                condition=models.Q(default_probability__lte=100), name="stage_probability_0_100"
            ),
            models.UniqueConstraint(
                fields=["is_won"], condition=models.Q(is_won=True), name="stage_one_won"
            ),
            models.UniqueConstraint(
                fields=["is_lost"], condition=models.Q(is_lost=True), name="stage_one_lost"
            ),
            models.UniqueConstraint(
                fields=["code"], condition=~models.Q(code=""), name="stage_code_unique"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_closed(self):
        return self.is_won or self.is_lost


class StageRequirement(models.Model):
    """An item of a stage's checklist: what must be true before an opportunity enters it.
    The fixed kinds are checked by the code (checklist.py); a custom item is ticked by the
    rep on each opportunity (OpportunityCheck)."""

    class Kind(models.TextChoices):
        NEEDS_SURVEY = "needs_survey", _("A needs survey of the customer exists")
        DECISION_MAKER = "decision_maker", _("A decision-maker contact exists")
        APPROVED_QUOTE = "approved_quote", _("An approved quote exists")
        COMPETITORS = "competitors", _("Competitors are recorded")
        ANALYSIS = "analysis", _("The analysis and follow-up plan are filled in")
        CLOSE_DATE_FUTURE = "close_date_future", _("The expected close date is in the future")
        CUSTOM = "custom", _("Ticked by the rep")

    stage = models.ForeignKey(
        Stage, verbose_name=_("stage"), on_delete=models.CASCADE, related_name="requirements"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    text = models.CharField(
        _("text"), max_length=200, blank=True, help_text=_("What the rep confirms (custom items).")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["stage", "order", "pk"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        constraints = [
            models.UniqueConstraint(
                fields=["stage", "kind"],
                condition=~models.Q(kind="custom"),
                name="requirement_kind_once_per_stage",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="custom", text=""), name="requirement_custom_has_text"
            ),
        ]

    def __str__(self):
        return str(self.label)

    @property
    def label(self):
        return self.text if self.kind == self.Kind.CUSTOM else self.get_kind_display()


class LostReason(models.Model):
    """Why a deal was lost (price, product fit, competitor, no budget, timing…): a list an
    admin edits. A reason that `needs_competitor` asks which competitor won."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    needs_competitor = models.BooleanField(
        _("lost to a competitor"),
        default=False,
        help_text=_("Choosing this reason asks which competitor won."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("lost reason")
        verbose_name_plural = _("lost reasons")

    def __str__(self):
        return self.name
