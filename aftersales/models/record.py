"""After-sales follow-up records (售后跟进记录表, template 7), the revisits scheduled for them
(季度回访 and the anniversary thank-you, one per customer, kind and period), satisfaction
scores (1-5) from revisits and closed complaints, and the opportunities after-sales proposed."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..querysets import OwnedByCustomerQuerySet, RevisitQuerySet, SatisfactionQuerySet
from ..validation import validate_score


class Method(models.TextChoices):
    PHONE = "phone", _("Phone")
    VISIT = "visit", _("On-site visit")
    WECHAT = "wechat", _("WeChat")
    EMAIL = "email", _("Email")
    REMOTE = "remote", _("Remote session")


class AftersalesRecord(models.Model):
    """售后跟进记录表: date, person, method, the customer's feedback, the resolution and the
    next follow-up date."""

    class Kind(models.TextChoices):
        REVISIT = "revisit", _("Quarterly revisit")
        ANNIVERSARY = "anniversary", _("Anniversary thank-you")
        SERVICE = "service", _("Service follow-up")

    Method = Method

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="aftersales_records",
    )
    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name=_("contract"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="aftersales_records",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.SERVICE)
    date = models.DateField(_("date"))
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    method = models.CharField(_("method"), max_length=10, choices=Method)
    feedback = models.TextField(_("customer feedback"))
    resolution = models.TextField(_("resolution"), blank=True)
    next_date = models.DateField(_("next follow-up"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OwnedByCustomerQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("after-sales record")
        verbose_name_plural = _("after-sales records")
        indexes = [models.Index(fields=["customer", "-date"], name="asrecord_customer_idx")]

    def __str__(self):
        return f"{self.customer_id} {self.date}"


class Revisit(models.Model):
    """A revisit the beat task scheduled, with the customers' Task that puts it in the
    assigned user's tasks; done when its record is written. `period` is "2026Q4" for a
    quarterly revisit, the year for an anniversary: one of each per customer and period."""

    class Kind(models.TextChoices):
        QUARTERLY = "quarterly", _("Quarterly revisit")
        ANNIVERSARY = "anniversary", _("Anniversary thank-you")

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="revisits",
    )
    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name=_("contract"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    period = models.CharField(_("period"), max_length=6)
    due_date = models.DateField(_("due"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("after-sales staff"),
        on_delete=models.PROTECT,
        related_name="revisits",
    )
    task = models.OneToOneField(
        "customers.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    record = models.OneToOneField(
        AftersalesRecord,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="revisit",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RevisitQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("revisit")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "kind", "period"], name="revisit_once_per_period"
            )
        ]
        indexes = [models.Index(fields=["assignee", "record", "due_date"])]

    def __str__(self):
        return f"{self.customer_id} {self.kind} {self.period}"

    @property
    def is_done(self):
        return self.record_id is not None


class Satisfaction(models.Model):
    """A customer's satisfaction (1-5) with a comment, from a revisit or a closed complaint.
    `services.satisfaction.scores` is the one read of them (customer page, analytics)."""

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="satisfaction_scores",
    )
    score = models.PositiveSmallIntegerField(_("satisfaction (1-5)"), validators=[validate_score])
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    recorded_at = models.DateTimeField(_("recorded"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    record = models.OneToOneField(
        AftersalesRecord,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="satisfaction",
    )
    complaint = models.ForeignKey(
        "aftersales.Complaint",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="satisfaction_scores",
    )

    objects = SatisfactionQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("satisfaction")
        indexes = [models.Index(fields=["customer", "-recorded_at"], name="satisfaction_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="satisfaction_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(record__isnull=False) | Q(complaint__isnull=False),
                name="satisfaction_has_source",
            ),
        ]

    def __str__(self):
        return f"{self.customer_id}: {self.score}"


class CrossSell(models.Model):
    """An opportunity after-sales work proposed: a second need from a record or a complaint
    (source "after-sales"), or a renewal before a contract's warranty or term ends. The
    opportunity page links back to its origin (OPPORTUNITY_ORIGINS: pages.opportunity_origin),
    the record and complaint pages list their opportunities through this row."""

    class Kind(models.TextChoices):
        CROSS_SELL = "cross_sell", _("Second need")
        RENEWAL = "renewal", _("Renewal")

    opportunity = models.OneToOneField(
        "opportunities.Opportunity", on_delete=models.CASCADE, related_name="aftersales_origin"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    record = models.ForeignKey(
        AftersalesRecord,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
    )
    complaint = models.ForeignKey(
        "aftersales.Complaint",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
    )
    contract = models.ForeignKey(
        "contracts.Contract", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("after-sales opportunity")
        constraints = [
            models.UniqueConstraint(
                fields=["contract"],
                condition=Q(kind="renewal"),
                name="crosssell_one_renewal_per_contract",
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.opportunity_id}"
