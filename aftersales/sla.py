"""Complaint deadlines (SLA) and breaches.

- Reply: `respond_hours` clock hours after the complaint was received (a critical complaint
  received at 23:50 must be answered by 03:50), whatever the day: a customer waiting for a
  first answer waits through weekends too.
- Resolution: by 24:00 of the `resolve_working_days`-th working day after the day it was
  received (teams/workdays.py: weekends and public holidays are not counted, make-up working
  days are; the day of receipt is not counted, whatever its hour).
- A breach: the reply came (or, unanswered, the time is) after `respond_by`; the resolution
  came (or, unresolved, the time is) after `resolve_by`. `breaches(complaint, now)` says which;
  the services store them when the status moves and the beat task `flag_breaches` for the
  complaints nobody touched, escalating each to the handler's manager.

The hours and days per severity are `SeverityDeadline` rows an admin sets; `DEFAULTS` seeds
them and stands in for a missing row."""

from datetime import timedelta

from teams import workdays

from .models.complaint import Severity, SeverityDeadline

# severity: (respond within hours, resolve within working days)
DEFAULTS = {
    Severity.LOW: (72, 15),
    Severity.MEDIUM: (48, 7),
    Severity.HIGH: (24, 3),
    Severity.CRITICAL: (4, 1),
}


def limits():
    """{severity: (hours, working days)} as the admin set them (one query)."""
    found = dict(DEFAULTS)
    for row in SeverityDeadline.objects.all():
        found[row.severity] = (row.respond_hours, row.resolve_working_days)
    return found


def deadlines(received_at, severity, *, table=None, calendar=None):
    """(respond_by, resolve_by) of a complaint of `severity` received at `received_at`."""
    hours, days = (table or limits())[severity]
    respond_by = received_at + timedelta(hours=hours)
    resolve_by = workdays.deadline_after_working_days(received_at, days, calendar=calendar)
    return respond_by, resolve_by


def breaches(complaint, now):
    """(reply late, resolution late) at `now`."""
    replied = complaint.acknowledged_at or now
    resolved = complaint.resolved_at or now
    return replied > complaint.respond_by, resolved > complaint.resolve_by
