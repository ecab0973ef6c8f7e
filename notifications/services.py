"""Every write on notifications: create one once (`notify`), mark read."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from teams import outbox

from .kinds import Channel, Kind
from .models import Notification, Preference


def notify(*, recipient, kind, key, title, args=None, body="", target=None, url=""):
    """The notification of `key` for `recipient`, created unless it exists already.

    `title` and `body` are msgids (marked with gettext_noop) rendered with `args` in the
    reader's language. `target` is the record it is about; `url` its page (by default
    `target.get_absolute_url()`). Safe to call any number of times, from any number of
    processes at once: the unique key lets one insert win and the others read that row.
    Returns (notification, created)."""
    if target is not None and not url and hasattr(target, "get_absolute_url"):
        url = target.get_absolute_url()
    with transaction.atomic():
        notification, created = Notification.objects.get_or_create(
            key=key,
            defaults={
                "recipient": recipient,
                "kind": kind,
                "title": title,
                "body": body,
                "args": args or {},
                "target_type": (
                    ContentType.objects.get_for_model(target) if target is not None else None
                ),
                "target_id": target.pk if target is not None else None,
                "url": url,
            },
        )
        if created:
            from . import channels

            channels.dispatch(notification)
    return notification, created


def notification_mark_read(*, notification, by):
    """Mark the reader's own notification read (a second time changes nothing)."""
    return (
        Notification.objects.for_user(by)
        .filter(pk=notification.pk, read_at__isnull=True)
        .update(read_at=timezone.now())
    )


def notifications_mark_all_read(*, user):
    """Mark every unread notification of `user` read. Returns how many."""
    return Notification.objects.for_user(user).unread().update(read_at=timezone.now())


def preferences_save(*, user, channels):
    """Store `user`'s channel per kind ({kind: channel}); unknown kinds or channels are refused."""
    for kind, channel in channels.items():
        if kind not in Kind.values or channel not in Channel.values:
            raise ValueError(f"unknown kind or channel: {kind!r}, {channel!r}")
    with transaction.atomic():
        for kind, channel in channels.items():
            Preference.objects.update_or_create(user=user, kind=kind, defaults={"channel": channel})


def team_channel_save(*, form, by):
    """Save an admin's team channel form (the view checked the permission; checked again)."""
    if not by.has_perm("notifications.manage_reminders"):
        raise PermissionDenied
    return form.save()


def team_channel_delete(*, channel, by):
    if not by.has_perm("notifications.manage_reminders"):
        raise PermissionDenied
    channel.delete()


def rule_run_now(*, name, by):
    """An admin's "run now": the rule runs on a worker (through the outbox) once this commits.
    Running it while a scheduled run goes on is harmless: each notification exists once."""
    from . import engine, tasks  # both import this module

    if not by.has_perm("notifications.manage_reminders"):
        raise PermissionDenied
    engine.get_rule(name)  # UnknownRule for a name no app registered
    with transaction.atomic():
        return outbox.enqueue(tasks.run_rule_task, name)


def reminder_settings_save(*, form, by):
    if not by.has_perm("notifications.manage_reminders"):
        raise PermissionDenied
    with transaction.atomic():
        return form.save()
