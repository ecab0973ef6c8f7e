"""My agenda (我的日程): what falls due for a user (or a manager's team) between two dates,
gathered from every app's AGENDA_ITEMS provider, and the same as an iCalendar (.ics) feed.

The apps own their entries (crm_site/hooks.py); this module only picks the people, the
dates and the layout."""

import calendar
import secrets
from dataclasses import dataclass
from datetime import UTC, date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from crm_site import hooks
from teams import policy

from .models import AgendaFeed

VIEWS = ("day", "week", "month")
# The feed: a month back (recently done work drops off as it is done) and a quarter ahead.
FEED_PAST_DAYS = 30
FEED_FUTURE_DAYS = 90


@dataclass(frozen=True)
class Period:
    view: str
    anchor: date
    start: date
    end: date

    @classmethod
    def around(cls, view, anchor):
        if view == "day":
            return cls(view, anchor, anchor, anchor)
        if view == "week":
            start = anchor - timedelta(days=anchor.weekday())
            return cls(view, anchor, start, start + timedelta(days=6))
        last = calendar.monthrange(anchor.year, anchor.month)[1]
        return cls(view, anchor, anchor.replace(day=1), anchor.replace(day=last))

    @property
    def previous(self):
        if self.view == "month":
            return (self.start - timedelta(days=1)).replace(day=1)
        return self.start - timedelta(days=1 if self.view == "day" else 7)

    @property
    def next(self):
        if self.view == "month":
            return self.end + timedelta(days=1)
        return self.start + timedelta(days=1 if self.view == "day" else 7)

    def days(self):
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]

    def weeks(self):
        """The month as calendar rows, Monday first, padded with the neighbouring days."""
        first = self.start - timedelta(days=self.start.weekday())
        last = self.end + timedelta(days=6 - self.end.weekday())
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        return [days[n : n + 7] for n in range(0, len(days), 7)]


def has_team_scope(user):
    """Managers (and those above with a team) also read their team's agenda."""
    return bool(user.team_id) and policy.reach(user) in (policy.Reach.SUBTREE, policy.Reach.ALL)


def owner_ids(user, scope):
    if scope == "team" and has_team_scope(user):
        team_ids = policy.team_subtree_ids(user.team_id)
        ids = set(
            get_user_model()
            .objects.filter(team_id__in=team_ids, is_active=True)
            .values_list("pk", flat=True)
        )
        return sorted(ids | {user.pk})
    return [user.pk]


def items(*, owner_ids, start, end, today=None):
    """Every app's entries, by day, then kind, then title."""
    found = []
    for provider in hooks.get(hooks.AGENDA_ITEMS):
        found.extend(provider(owner_ids=owner_ids, start=start, end=end, today=today))
    return sorted(found, key=lambda item: (item.day, -item.overdue_days, item.kind, item.title))


def by_day(entries):
    grouped = {}
    for item in entries:
        grouped.setdefault(item.day, []).append(item)
    return grouped


# --- the .ics feed ---------------------------------------------------------------------------


def feed_for(user):
    return AgendaFeed.objects.filter(user=user).first()


@transaction.atomic
def renew_feed(user):
    """A new secret address; the old one stops working at once."""
    AgendaFeed.objects.filter(user=user).delete()
    return AgendaFeed.objects.create(user=user, token=secrets.token_urlsafe(32))


def revoke_feed(user):
    return AgendaFeed.objects.filter(user=user).delete()[0] > 0


def feed_user(token):
    """The active user a feed token belongs to, or None."""
    if not token:
        return None
    feed = AgendaFeed.objects.filter(token=token, user__is_active=True).select_related("user")
    feed = feed.first()
    return feed.user if feed else None


def _escape(text):
    return (
        str(text)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line):
    """RFC 5545 §3.1: lines longer than 75 octets continue on the next line after a space,
    never splitting a UTF-8 character."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out)


def ics(entries, *, calendar_name, base_url, now=None):
    """The entries as an iCalendar document: one all-day event per entry on its due date."""
    stamp = (now or timezone.now()).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//crm//agenda//EN",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_escape(calendar_name)}",
        "X-WR-TIMEZONE:Asia/Shanghai",
    ]
    for item in entries:
        day = item.due or item.day
        lines += [
            "BEGIN:VEVENT",
            f"UID:{item.uid or item.kind}@crm",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_escape(f'{item.label}: {item.title}')}",
            f"URL:{base_url}{item.url}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
