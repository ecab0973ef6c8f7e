"""The customer record (客户信息登记表, template 1), its tags and industry, its contacts and the
colleagues it is shared with (协作人)."""

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from crm_site.transitions import StatusChange, Transitions

from ..querysets import CustomerQuerySet, OwnedByCustomerQuerySet


class Grade(models.TextChoices):
    A = "A", _("A (high value)")
    B = "B", _("B (potential)")
    C = "C", _("C (low value / lead)")


class Industry(models.Model):
    """A lookup an admin edits (制造业, 零售业…)."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("industry")
        verbose_name_plural = _("industries")

    def __str__(self):
        return self.name


class Tag(models.Model):
    """A label in a dimension. Industry and lead source are fields of the customer, so tags
    never repeat them: the industry dimension holds segments within an industry (离散制造
    within 制造业), and there is no source dimension (the lead source field says it once; the
    old source tags became custom tags)."""

    class Dimension(models.TextChoices):
        INDUSTRY = "industry", _("Industry segment")
        NEED = "need", _("Need")
        RELATIONSHIP = "relationship", _("Relationship")
        CUSTOM = "custom", _("Custom")

    name = models.CharField(_("name"), max_length=40)
    dimension = models.CharField(
        _("dimension"), max_length=20, choices=Dimension, default=Dimension.CUSTOM
    )

    class Meta:
        ordering = ["dimension", "name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        constraints = [
            models.UniqueConstraint(fields=["dimension", "name"], name="tag_unique_per_dimension")
        ]

    def __str__(self):
        return self.name


class Customer(models.Model):
    class Status(models.TextChoices):
        LEAD = "lead", _("Lead")
        PROSPECT = "prospect", _("Prospect")
        CUSTOMER = "customer", _("Customer")
        DORMANT = "dormant", _("Dormant")
        CHURNED = "churned", _("Churned")

    # Forward as the relationship grows; a prospect found not ready goes back to lead; a
    # dormant or churned customer comes back as a prospect (a follow-up wakes a dormant one)
    # or a customer. A customer who bought is never a lead or a mere prospect again.
    TRANSITIONS = Transitions(
        {
            Status.LEAD: {Status.PROSPECT, Status.CUSTOMER, Status.DORMANT, Status.CHURNED},
            Status.PROSPECT: {Status.LEAD, Status.CUSTOMER, Status.DORMANT, Status.CHURNED},
            Status.CUSTOMER: {Status.DORMANT, Status.CHURNED},
            Status.DORMANT: {Status.PROSPECT, Status.CUSTOMER, Status.CHURNED},
            Status.CHURNED: {Status.PROSPECT, Status.CUSTOMER},
        }
    )

    class Region(models.TextChoices):
        EAST = "east", _("East China")
        SOUTH = "south", _("South China")
        NORTH = "north", _("North China")
        CENTRAL = "central", _("Central China")
        SOUTHWEST = "southwest", _("Southwest China")
        NORTHWEST = "northwest", _("Northwest China")
        NORTHEAST = "northeast", _("Northeast China")
        OVERSEAS = "overseas", _("Overseas")

    class EmployeeBand(models.TextChoices):
        MICRO = "lt50", _("Under 50")
        SMALL = "50_199", _("50–199")
        MEDIUM = "200_999", _("200–999")
        LARGE = "1000_plus", _("1,000 or more")

    class RevenueBand(models.TextChoices):
        UNDER_10M = "lt1000w", _("Under 10 million CNY")
        UNDER_100M = "1000w_1y", _("10–100 million CNY")
        UNDER_1B = "1y_10y", _("100 million–1 billion CNY")
        OVER_1B = "gt10y", _("Over 1 billion CNY")

    class LeadSource(models.TextChoices):
        EXHIBITION = "exhibition", _("Exhibition")
        REFERRAL = "referral", _("Referral")
        ONLINE = "online", _("Online enquiry")
        COLD_VISIT = "cold_visit", _("Cold visit")
        PARTNER = "partner", _("Partner")
        TENDER = "tender", _("Public tender / annual report")
        INBOUND = "inbound", _("Inbound (customer service)")
        MARKETING = "marketing", _("Marketing event")

    class GradeSource(models.TextChoices):
        COMPUTED = "computed", _("Computed")
        MANUAL = "manual", _("Set by hand")

    class DueFor(models.TextChoices):
        """The cadence requirement that makes `next_followup_due` (cadence.py)."""

        EXECUTIVE_VISIT = "executive_visit", pgettext_lazy("cadence", "Executive visit")
        ROUTINE_CONTACT = "routine_contact", pgettext_lazy("cadence", "Routine contact")
        CONTACT = "contact", pgettext_lazy("cadence", "Contact")
        VISIT = "visit", pgettext_lazy("cadence", "Visit")

    class SecondCheck(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        PENDING = "pending", _("Pending review")

    # Template 1 (客户信息登记表)
    name = models.CharField(_("customer name"), max_length=200)
    name_key = models.CharField(max_length=200, editable=False, db_index=True)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, db_index=True
    )
    industry = models.ForeignKey(
        Industry, verbose_name=_("industry"), null=True, blank=True, on_delete=models.PROTECT
    )
    employee_band = models.CharField(
        _("employees"), max_length=12, choices=EmployeeBand, blank=True
    )
    revenue_band = models.CharField(
        _("annual revenue"), max_length=12, choices=RevenueBand, blank=True
    )
    region = models.CharField(_("region"), max_length=12, choices=Region, blank=True)
    address = models.CharField(_("registered address"), max_length=300, blank=True)
    main_business = models.TextField(_("main business"), blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    phone_key = models.CharField(max_length=30, editable=False, blank=True, db_index=True)
    decision_process = models.TextField(_("purchase decision process"), blank=True)
    lead_source = models.CharField(_("lead source"), max_length=12, choices=LeadSource, blank=True)
    initial_need = models.TextField(_("initial need"), blank=True)
    budget_min = models.DecimalField(
        _("budget from (10k CNY)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    budget_max = models.DecimalField(
        _("budget to (10k CNY)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    expected_purchase_date = models.DateField(_("expected purchase date"), null=True, blank=True)
    annual_purchase_estimate = models.DecimalField(
        _("declared annual purchases (10k CNY)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    strategic = models.BooleanField(
        _("explicit strategic intent"),
        default=False,
        help_text=_("Makes the customer grade A whatever its purchases."),
    )
    notes = models.TextField(_("notes"), blank=True)

    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.LEAD)
    grade = models.CharField(_("grade"), max_length=1, choices=Grade, default=Grade.C)
    grade_source = models.CharField(
        _("grade set by"), max_length=10, choices=GradeSource, default=GradeSource.COMPUTED
    )
    second_check = models.CharField(
        _("second check"), max_length=10, choices=SecondCheck, default=SecondCheck.CONFIRMED
    )
    second_check_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made A by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="customers")
    # None only while the customer waits in a pool (公海): nobody owns it then.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="customers",
    )
    # Since when the owner has it: the automatic reclaim counts from it (customers/pools.py).
    owner_since = models.DateTimeField(_("owned since"), null=True, blank=True)
    pool = models.ForeignKey(
        "customers.Pool",
        verbose_name=_("pool"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="customers",
    )
    pooled_at = models.DateTimeField(_("in the pool since"), null=True, blank=True)
    # Kept up to date by the follow-up and grading services (cadence.py has the rule).
    last_followup_at = models.DateTimeField(_("last follow-up"), null=True, blank=True)
    next_followup_due = models.DateField(_("next follow-up due"), null=True, blank=True)
    next_followup_for = models.CharField(
        _("next follow-up due for"), max_length=16, choices=DueFor, blank=True
    )

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords(
        excluded_fields=["name_key", "phone_key", "updated_at", "next_followup_for"]
    )

    objects = CustomerQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [
            # The global search: a name or phone anywhere in the text (PostgreSQL only; the
            # name's trigram index is on UPPER(name), made by migration 0013).
            GinIndex(fields=["phone_key"], opclasses=["gin_trgm_ops"], name="customer_phone_trgm"),
            models.Index(fields=["owner", "-updated_at"]),
            models.Index(fields=["grade", "status"]),
            models.Index(fields=["-updated_at", "-id"]),
            # The list filtered by grade in its default order: without it PostgreSQL walks
            # the whole updated_at index to find, say, overdue A customers (290 ms → 30 ms).
            models.Index(fields=["grade", "-updated_at", "-id"]),
            # Overdue customers (next_followup_due < today) are read per owner on every home
            # page (cadence debt: an index-only scan, no table read) and counted per grade on
            # the list (overdue A: 28 ms → 1 ms at 100k customers); a rep's own overdue panel
            # reads its 8 rows from the owner's slice.
            models.Index(fields=["next_followup_due", "owner"], name="customer_due_owner"),
            models.Index(fields=["owner", "next_followup_due"], name="customer_owner_due"),
            models.Index(fields=["grade", "next_followup_due"], name="customer_grade_due"),
            # The list's other sorts, each in the exact order the list asks for (empty dates
            # last, the id breaking ties): without them sorting 100k customers by name reads
            # and sorts the whole table (140 ms) for every page.
            models.Index(F("name"), F("id").desc(), name="customer_name_sort"),
            models.Index(F("grade"), F("id").desc(), name="customer_grade_sort"),
            models.Index(
                F("next_followup_due").asc(nulls_last=True),
                F("id").desc(),
                name="customer_due_sort",
            ),
            models.Index(
                F("last_followup_at").desc(nulls_last=True),
                F("id").desc(),
                name="customer_last_followup_sort",
            ),
            # The few A customers waiting for a second check (二次核对), for the home panel:
            # second_check itself is "confirmed" on nearly every row.
            models.Index(
                fields=["updated_at", "id"],
                condition=models.Q(second_check="pending"),
                name="customer_second_check_pending",
            ),
            # Who sees a customer, read beside its id: the rows that hang on a customer (a
            # manager's complaint list and its count) check each one's owner and pool through
            # the join from this index alone (PostgreSQL: INCLUDE; no table read).
            models.Index(fields=["id"], include=["owner", "pool"], name="customer_sight"),
            # The pool list: customers in a pool, longest waiting first.
            models.Index(
                fields=["pooled_at", "id"],
                condition=models.Q(pool__isnull=False),
                name="customer_pool_waiting",
            ),
            models.Index(
                fields=["grade", "pooled_at", "id"],
                condition=models.Q(pool__isnull=False),
                name="customer_pool_grade_waiting",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_overdue(self):
        """Past its next follow-up due date (cadence.py has the rule)."""
        due = self.next_followup_due
        return due is not None and due < timezone.localdate()

    @property
    def days_overdue(self):
        """Days past the next follow-up due date (0 when not overdue)."""
        due = self.next_followup_due
        return max((timezone.localdate() - due).days, 0) if due is not None else 0

    @property
    def in_pool(self):
        return self.pool_id is not None

    @property
    def grade_set_by_hand(self):
        return self.grade_source == self.GradeSource.MANUAL

    @property
    def waits_for_second_check(self):
        return self.second_check == self.SecondCheck.PENDING

    def status_targets(self):
        """The statuses this customer may change to now (its own first), in choice order."""
        allowed = self.TRANSITIONS.allowed(self.status)
        return [s for s in self.Status if s == self.status or s in allowed]


class CustomerStatusChange(StatusChange):
    """One change of a customer's status (services.customer_change_status writes it)."""

    class Reason(models.TextChoices):
        EDIT = "edit", _("Changed on the customer form")
        FOLLOWUP = "followup", _("A follow-up was logged")
        EDIT_HISTORY = "edit_history", _("Taken from the edit history")
        SCREENING = "screening", _("Lead screening")

    subject = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="status_changes")
    # What caused the change, as a code: code reads it, people read its label (and `reason`,
    # a person's own words or untranslated text with its arguments, when there is one).
    reason_code = models.CharField(_("reason"), max_length=20, choices=Reason)

    class Meta(StatusChange.Meta):
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")


