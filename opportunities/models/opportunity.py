"""An opportunity (销售机会) and what hangs on it: competitors, ticks of custom checklist items,
the history of its stage moves, skip requests (跳阶段申请) and extension requests (延期申请).

Every change goes through services/ (opportunity_move is the only way between stages)."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from crm_site.transitions import StatusChange, Transitions

from .. import validation
from ..querysets import OpportunityQuerySet, OwnedByOpportunityQuerySet
from .stages import LostReason, Stage, StageRequirement


class Source(models.TextChoices):
    """Where the opportunity came from: the customers' lead sources, plus a customer's
    second need (renewal, cross-sell, after-sales)."""

    EXHIBITION = "exhibition", _("Exhibition")
    REFERRAL = "referral", _("Referral")
    ONLINE = "online", _("Online enquiry")
    COLD_VISIT = "cold_visit", _("Cold visit")
    PARTNER = "partner", _("Partner")
    TENDER = "tender", _("Public tender / annual report")
    INBOUND = "inbound", _("Inbound (customer service)")
    MARKETING = "marketing", _("Marketing event")
    EXISTING = "existing", _("Existing customer (renewal, cross-sell)")
    AFTERSALES = "aftersales", _("After-sales (second need)")


class Opportunity(models.Model):
    # Follows the stage (open, won or lost), written only by opportunity_move: lists, the
    # forecast and indexes filter on it without joining the stages.
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("opportunity", "Open")
        WON = "won", pgettext_lazy("opportunity", "Won")
        LOST = "lost", pgettext_lazy("opportunity", "Lost")

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
    )
    survey = models.ForeignKey(
        "customers.NeedsSurvey",
        verbose_name=_("needs survey"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
    )
    name = models.CharField(_("opportunity"), max_length=200)
    source = models.CharField(_("source"), max_length=12, choices=Source, blank=True)
    description = models.TextField(_("description"), blank=True)
    stage = models.ForeignKey(
        Stage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="opportunities"
    )
    status = models.CharField(_("status"), max_length=4, choices=Status, default=Status.OPEN)
    stage_entered_at = models.DateTimeField(_("in this stage since"))
    expected_amount = models.DecimalField(
        _("expected amount (yuan)"),
        max_digits=14,
        decimal_places=2,
        validators=[validation.validate_money],
    )
    expected_close_date = models.DateField(
        _("expected close date"), validators=[validation.validate_close_date]
    )
    probability = models.PositiveSmallIntegerField(
        _("probability (%)"), validators=[MaxValueValidator(100)]
    )
    probability_note = models.CharField(
        _("why this probability"),
        max_length=300,
        blank=True,
        help_text=_("Required from a rep for a probability above the stage's default."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    analysis = models.TextField(_("analysis"), blank=True)
    followup_plan = models.TextField(_("follow-up plan"), blank=True)

    # Needs confirmed → the solution is due N working days later (services/deadlines.py).
    needs_confirmed_on = models.DateField(_("needs confirmed on"), null=True, blank=True)
    solution_due = models.DateField(_("solution due"), null=True, blank=True)
    solution_submitted_at = models.DateTimeField(_("solution submitted"), null=True, blank=True)

    lost_reason = models.ForeignKey(
        LostReason,
        verbose_name=_("lost reason"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    lost_note = models.CharField(_("about the loss"), max_length=300, blank=True)
    won_competitor = models.ForeignKey(
        "Competitor",
        verbose_name=_("winning competitor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        indexes = [
            models.Index(fields=["owner", "status", "expected_close_date"]),
            models.Index(fields=["stage", "-updated_at", "-id"]),
            models.Index(fields=["status", "expected_close_date"]),
            models.Index(fields=["status", "closed_at"]),
            models.Index(
                fields=["solution_due"],
                condition=models.Q(status="open", solution_submitted_at__isnull=True),
                name="opportunity_solution_waiting",
            ),
            # A seller's own overdue solutions (the home panel): by owner first, as the
            # panel asks; the index above walks every owner's waiting ones.
            models.Index(
                fields=["owner", "solution_due"],
                condition=models.Q(status="open", solution_submitted_at__isnull=True),
                name="opportunity_solution_by_owner",
            ),
            # The list's sorts, one index each way (the id breaks ties in the same direction).
            models.Index(fields=["updated_at", "id"], name="opportunity_updated_sort"),
            models.Index(fields=["expected_close_date", "id"], name="opportunity_close_sort"),
            models.Index(fields=["expected_amount", "id"], name="opportunity_amount_sort"),
            # Open deals by amount, the pipeline meeting's usual view (won deals are larger).
            # The customer id rides along (PostgreSQL: INCLUDE) so a filter on the customer's
            # grade joins from the index without reading each deal's row.
            models.Index(
                fields=["status", "expected_amount", "id"],
                include=["customer"],
                name="opportunity_status_amount_sort",
            ),
            models.Index(fields=["probability", "id"], name="opportunity_probability_sort"),
            models.Index(fields=["name", "id"], name="opportunity_name_sort"),
            # The forecast's sums read these alone (PostgreSQL: index-only scans; SQLite keeps
            # the key columns).
            models.Index(
                fields=["expected_close_date"],
                include=["owner", "expected_amount", "probability"],
                condition=models.Q(status="open"),
                name="opportunity_open_forecast",
            ),
            models.Index(
                fields=["closed_at"],
                include=["owner", "expected_amount"],
                condition=models.Q(status="won"),
                name="opportunity_won_forecast",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expected_amount__gte=0), name="opportunity_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(probability__lte=100), name="opportunity_probability_0_100"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_open(self):
        return self.status == self.Status.OPEN

    @property
    def weighted_amount(self):
        from ..pricing import round_fen

        return round_fen(self.expected_amount * self.probability / 100)


class Competitor(models.Model):
    class PricePosition(models.TextChoices):
        LOWER = "lower", _("Cheaper than us")
        SIMILAR = "similar", _("About our price")
        HIGHER = "higher", _("Dearer than us")

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="competitors"
    )
    name = models.CharField(_("competitor"), max_length=100)
    strengths = models.TextField(_("strengths"), blank=True)
    price_position = models.CharField(
        _("price position"), max_length=10, choices=PricePosition, blank=True
    )

    objects = OwnedByOpportunityQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("competitor")
        verbose_name_plural = _("competitors")

    def __str__(self):
        return self.name


class OpportunityCheck(models.Model):
    """A custom checklist item the rep ticked on this opportunity."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="checks")
    requirement = models.ForeignKey(
        StageRequirement, on_delete=models.CASCADE, related_name="checks"
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "requirement"], name="opportunity_check_once"
            )
        ]

    def __str__(self):
        return f"{self.opportunity} ✓ {self.requirement}"


