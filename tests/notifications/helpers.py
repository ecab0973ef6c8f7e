from datetime import datetime
from zoneinfo import ZoneInfo

from notifications import engine
from notifications.models import Notification

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year, month, day, hour=8, minute=0):
    """A moment in Asia/Shanghai: rules take `now` (no time-freezing package is installed)."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def run(rule, now):
    """Run `rule` at `now`; what it created, as (recipient's username, title in English)."""
    before = set(Notification.objects.values_list("pk", flat=True))
    record = engine.run(rule, now=now)
    assert record.errors == ""
    created = Notification.objects.exclude(pk__in=before).select_related("recipient")
    rows = sorted((n.recipient.username, n.text_title) for n in created)
    assert record.created == len(rows)
    return rows
