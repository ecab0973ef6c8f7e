"""What happens with a customer: follow-ups (客户跟进记录), tasks, needs surveys (需求调研表)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..querysets import FollowUpQuerySet, OwnedByCustomerQuerySet, TaskQuerySet
from .customer import Contact, Customer


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
    """A next action with an owner and a deadline ("my tasks"): from a follow-up, or created
    by hand for a customer or free-standing (no customer: only its owner's and their
    managers')."""

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="tasks",
        null=True,
        blank=True,
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

    @property
    def is_overdue(self):
        return self.done_at is None and self.due_date < timezone.localdate()

    @property
    def is_due_today(self):
        return self.done_at is None and self.due_date == timezone.localdate()


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

    @property
    def is_must(self):
        return self.priority == self.Priority.MUST
