"""Where a notification goes beyond the app: the reader's email (one by one, or in the morning
digest) and their team's group robots. Sending is Celery's work, handed over through the
outbox in the transaction that created the notification; each task is safe to run twice."""

import logging
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from teams import outbox

from .kinds import DEFAULT_CHANNEL, Channel
from .models import Notification, Preference, TeamChannel, TeamPost

logger = logging.getLogger(__name__)

# A digest gathers what is at most this old and was not emailed yet.
DIGEST_WINDOW = timedelta(days=2)


def channel_for(user, kind):
    """The reader's channel for `kind` (one query), else the kind's default."""
    chosen = Preference.objects.filter(user=user, kind=kind).values_list("channel", flat=True)
    return next(iter(chosen), None) or DEFAULT_CHANNEL.get(kind, Channel.IN_APP)


def dispatch(notification):
    """Called in the transaction that created `notification`: enqueue its email and its posts
    to the recipient's team robots that take its kind."""
    from . import tasks

    recipient = notification.recipient
    if recipient.email and channel_for(recipient, notification.kind) == Channel.EMAIL:
        outbox.enqueue(tasks.send_notification_email_task, notification.pk)
    if recipient.team_id:
        for channel in TeamChannel.objects.filter(team_id=recipient.team_id, is_active=True):
            if notification.kind in channel.kinds:
                outbox.enqueue(tasks.post_to_team_task, channel.pk, notification.pk)


def _link(path):
    return settings.SITE_URL.rstrip("/") + path


def _lines(notification):
    lines = [notification.text_title]
    if notification.text_body:
        lines.append(notification.text_body)
    return lines


def email_one(notification_id):
    """Email one notification to its reader, once. Returns whether it sent."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None or not notification.recipient.email:
            return False
        with translation.override(settings.LANGUAGE_CODE):
            link = _link(reverse("notifications:notification-open", args=[notification.pk]))
            send_mail(
                notification.text_title,
                "\n\n".join([*_lines(notification), link]),
                None,
                [notification.recipient.email],
            )
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


def send_digests(*, now=None):
    """The morning digest: one email per reader with what they chose to get this way and was
    not emailed yet. Returns how many emails were sent."""
    now = now or timezone.now()
    waiting = (
        Notification.objects.filter(emailed_at__isnull=True, created_at__gte=now - DIGEST_WINDOW)
        .exclude(recipient__email="")
        .values_list("pk", "recipient_id", "kind")
    )
    rows = list(waiting)
    chosen = {
        (user_id, kind): channel
        for user_id, kind, channel in Preference.objects.filter(
            user_id__in={user_id for _pk, user_id, _kind in rows}
        ).values_list("user_id", "kind", "channel")
    }
    by_user = defaultdict(list)
    for pk, user_id, kind in rows:
        if chosen.get((user_id, kind), DEFAULT_CHANNEL.get(kind)) == Channel.DIGEST:
            by_user[user_id].append(pk)
    sent = 0
    for ids in by_user.values():
        sent += _send_digest(ids, now=now)
    return sent


def _send_digest(ids, *, now):
    with transaction.atomic():
        notifications = list(
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .filter(pk__in=ids, emailed_at__isnull=True)
            .order_by("created_at", "pk")
        )
        if not notifications:
            return 0  # another run sent them
        with translation.override(settings.LANGUAGE_CODE):
            subject = ngettext(
                "Your morning digest: %(count)d notification",
                "Your morning digest: %(count)d notifications",
                len(notifications),
            ) % {"count": len(notifications)}
            body = "\n\n".join(
                "\n".join(
                    [
                        *_lines(n),
                        _link(reverse("notifications:notification-open", args=[n.pk])),
                    ]
                )
                for n in notifications
            )
            body += "\n\n" + _("All notifications: %(url)s") % {
                "url": _link(reverse("notifications:notification-list"))
            }
            send_mail(subject, body, None, [notifications[0].recipient.email])
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(emailed_at=now)
    return 1


def post_to_team(channel_id, notification_id):
    """Post one notification to one team robot, once. Raises webhooks.WebhookError when the
    robot did not take it (the task retries). Returns whether it posted now."""
    from . import webhooks

    channel = TeamChannel.objects.filter(pk=channel_id, is_active=True).first()
    notification = Notification.objects.filter(pk=notification_id).first()
    if channel is None or notification is None:
        return False
    post, _created = TeamPost.objects.get_or_create(channel=channel, notification=notification)
    with transaction.atomic():
        post = TeamPost.objects.select_for_update().get(pk=post.pk)
        if post.posted_at is not None:
            return False
        with translation.override(settings.LANGUAGE_CODE):
            lines = _lines(notification)
            if notification.url:
                lines.append(_link(notification.url))
        post.attempts += 1
        failure = None
        try:
            webhooks.post(channel, "\n".join(lines))
        except webhooks.WebhookError as error:
            failure = error
            post.last_error = str(error)[:500]
            post.save(update_fields=["attempts", "last_error"])
        else:
            post.posted_at = timezone.now()
            post.last_error = ""
            post.save(update_fields=["attempts", "last_error", "posted_at"])
    if failure is not None:
        logger.warning(
            "Team channel %s: notification %s not posted: %s", channel, notification_id, failure
        )
        raise failure
    return True
