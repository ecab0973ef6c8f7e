"""Customers, contacts, tags, follow-ups, tasks, needs surveys and the records around them.

Money on a customer (budget, annual purchase estimate, grade thresholds) is in 万元 (10,000
CNY), the unit the users think in.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from crm_site.hooks import Moved

from ..querysets import CustomerQuerySet, FollowUpQuerySet, OwnedByCustomerQuerySet, TaskQuerySet


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
    class Dimension(models.TextChoices):
        INDUSTRY = "industry", _("Industry")
        NEED = "need", _("Need")
        RELATIONSHIP = "relationship", _("Relationship")
        SOURCE = "source", _("Source")
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

    class Review(models.TextChoices):
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
    review = models.CharField(
        _("second check"), max_length=10, choices=Review, default=Review.CONFIRMED
    )
    review_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made A by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="customers")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="customers",
    )
    # Kept up to date by the follow-up and grading services (cadence.py has the rule).
    last_followup_at = models.DateTimeField(_("last follow-up"), null=True, blank=True)
    next_followup_due = models.DateField(_("next follow-up due"), null=True, blank=True)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords(excluded_fields=["name_key", "phone_key", "updated_at"])

    objects = CustomerQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [
            models.Index(fields=["owner", "-updated_at"]),
            models.Index(fields=["grade", "status"]),
            models.Index(fields=["next_followup_due"]),
            models.Index(fields=["-updated_at", "-id"]),
            # The list filtered by grade in its default order: without it PostgreSQL walks
            # the whole updated_at index to find, say, overdue A customers (290 ms → 30 ms).
            models.Index(fields=["grade", "-updated_at", "-id"]),
        ]

    def __str__(self):
        return self.name


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
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self):
        return f"{self.name} ({self.title})" if self.title else self.name


class FollowUp(models.Model):
    """One contact with a customer (客户跟进记录)."""

    class Method(models.TextChoices):
        VISIT = "visit", _("Visit")
        PHONE = "phone", _("Phone call")
        EMAIL = "email", _("Email")
        ONLINE = "online", _("Online meeting")
        WECHAT = "wechat", _("WeChat")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="followups"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.PROTECT,
        related_name="followups",
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("with whom"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="followups",
    )
    method = models.CharField(_("method"), max_length=10, choices=Method)
    executive = models.BooleanField(
        _("executive visit"), default=False, help_text=_("A visit at senior management level.")
    )
    occurred_at = models.DateTimeField(_("when"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    is_late = models.BooleanField(
        _("recorded late"), default=False, help_text=_("Recorded more than 24 hours after.")
    )
    goal = models.CharField(_("goal"), max_length=200, blank=True)
    summary = models.TextField(_("key points"))
    feedback = models.TextField(_("customer feedback"), blank=True)
    next_action = models.CharField(_("next action"), max_length=200, blank=True)
    next_action_due = models.DateField(_("next action due"), null=True, blank=True)
    # 外勤签到: only with the user's consent; never required.
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    location_accuracy = models.PositiveIntegerField(
        _("location accuracy (m)"), null=True, blank=True
    )

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        indexes = [models.Index(fields=["customer", "-occurred_at"])]

    def __str__(self):
        return f"{self.customer} · {self.get_method_display()} · {self.occurred_at:%Y-%m-%d}"

    @property
    def has_location(self):
        return self.latitude is not None and self.longitude is not None


class Task(models.Model):
    """A next action with an owner and a deadline ("my tasks")."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="tasks"
    )
    followup = models.OneToOneField(
        FollowUp, null=True, blank=True, on_delete=models.SET_NULL, related_name="task"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    title = models.CharField(_("task"), max_length=200)
    due_date = models.DateField(_("due"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [models.Index(fields=["owner", "done_at", "due_date"])]

    def __str__(self):
        return self.title


class NeedsSurvey(models.Model):
    """需求调研表 (template 2)."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="surveys"
    )
    survey_date = models.DateField(_("date"))
    surveyor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("surveyor"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    respondent = models.CharField(_("respondent"), max_length=60)
    respondent_title = models.CharField(_("respondent's title"), max_length=60, blank=True)
    pain_points = models.TextField(_("pain points"))
    budget_min = models.DecimalField(
        _("budget from (10k CNY)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    budget_max = models.DecimalField(
        _("budget to (10k CNY)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    decision_process = models.TextField(_("decision process"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OwnedByCustomerQuerySet.as_manager()

    class Meta:
        ordering = ["-survey_date", "-pk"]
        verbose_name = _("needs survey")
        verbose_name_plural = _("needs surveys")

    def __str__(self):
        return f"{self.customer} · {self.survey_date}"


class NeedLine(models.Model):
    class Priority(models.TextChoices):
        MUST = "must", _("Must-have")
        VALUE_ADD = "value_add", _("Value-add")

    survey = models.ForeignKey(NeedsSurvey, on_delete=models.CASCADE, related_name="needs")
    description = models.CharField(_("need"), max_length=200)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority)

    class Meta:
        ordering = ["priority", "pk"]

    def __str__(self):
        return self.description


class GradingSettings(models.Model):
    """The one row of grading thresholds and follow-up cadence (an admin's setting)."""

    a_threshold = models.DecimalField(
        _("grade A from (10k CNY a year)"), max_digits=12, decimal_places=2, default=Decimal(100)
    )
    b_threshold = models.DecimalField(
        _("grade B from (10k CNY a year)"), max_digits=12, decimal_places=2, default=Decimal(20)
    )
    a_executive_visit_days = models.PositiveSmallIntegerField(
        _("A: executive visit every (days)"), default=30
    )
    a_routine_contacts = models.PositiveSmallIntegerField(
        _("A: routine contacts per 30 days"), default=2
    )
    b_contact_days = models.PositiveSmallIntegerField(_("B: contact every (days)"), default=14)
    b_visit_days = models.PositiveSmallIntegerField(_("B: visit every (days)"), default=30)
    c_contact_days = models.PositiveSmallIntegerField(_("C: contact every (days)"), default=30)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("grading settings")
        verbose_name_plural = _("grading settings")

    def __str__(self):
        return str(self._meta.verbose_name)

    @classmethod
    def load(cls):
        return cls.objects.get_or_create(pk=1)[0]


class GradeChange(models.Model):
    """Every grade change: from, to, why, who, when."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Changed by hand")
        REVIEW = "review", _("Quarterly review")
        COMPUTED = "computed", _("Computed")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="grade_changes")
    from_grade = models.CharField(_("from"), max_length=1, choices=Grade, blank=True)
    to_grade = models.CharField(_("to"), max_length=1, choices=Grade)
    source = models.CharField(_("source"), max_length=10, choices=Source)
    # A reason the system writes is stored untranslated (gettext_noop), with the values of its
    # placeholders in reason_args, so each reader sees it in their own language.
    reason = models.CharField(_("why"), max_length=300, blank=True)
    reason_args = models.JSONField(default=dict, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.customer}: {self.from_grade or '—'} → {self.to_grade}"

    @property
    def reason_text(self):
        """The reason in the current language (a person's own words stay as they were)."""
        if not self.reason:
            return ""
        text = gettext(self.reason)
        return text % self.reason_args if self.reason_args else text


class GradeProposal(models.Model):
    """A quarterly review's proposed grade change, waiting for a manager."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="grade_proposals")
    period = models.CharField(_("review period"), max_length=7)  # e.g. "2026Q4"
    current_grade = models.CharField(_("current grade"), max_length=1, choices=Grade)
    proposed_grade = models.CharField(_("proposed grade"), max_length=1, choices=Grade)
    basis_amount = models.DecimalField(
        _("trailing 12 months (10k CNY)"), max_digits=14, decimal_places=2
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OwnedByCustomerQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # A second run of the review in the same quarter proposes nothing new.
            models.UniqueConstraint(fields=["customer", "period"], name="one_proposal_per_quarter")
        ]

    def __str__(self):
        return f"{self.customer}: {self.current_grade} → {self.proposed_grade} ({self.period})"


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


class SavedView(models.Model):
    """A named filter of the customer list, for one user."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    name = models.CharField(_("name"), max_length=60)
    query = models.CharField(max_length=1000)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_view_unique_name")
        ]

    def __str__(self):
        return self.name


class ExportLog(models.Model):
    """Customer data leaves only through a logged export.

    A small export downloads at once and is logged as done with no file kept. A large one is
    queued: a Celery worker writes `file`, which only its requester downloads until it expires.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Being written")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    query = models.CharField(max_length=1000, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.DONE)
    # Rows matching when the export was asked for; row_count grows as the worker writes.
    total = models.PositiveIntegerField(default=0)
    row_count = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/", blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # When the worker writing it last showed signs of life: a second copy of its task finding
    # it running with a recent sign leaves it be; a stale one takes over (the first died).
    progress_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "-at"], name="exportlog_user_at")]

    def __str__(self):
        return f"{self.user} · {self.at:%Y-%m-%d %H:%M} · {self.row_count}"

    @property
    def in_progress(self):
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent(self):
        return min(100, self.row_count * 100 // self.total) if self.total else 0


class ImportLog(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(max_length=200)
    customer_count = models.PositiveIntegerField(default=0)
    contact_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at"]

    def __str__(self):
        return f"{self.user} · {self.filename}"