class StageChange(models.Model):
    """One move between stages (or the creation, from nothing): for the conversion per stage
    and the length of the deal cycle."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        FORWARD = "forward", _("Moved forward")
        BACK = "back", _("Moved back")
        SKIP = "skip", _("Skipped stages (approved)")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")
        REOPENED = "reopened", _("Reopened")

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="stage_changes"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    from_stage = models.ForeignKey(
        Stage,
        verbose_name=_("from stage"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_stage = models.ForeignKey(
        Stage, verbose_name=_("to stage"), on_delete=models.PROTECT, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moved by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("moved at"), auto_now_add=True)
    days_in_previous = models.PositiveIntegerField(
        _("days in the previous stage"), null=True, blank=True
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)  # a person's own words
    skip_request = models.ForeignKey(
        "StageSkipRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = OwnedByOpportunityQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        indexes = [models.Index(fields=["opportunity", "-at"])]

    def __str__(self):
        return f"{self.opportunity}: {self.from_stage or '—'} → {self.to_stage}"


class StageSkipRequest(models.Model):
    """A rep asks to move forward past one stage or more; the owner's manager decides. An
    approved request is used by the move it allows (opportunity_move), once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the manager")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        USED = "used", _("Used")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    TRANSITIONS = Transitions(
        {
            Status.PENDING: {Status.APPROVED, Status.REJECTED, Status.WITHDRAWN},
            Status.APPROVED: {Status.USED, Status.WITHDRAWN},
        }
    )

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="skip_requests"
    )
    from_stage = models.ForeignKey(
        Stage, verbose_name=_("from stage"), on_delete=models.PROTECT, related_name="+"
    )
    to_stage = models.ForeignKey(
        Stage, verbose_name=_("to stage"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("why skip"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(_("manager's comment"), blank=True)

    objects = OwnedByOpportunityQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("stage skip request")
        verbose_name_plural = _("stage skip requests")
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity"],
                condition=models.Q(status="pending"),
                name="one_pending_skip_request",
            )
        ]

    def __str__(self):
        return f"{self.opportunity}: {self.from_stage} ⇢ {self.to_stage}"


class SkipRequestStatusChange(StatusChange):
    subject = models.ForeignKey(
        StageSkipRequest, on_delete=models.CASCADE, related_name="status_changes"
    )


class ExtensionRequest(models.Model):
    """延期申请: a new due date for the solution, with a reason; the owner's manager decides."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the manager")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    TRANSITIONS = Transitions({Status.PENDING: {Status.APPROVED, Status.REFUSED}})

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="extension_requests"
    )
    reason = models.TextField(_("why more time"))
    current_due = models.DateField(_("due until now"))
    new_due = models.DateField(_("new due date"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(_("manager's comment"), blank=True)

    objects = OwnedByOpportunityQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity"],
                condition=models.Q(status="pending"),
                name="one_pending_extension_request",
            )
        ]

    def __str__(self):
        return f"{self.opportunity}: {self.current_due} → {self.new_due}"


class ExtensionStatusChange(StatusChange):
    subject = models.ForeignKey(
        ExtensionRequest, on_delete=models.CASCADE, related_name="status_changes"
    )
