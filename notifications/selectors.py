"""Reads of notifications: the bell, the dropdown, the list, a notification's record."""

from django.db.models import Max
from django.http import Http404
from django.utils.translation import gettext

from . import engine, schedules
from .kinds import Kind
from .models import Notification, RuleRun

LATEST = 8


def unread_count(user):
    """One query on the partial index of unread rows."""
    return Notification.objects.for_user(user).unread().count()


def latest(user, *, limit=LATEST):
    return list(Notification.objects.for_user(user)[:limit])


def notification_list(user, *, kind="", state=""):
    """The reader's notifications, filtered by kind and read state ("unread", "read")."""
    rows = Notification.objects.for_user(user)
    if kind in Kind.values:
        rows = rows.filter(kind=kind)
    if state == "unread":
        rows = rows.unread()
    elif state == "read":
        rows = rows.filter(read_at__isnull=False)
    return rows


def target_for(notification, user):
    """The record `notification` is about, if `user` may still see it; else Http404.

    The record is looked up through its model's `visible_to(user)`, as every page does: a
    record reassigned to someone else, or deleted, does not exist for this reader any more.
    A digest about no one record (a team's overdue follow-ups, the grade review) leads to its
    page, which checks the reader itself."""
    url = notification.url
    if notification.target_type_id is None and url.startswith("/") and not url.startswith("//"):
        return url
    if not notification.has_target:
        raise Http404
    model = notification.target_type.model_class()
    rows = model._default_manager.all() if model is not None else None
    if rows is None or not hasattr(rows, "visible_to"):
        raise Http404
    if not rows.visible_to(user).filter(pk=notification.target_id).exists():
        raise Http404
    return notification.url


def rule_rows():
    """The rules page: each registered rule with its schedule and its last run (one query)."""
    latest = RuleRun.objects.values("rule").annotate(last=Max("pk")).values("last")
    last_runs = {run.rule: run for run in RuleRun.objects.filter(pk__in=latest)}
    return [
        {
            "name": name,
            "label": gettext(rule.label),
            "schedule": schedules.describe(name),
            "last_run": last_runs.get(name),
        }
        for name, rule in engine.all_rules().items()
    ]
