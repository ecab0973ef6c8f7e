"""Notifications, who wants which by which channel, the teams' robots, and the rules' runs."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .kinds import Channel, Kind


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        """The reader's own notifications: nobody reads another's."""
        return self.filter(recipient=user) if user.is_authenticated else self.none()

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message to one person. `title` and `body` are untranslated msgids and `args` their
    values, so each reader sees them in their own language (`text`). `key` names the rule, the
    record, the due date or period and the recipient: the unique constraint makes a reminder
    exist once, however many runs produce it."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind)
    key = models.CharField(_("key"), max_length=255)
    title = models.CharField(_("title"), max_length=255)
    body = models.CharField(_("body"), max_length=500, blank=True)
    args = models.JSONField(_("arguments"), default=dict, blank=True)
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    # Where the record is read (its page); reached through the `open` view, which checks that
    # the reader still sees the record.
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["key"], name="notification_key_unique")]
        indexes = [
            # The bell: the reader's unread count.
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_latest"),
        ]

    def __str__(self):
        return self.key

    def _render(self, msgid):
        text = gettext(msgid) if msgid else ""
        try:
            return text % self.args if self.args else text
        except (KeyError, TypeError, ValueError):
            return text

    @property
    def text_title(self):
        return self._render(self.title)

    @property
    def text_body(self):
        return self._render(self.body)

    @property
    def has_target(self):
        return self.target_type_id is not None and bool(self.url)


class Preference(models.Model):
    """A reader's channel for one kind; without a row, the kind's default channel."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="preference_user_kind_unique")
        ]

    def __str__(self):
        return f"{self.user_id} {self.kind} {self.channel}"


class TeamChannel(models.Model):
    """A team's group robot (企业微信 or 钉钉): the chosen kinds of its members' notifications
    are posted there as text messages."""

    class Provider(models.TextChoices):
        WECOM = "wecom", _("WeCom (企业微信) group robot")
        DINGTALK = "dingtalk", _("DingTalk (钉钉) group robot")

    team = models.ForeignKey(
        "teams.Team", verbose_name=_("team"), on_delete=models.CASCADE, related_name="channels"
    )
    provider = models.CharField(_("robot"), max_length=10, choices=Provider)
    webhook_url = models.URLField(
        _("webhook URL"), max_length=500, validators=[URLValidator(schemes=["https", "http"])]
    )
    # DingTalk's "sign" security setting (加签); empty when the robot uses keywords or IPs.
    secret = models.CharField(_("signing secret"), max_length=200, blank=True)
    kinds = models.JSONField(_("kinds"), default=list)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["team__name", "pk"]
        verbose_name = _("team channel")
        verbose_name_plural = _("team channels")

    def __str__(self):
        return f"{self.team} · {self.get_provider_display()}"

    @property
    def kind_labels(self):
        return [Kind(kind).label for kind in self.kinds if kind in Kind.values]


class TeamPost(models.Model):
    """A notification posted to a team's robot: a task that arrives twice posts once."""

    channel = models.ForeignKey(TeamChannel, on_delete=models.CASCADE, related_name="posts")
    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="+")
    posted_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "notification"], name="teampost_channel_notification_unique"
            )
        ]

    def __str__(self):
        return f"{self.channel_id}/{self.notification_id}"


class RuleRun(models.Model):
    """One run of a reminder rule: when, how many notifications it created, what failed."""

    rule = models.CharField(_("rule"), max_length=100, db_index=True)
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    created = models.PositiveIntegerField(_("created"), default=0)
    errors = models.TextField(_("errors"), blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("rule run")
        verbose_name_plural = _("rule runs")

    def __str__(self):
        return f"{self.rule} {self.started_at:%Y-%m-%d %H:%M}"


class ReminderSettings(models.Model):
    """The rules' thresholds an admin changes (one row)."""

    followup_manager_days = models.PositiveSmallIntegerField(
        _("follow-up overdue: tell the manager after (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    approval_hours = models.PositiveSmallIntegerField(
        _("approval waiting: remind the approver after (hours)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(720)],
    )
    approval_manager_hours = models.PositiveSmallIntegerField(
        _("approval waiting: tell the approver's manager after (hours)"),
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(720)],
    )
    solution_manager_days = models.PositiveSmallIntegerField(
        _("solution overdue: tell the manager after (working days)"),
        default=2,
        validators=[MinValueValidator(0), MaxValueValidator(30)],
    )
    instalment_due_days = models.PositiveSmallIntegerField(
        _("instalment due: remind the rep (days before)"),
        default=3,
        validators=[MinValueValidator(0), MaxValueValidator(60)],
    )
    instalment_manager_days = models.PositiveSmallIntegerField(
        _("instalment overdue: tell the manager and escalate after (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(180)],
    )
    instalment_legal_days = models.PositiveSmallIntegerField(
        _("instalment overdue: hand to legal after (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    complaint_warn_hours = models.PositiveSmallIntegerField(
        _("complaint deadline: warn the handler and their manager before (hours)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
    )
    revisit_days = models.PositiveSmallIntegerField(
        _("quarterly revisits: tell the after-sales user of those due within (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reminder settings")
        verbose_name_plural = _("reminder settings")

    def __str__(self):
        return str(self._meta.verbose_name)

    def clean(self):
        if self.approval_manager_hours <= self.approval_hours:
            raise ValidationError(
                {
                    "approval_manager_hours": _(
                        "The manager is told after the approver: more hours than the reminder."
                    )
                }
            )
        if self.instalment_legal_days <= self.instalment_manager_days:
            raise ValidationError(
                {
                    "instalment_legal_days": _(
                        "Legal takes over after the manager: more days than the escalation."
                    )
                }
            )

    @classmethod
    def load(cls):
        return cls.objects.get_or_create(pk=1)[0]


class AgendaFeed(models.Model):
    """The secret address of a user's agenda as an .ics feed (a phone's calendar subscribes to
    it without logging in). Revoking deletes the row; a new one is a new token, so an address
    given away stops working."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="agenda_feed",
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("agenda feed")
        verbose_name_plural = _("agenda feeds")

    def __str__(self):
        return f"{self.user} agenda feed"
