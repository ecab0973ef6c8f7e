"""A contract (合同审批表, template 4), its lines, its attachments, its status history and the
per-month counter its number comes from.

Every change goes through services/: the status moves only along TRANSITIONS
(crm_site/transitions.py), the number comes from `ContractCounter` under a row lock, and the
lines, amount and cost of a contract made from an accepted quote are copied from it and then
frozen (services/contracts.py)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm_site.transitions import StatusChange, Transitions
from opportunities.models import VatRate
from opportunities.validation import validate_discount, validate_money, validate_quantity

from ..querysets import AttachmentQuerySet, ContractQuerySet, OwnedByContractQuerySet

ZERO = Decimal("0.00")


def money(verbose_name, **options):
    return models.DecimalField(
        verbose_name,
        max_digits=14,
        decimal_places=2,
        default=ZERO,
        validators=[validate_money],
        **options,
    )


class ContractCounter(models.Model):
    """The last sequence number used in one month (`period` "YYYYMM"). Numbers are taken
    under this row's lock and never given back, so none is used twice, cancelled or not."""

    period = models.CharField(max_length=6, unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.period}: {self.last}"


class Contract(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("contract", "Draft")
        IN_APPROVAL = "in_approval", pgettext_lazy("contract", "In approval")
        APPROVED = "approved", pgettext_lazy("contract", "Approved")
        SIGNED = "signed", pgettext_lazy("contract", "Signed")
        IN_DELIVERY = "in_delivery", pgettext_lazy("contract", "In delivery")
        COMPLETED = "completed", pgettext_lazy("contract", "Completed")
        CANCELLED = "cancelled", pgettext_lazy("contract", "Cancelled")

    # Rejected or returned in approval: back to draft (the round keeps which).
    TRANSITIONS = Transitions(
        {
            Status.DRAFT: {Status.IN_APPROVAL, Status.CANCELLED},
            Status.IN_APPROVAL: {Status.APPROVED, Status.DRAFT, Status.CANCELLED},
            Status.APPROVED: {Status.SIGNED, Status.CANCELLED},
            Status.SIGNED: {Status.IN_DELIVERY, Status.CANCELLED},
            Status.IN_DELIVERY: {Status.COMPLETED},
        }
    )
    # Signed value: what grading counts and what payments are recorded against.
    SIGNED_STATES = frozenset({Status.SIGNED, Status.IN_DELIVERY, Status.COMPLETED})
    # A customer with a contract in one of these is never reclaimed into the pool.
    ACTIVE_STATES = frozenset({Status.IN_APPROVAL, Status.SIGNED, Status.IN_DELIVERY})
    # A handover moves the contracts still in play.
    OPEN_STATES = frozenset(
        {Status.DRAFT, Status.IN_APPROVAL, Status.APPROVED, Status.SIGNED, Status.IN_DELIVERY}
    )

    number = models.CharField(_("contract number"), max_length=14, unique=True, editable=False)
    title = models.CharField(_("contract name"), max_length=200)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    opportunity = models.ForeignKey(
        "opportunities.Opportunity",
        verbose_name=_("opportunity"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    quote = models.ForeignKey(
        "opportunities.Quote",
        verbose_name=_("quote"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.DRAFT)

    # The lines' figures (opportunities.pricing), copied from the quote or summed from lines.
    amount = money(_("contract amount (tax included)"))
    amount_before_tax = money(_("amount before tax"))
    tax_amount = money(_("tax"))
    cost_amount = money(_("cost"))
    max_discount_percent = models.DecimalField(
        _("largest line discount (%)"),
        max_digits=5,
        decimal_places=2,
        default=ZERO,
        validators=[validate_discount],
    )

    start_date = models.DateField(_("term starts"))
    end_date = models.DateField(_("term ends"))
    payment_terms = models.TextField(_("payment terms"))
    credit_days = models.PositiveSmallIntegerField(
        _("credit period (days)"),
        default=0,
        help_text=_("Days the customer may take to pay after each due date (账期)."),
    )
    key_terms = models.TextField(_("key terms summary"))
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True)
    warranty = models.CharField(_("warranty"), max_length=200, blank=True)
    signing_entity = models.CharField(_("signing entity"), max_length=200)

    # Every edit adds one: a decision or a submission made on what someone saw earlier is
    # refused when it changed since.
    version = models.PositiveIntegerField(default=1, editable=False)
    # The step of the current approval round waiting for a decision (None outside approval).
    current_step = models.ForeignKey(
        "contracts.ApprovalStep",
        verbose_name=_("waiting at"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    waiting_since = models.DateTimeField(_("waiting since"), null=True, blank=True)
    # The roles of every approval step the contract has waited at, in any round ("|legal|"):
    # a role of roles.SEES_CONTRACTS_AT_THEIR_STEP sees the contract from then on. Kept on
    # the row so legal's lists test each row in place (most contracts reach legal).
    reached_roles = models.CharField(max_length=200, blank=True, default="", editable=False)

    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    cancel_reason = models.CharField(_("why cancelled"), max_length=500, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ContractQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        indexes = [
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["status", "current_step"]),
            models.Index(fields=["customer", "status", "signed_on"]),
            # The receivables' totals join the signed contracts' owners from this index alone.
            models.Index(fields=["status"], include=["id", "owner"], name="contract_status_owner"),
            # The list's newest first: a page is read down this index, not sorted from all.
            models.Index(fields=["created_at", "id"], name="contract_created_sort"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="contract_term_in_order",
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="contract_amount_gte_0"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def wait_at(self, step, when):
        """Move the current approval round to `step` (waiting since `when`); the fields to
        save are current_step, waiting_since and reached_roles."""
        self.current_step, self.waiting_since = step, when
        if f"|{step.role}|" not in (self.reached_roles or "|"):
            self.reached_roles = f"{self.reached_roles or '|'}{step.role}|"

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT

    @property
    def from_quote(self):
        """Lines, amount and cost are the accepted quote's and stay frozen."""
        return self.quote_id is not None


class ContractLine(models.Model):
    """A line of the contract: copied from the quote, or entered on a draft from scratch."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    product = models.ForeignKey(
        "opportunities.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contract_lines",
    )
    description = models.CharField(_("item"), max_length=200)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    quantity = models.DecimalField(
        _("quantity"), max_digits=12, decimal_places=2, validators=[validate_quantity]
    )
    unit_price = models.DecimalField(
        _("unit price (tax included)"),
        max_digits=14,
        decimal_places=2,
        validators=[validate_money],
    )
    discount_percent = models.DecimalField(
        _("discount (%)"),
        max_digits=5,
        decimal_places=2,
        default=ZERO,
        validators=[validate_discount],
    )
    vat_rate = models.CharField(
        _("VAT rate"), max_length=2, choices=VatRate, default=VatRate.VAT_13
    )
    unit_cost = money(_("unit cost"))
    line_total = money(_("amount (tax included)"))
    amount_before_tax = money(_("amount before tax"))
    tax_amount = money(_("tax"))
    line_cost = money(_("cost"))

    objects = OwnedByContractQuerySet.as_manager()

    class Meta:
        ordering = ["contract", "position", "pk"]
        verbose_name = _("contract line")
        verbose_name_plural = _("contract lines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="contract_line_quantity_positive"
            ),
        ]

    def __str__(self):
        return self.description


class Attachment(models.Model):
    """A file of a contract (PDF, DOCX, XLSX, JPG, PNG), its type read from its content
    (validation.sniff_file_type). Stored under MEDIA_ROOT and served only by the attachment
    view, which fetches it through `visible_to` (there is no public media URL)."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Document")
        SIGNED_COPY = "signed_copy", _("Signed copy")

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.DOCUMENT)
    file = models.FileField(_("file"), upload_to="contracts/%Y/%m/", max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    file_type = models.CharField(_("file type"), max_length=4)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["contract", "uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.name


class ContractStatusChange(StatusChange):
    subject = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="status_changes")


class ContractAmendment(models.Model):
    """An amount added to (or taken off) a signed contract by an approved change (需求变更):
    the contract amount includes it, and the payment plan no longer adds up until the rep
    re-balances it (services/amendments.py)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="amendments")
    amount = models.DecimalField(_("amendment amount (yuan)"), max_digits=14, decimal_places=2)
    amount_before = money(_("contract amount before"))
    reason = models.CharField(_("reason"), max_length=500)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)

    objects = OwnedByContractQuerySet.as_manager()

    class Meta:
        ordering = ["contract", "at", "pk"]
        verbose_name = _("contract amendment")
        verbose_name_plural = _("contract amendments")

    def __str__(self):
        return f"{self.contract_id}: {self.amount}"
