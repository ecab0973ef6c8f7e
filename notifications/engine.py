"""Running the reminder rules the apps register (`REMINDER_RULES` in crm_site/hooks.py).

A run asks the rule what falls due at `now` and creates each notification with `notify`,
whose unique key (rule, record, due date or period, recipient) makes it exist once: two beats,
a retried task, `run_reminders` by hand and a scheduled run at the same moment create it once.
A reminder for a deactivated user goes to their manager (`teams.policy.approver_for`). One
failing reminder is logged in the run and the others still go out.
"""

import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from crm_site import hooks
from teams import policy

from .models import Notification, ReminderSettings, RuleRun
from .services import notify

logger = logging.getLogger(__name__)

BATCH = 500


class UnknownRule(LookupError):
    pass


def all_rules():
    """{name: ReminderRule} in registration order."""
    return {rule.name: rule for rule in hooks.get(hooks.REMINDER_RULES)}


def get_rule(name):
    try:
        return all_rules()[name]
    except KeyError:
        raise UnknownRule(name) from None


@dataclass(frozen=True)
class Planned:
    """What a dry run would create."""

    recipient: object
    key: str
    reminder: hooks.Reminder
    exists: bool


class _Recipients:
    """Who receives a reminder meant for `user`: the user, or, deactivated, their manager
    (the next active one up the team tree). Looked up once per user in a run."""

    def __init__(self):
        self.found = {}

    def __call__(self, user):
        if user is None:
            return None
        if user.is_active:
            return user
        if user.pk not in self.found:
            manager = policy.approver_for(user)
            self.found[user.pk] = manager if manager is not None and manager.is_active else None
        return self.found[user.pk]


def _key(name, reminder, recipient):
    return f"{name}/{reminder.key}/{recipient.pk}"[:255]


def _reminders(rule, now):
    """(recipient, key, reminder) for what the rule says is due, deactivated users replaced."""
    recipient_for = _Recipients()
    thresholds = ReminderSettings.load()
    for reminder in rule(now=now, thresholds=thresholds):
        recipient = recipient_for(reminder.recipient)
        if recipient is None:
            logger.warning("Rule %s: nobody to tell about %s", rule.name, reminder.key)
            continue
        yield recipient, _key(rule.name, reminder, recipient), reminder


def _batches(rows, size=BATCH):
    """`rows` in lists of `size`; when `rows` fails midway, what it gave before still comes
    out, then the error."""
    batch = []
    try:
        for row in rows:
            batch.append(row)
            if len(batch) == size:
                yield batch
                batch = []
    except Exception:
        if batch:
            yield batch
        raise
    if batch:
        yield batch


def plan(name, *, now=None):
    """A dry run: what the rule would send now, each with whether it exists already."""
    rule = get_rule(name)
    rows = list(_reminders(rule, now or timezone.now()))
    existing = set(
        Notification.objects.filter(key__in=[key for _r, key, _m in rows]).values_list(
            "key", flat=True
        )
    )
    return [Planned(recipient, key, reminder, key in existing) for recipient, key, reminder in rows]


def run(name, *, now=None):
    """Run one rule and record the run (time, notifications created, errors)."""
    rule = get_rule(name)
    now = now or timezone.now()
    record = RuleRun.objects.create(rule=name, started_at=timezone.now())
    created, errors = 0, []
    try:
        for batch in _batches(_reminders(rule, now)):
            # Most of what a rule yields each morning exists already: one query per batch
            # finds those, and only the new ones are inserted (notify stays the guard).
            existing = set(
                Notification.objects.filter(key__in=[key for _r, key, _m in batch]).values_list(
                    "key", flat=True
                )
            )
            for recipient, key, reminder in batch:
                if key in existing:
                    continue
                try:
                    with transaction.atomic():
                        _notification, new = notify(
                            recipient=recipient,
                            kind=reminder.kind,
                            key=key,
                            title=reminder.title,
                            body=reminder.body,
                            args=reminder.args,
                            target=reminder.target,
                            url=reminder.url,
                        )
                        if new and reminder.effect is not None:
                            reminder.effect()
                except Exception as error:  # noqa: BLE001 - recorded; the others go on
                    logger.exception("Rule %s: %s failed", name, key)
                    errors.append(f"{key}: {type(error).__name__}: {error}")
                    continue
                created += new
    except Exception as error:  # noqa: BLE001 - the rule itself failed; recorded on the run
        logger.exception("Rule %s failed", name)
        errors.append(f"{type(error).__name__}: {error}")
    record.created = created
    record.errors = "\n".join(errors)[:10000]
    record.finished_at = timezone.now()
    record.save(update_fields=["created", "errors", "finished_at"])
    return record
