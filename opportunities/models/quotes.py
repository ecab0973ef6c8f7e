"""Solutions and quotes (解决方案定制表, template 3): versions v1, v2… of an opportunity's quote,
their lines, the review decisions (方案评审) and the status history.

Only the latest version, while a draft, can change; a revision copies the latest version as
a new draft and supersedes what was still in play. The figures are stored as
`pricing.price` computed them when the draft was last saved (services/quotes.py)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm_site.transitions import StatusChange, Transitions

from .. import validation
from ..querysets import OwnedByOpportunityQuerySet, QuoteLineQuerySet
from .catalogue import Product, VatRate
from .opportunity import Opportunity

ZERO = Decimal("0.00")


def _money(verbose_name, **options):
    return models.DecimalField(
        verbose_name,
        max_digits=14,
        decimal_places=2,
        default=ZERO,
        validators=[validation.validate_money],
        **options,
    )


class Quote(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review (manager)")
        DIRECTOR_REVIEW = "director", _("In review (director, discount)")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SENT = "sent", _("Sent to the customer")
        ACCEPTED = "accepted", _("Accepted by the customer")
        DECLINED = "declined", _("Declined by the customer")
        SUPERSEDED = "superseded", _("Superseded by a later version")

    TRANSITIONS = Transitions(
        {
            Status.DRAFT: {Status.IN_REVIEW, Status.SUPERSEDED},
            Status.IN_REVIEW: {
                Status.APPROVED,
                Status.DIRECTOR_REVIEW,
                Status.REJECTED,
                Status.SUPERSEDED,
            },
            Status.DIRECTOR_REVIEW: {Status.APPROVED, Status.REJECTED, Status.SUPERSEDED},
            Status.APPROVED: {Status.SENT, Status.SUPERSEDED},
            Status.SENT: {Status.ACCEPTED, Status.DECLINED, Status.SUPERSEDED},
        }
    )
    # A revision supersedes the earlier versions still in one of these.
    IN_PLAY = frozenset(
        {Status.DRAFT, Status.IN_REVIEW, Status.DIRECTOR_REVIEW, Status.APPROVED, Status.SENT}
    )
    # "An approved quote exists" (the checklist): approved, and never rejected since.
    APPROVED_STATES = frozenset({Status.APPROVED, Status.SENT, Status.ACCEPTED})

    opportunity = models.ForeignKey(
        Opportunity, verbose_name=_("opportunity"), on_delete=models.CASCADE, related_name="quotes"
    )
    version = models.PositiveSmallIntegerField(_("version"))
    name = models.CharField(_("solution name"), max_length=200)
    implementation_period = models.CharField(_("implementation period"), max_length=200, blank=True)
    value_added_services = models.TextField(_("value-added services"), blank=True)
    highlights = models.TextField(_("highlights"), blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    needs_director = models.BooleanField(
        _("needs the director"),
        default=False,
        help_text=_("A line's discount is above the limit: the director approves too."),
    )
    # pricing.price of the lines, stored when the draft is saved.
    total_amount = _money(_("total (tax included)"))
    amount_before_tax = _money(_("amount before tax"))
    tax_amount = _money(_("tax"))
    cost_amount = _money(_("cost"))
    margin_amount = models.DecimalField(
        _("gross margin"), max_digits=14, decimal_places=2, default=ZERO
    )  # negative when sold below cost

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted for review"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    objects = OwnedByOpportunityQuerySet.as_manager()

    class Meta:
        ordering = ["opportunity", "-version"]
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "version"], name="quote_version_unique")
        ]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self):
        return f"{self.name} v{self.version}"

    @property
    def label(self):
        return f"v{self.version}"

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT


class QuoteLine(models.Model):
    """A line from the catalogue (product set; its name, unit, price, cost and VAT rate are
    copied and may be changed on the draft) or a free line (no product)."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    product = models.ForeignKey(
        Product,
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="quote_lines",
    )
    description = models.CharField(_("item"), max_length=200)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    quantity = models.DecimalField(
        _("quantity"), max_digits=12, decimal_places=2, validators=[validation.validate_quantity]
    )
    unit_price = models.DecimalField(
        _("unit price (tax included)"),
        max_digits=14,
        decimal_places=2,
        validators=[validation.validate_money],
    )
    discount_percent = models.DecimalField(
        _("discount (%)"),
        max_digits=5,
        decimal_places=2,
        default=ZERO,
        validators=[validation.validate_discount],
    )
    vat_rate = models.CharField(
        _("VAT rate"), max_length=2, choices=VatRate, default=VatRate.VAT_13
    )
    unit_cost = _money(_("unit cost"))
    # pricing.price's figures for this line.
    line_total = _money(_("amount (tax included)"))
    amount_before_tax = _money(_("amount before tax"))
    tax_amount = _money(_("tax"))
    line_cost = _money(_("cost"))

    objects = QuoteLineQuerySet.as_manager()

    class Meta:
        ordering = ["quote", "position", "pk"]
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="quote_line_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(discount_percent__gte=0, discount_percent__lte=100),
                name="quote_line_discount_0_100",
            ),
            models.CheckConstraint(
                condition=models.Q(unit_price__gte=0, unit_cost__gte=0),
                name="quote_line_prices_not_negative",
            ),
        ]

    def __str__(self):
        return self.description

    @property
    def margin(self):
        return self.amount_before_tax - self.line_cost


class QuoteReview(models.Model):
    """A decision on a quote version: the manager's review, then the director's when a
    discount is beyond the limit. One per step and version (the database enforces it)."""

    class Step(models.TextChoices):
        MANAGER = "manager", _("Manager's review")
        DIRECTOR = "director", _("Director's discount approval")

    class Decision(models.TextChoices):
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="reviews")
    step = models.CharField(_("step"), max_length=10, choices=Step)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision)
    comment = models.TextField(_("comment"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("quote review")
        verbose_name_plural = _("quote reviews")
        constraints = [
            models.UniqueConstraint(fields=["quote", "step"], name="one_decision_per_step")
        ]

    def __str__(self):
        return f"{self.quote} · {self.get_step_display()} · {self.get_decision_display()}"


class QuoteStatusChange(StatusChange):
    subject = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="status_changes")