class CustomerShare(models.Model):
    """A colleague the owner works with (协作人): read-only or read-write."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="shares")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("colleague"),
        on_delete=models.CASCADE,
        related_name="customer_shares",
    )
    can_edit = models.BooleanField(_("can edit"), default=False)
    # Who shared (or unshared) a customer with whom stays on record.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("shared with")
        constraints = [
            models.UniqueConstraint(fields=["customer", "user"], name="customer_share_unique")
        ]

    def __str__(self):
        return f"{self.customer} → {self.user}"


class Contact(models.Model):
    class DecisionRole(models.TextChoices):
        DECISION_MAKER = "decision_maker", _("Decision maker")
        TECHNICAL = "technical", _("Technical")
        USER = "user", _("User")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=60)
    title = models.CharField(_("title"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    phone_key = models.CharField(max_length=30, editable=False, blank=True, db_index=True)
    email = models.EmailField(_("email"), blank=True)
    wechat = models.CharField(_("WeChat"), max_length=60, blank=True)
    decision_role = models.CharField(
        _("role in the decision"), max_length=20, choices=DecisionRole, blank=True
    )
    is_key = models.BooleanField(_("key contact"), default=False)
    history = HistoricalRecords(excluded_fields=["phone_key"])

    objects = OwnedByCustomerQuerySet.as_manager()

    class Meta:
        ordering = ["-is_key", "name"]
        indexes = [
            GinIndex(fields=["phone_key"], opclasses=["gin_trgm_ops"], name="contact_phone_trgm"),
        ]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self):
        return f"{self.name} ({self.title})" if self.title else self.name
