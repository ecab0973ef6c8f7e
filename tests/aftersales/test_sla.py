"""Complaint deadlines, as a table worked out by hand on the 2026 calendar: reply within
72/48/24/4 clock hours; resolve by 24:00 of the 15th/7th/3rd/1st working day after the day of
receipt (weekends and the Spring Festival holiday of 15-23 February 2026 not counted, the
make-up working days of Saturday 14 and Saturday 28 February counted)."""

from datetime import datetime

import pytest

from aftersales import sla
from aftersales.models import Complaint
from teams.workdays import CHINA

pytestmark = pytest.mark.django_db

S = Complaint.Severity


def at(text):
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=CHINA)


def end_of(day):
    return datetime.strptime(day, "%Y-%m-%d").replace(
        hour=23, minute=59, second=59, microsecond=999999, tzinfo=CHINA
    )


TABLE = [
    # received, severity, respond by, resolve by
    # An ordinary Tuesday.
    ("2026-12-01 09:00", S.LOW, "2026-12-04 09:00", "2026-12-22"),
    ("2026-12-01 09:00", S.MEDIUM, "2026-12-03 09:00", "2026-12-10"),
    # Friday afternoon: the weekend is not counted for the resolution, but is for the reply.
    ("2026-12-04 16:00", S.HIGH, "2026-12-05 16:00", "2026-12-09"),
    ("2026-12-04 16:00", S.CRITICAL, "2026-12-04 20:00", "2026-12-07"),
    # Critical at 23:50: reply by 03:50, resolve by the end of the next working day.
    ("2026-12-01 23:50", S.CRITICAL, "2026-12-02 03:50", "2026-12-02"),
    # Critical at 23:50 on a Friday: the resolution waits for Monday.
    ("2026-12-04 23:50", S.CRITICAL, "2026-12-05 03:50", "2026-12-07"),
    # Received on a Saturday: the next working day is Monday.
    ("2026-12-05 10:00", S.CRITICAL, "2026-12-05 14:00", "2026-12-07"),
    # Friday 13 February 2026: Saturday 14th is a make-up working day.
    ("2026-02-13 23:50", S.CRITICAL, "2026-02-14 03:50", "2026-02-14"),
    # Saturday 14th (make-up day), then the holiday 15-23 February: the 24th.
    ("2026-02-14 10:00", S.CRITICAL, "2026-02-14 14:00", "2026-02-24"),
    ("2026-02-14 10:00", S.HIGH, "2026-02-15 10:00", "2026-02-26"),
    # Received in the holiday: 24, 25, 26, 27, 28 (make-up Saturday), 2 March, 3 March.
    ("2026-02-18 11:00", S.MEDIUM, "2026-02-20 11:00", "2026-03-03"),
    ("2026-02-18 11:00", S.HIGH, "2026-02-19 11:00", "2026-02-26"),
    # Thursday 26 February: 27th, Saturday 28th (make-up), Monday 2 March.
    ("2026-02-26 23:50", S.HIGH, "2026-02-27 23:50", "2026-03-02"),
]


@pytest.mark.parametrize(("received", "severity", "respond", "resolve"), TABLE)
def test_deadlines(official_calendar, received, severity, respond, resolve):
    respond_by, resolve_by = sla.deadlines(at(received), severity)
    assert respond_by == at(respond)
    assert resolve_by == end_of(resolve)


def test_an_admin_changes_a_severity_s_deadlines(official_calendar):
    from aftersales.models import SeverityDeadline

    SeverityDeadline.objects.filter(severity=S.CRITICAL).update(
        respond_hours=2, resolve_working_days=2
    )
    respond_by, resolve_by = sla.deadlines(at("2026-12-04 23:50"), S.CRITICAL)
    assert respond_by == at("2026-12-05 01:50")
    assert resolve_by == end_of("2026-12-08")
