"""Notifications, who wants which by which channel, the teams' robots, and the rules' runs."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .kinds import Kind


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
