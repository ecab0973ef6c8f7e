"""The working-day calendar every app counts with: lead screening (3 working days), solutions
(5), complaint SLAs, reminders. It imports no domain app, so any app may import it.

The rules
- A working day is Monday to Friday unless the calendar lists it as a public holiday; a
  Saturday or Sunday listed as a make-up working day (调休上班) is a working day. The rows are
  `teams.models.CalendarDay`, kept by admins on /manage/calendar/.
- The start day is never counted: `add_working_days(start, n)` is the n-th working day after
  `start`. A start on a weekend or holiday therefore counts from the next working day
  (Saturday + 1 is Monday, as Friday + 1 is). `add_working_days(start, 0)` is `start` if it is
  a working day, else the next working day.
- `working_days_between(start, end)` counts the working days after `start` up to and including
  `end` (negative when `end` is before `start`), so `add_working_days(start,
  working_days_between(start, end)) == end` for a working `start` and `end`.
- `deadline_after_working_days(moment, n)` is the end (24:00, as 23:59:59.999999) in
  Asia/Shanghai of the n-th working day after the day of `moment`. "N个工作日内" is counted in
  whole days as the Civil Code counts periods (《民法典》第二百零一条、第二百零三条: the start
  day is not counted, the last day ends at 24:00), not as N × 24 hours from the same clock
  time: a complaint received at 23:50 gets the same deadline as one received at 09:00 that day.

Speed
Each process reads the rows once and keeps them, keyed by a version token in the Django cache
(Redis when REDIS_URL is set, so web and Celery workers all see a change). Services call
`calendar_changed()`, which gives the calendar a new token when their transaction commits:
the process that made the change uses the new calendar at once, every other process within
RECHECK_SECONDS (it compares tokens at most that often). Any number of calls cost at most one
query and one cache read. Tests pass a `Calendar(...)` of their own.
"""

import logging
import time
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

CHINA = ZoneInfo("Asia/Shanghai")
VERSION_KEY = "teams:workdays:version"
# How long a process trusts its copy before comparing versions again: a cache read costs about
# a millisecond on Redis, too much to pay on every call of a page computing 25 due dates.
RECHECK_SECONDS = 2
_ONE_DAY = timedelta(days=1)


def _require_date(day):
    # A datetime is a date too, but never equal to one: it would silently miss every holiday.
    if isinstance(day, datetime) or not isinstance(day, date):
        raise TypeError(f"expected a date, got {day!r}; for a moment use a deadline function")


def _weekdays_through(day):
    """Mondays to Fridays from 0001-01-01 (a Monday) through `day`."""
    elapsed = day.toordinal() - 1
    return elapsed // 7 * 5 + min(elapsed % 7 + 1, 5)


@dataclass(frozen=True)
class Calendar:
    """Monday to Friday, less `holidays`, plus `workdays` (make-up working days)."""

    holidays: frozenset = frozenset()
    workdays: frozenset = frozenset()

    def is_working_day(self, day):
        _require_date(day)
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def next_working_day(self, day):
        """The first working day after `day` (never `day` itself)."""
        _require_date(day)
        day += _ONE_DAY
        while not self.is_working_day(day):
            day += _ONE_DAY
        return day

    def add_working_days(self, start, days):
        if days < 0:
            raise ValueError("days must be 0 or more")
        if days == 0:
            return start if self.is_working_day(start) else self.next_working_day(start)
        day = start
        for _ in range(days):
            day = self.next_working_day(day)
        return day

    def working_days_between(self, start, end):
        _require_date(start)
        _require_date(end)
        if end < start:
            return -self.working_days_between(end, start)
        count = _weekdays_through(end) - _weekdays_through(start)
        count -= sum(1 for d in self.holidays if start < d <= end and d.weekday() < 5)
        count += sum(1 for d in self.workdays if start < d <= end and d.weekday() >= 5)
        return count

    def deadline_after_working_days(self, moment, days):
        if not isinstance(moment, datetime) or moment.tzinfo is None:
            raise ValueError("expected an aware datetime")
        due = self.add_working_days(moment.astimezone(CHINA).date(), days)
        return datetime.combine(due, clock_time.max, tzinfo=CHINA)


def load():
    """The calendar as stored now (one query), bypassing the process's copy."""
    from .models import CalendarDay

    holidays, workdays = set(), set()
    for day, kind in CalendarDay.objects.values_list("date", "kind"):
        (workdays if kind == CalendarDay.Kind.WORKDAY else holidays).add(day)
    return Calendar(holidays=frozenset(holidays), workdays=frozenset(workdays))


class _Loaded(NamedTuple):
    version: str | None
    calendar: Calendar
    checked: float  # time.monotonic() of the last comparison with the shared version


# This process's copy; replaced whole, so threads never see half of it.
_loaded = None


def _version():
    version = cache.get(VERSION_KEY)
    if version is None:
        # First reader after a restart or eviction; add() lets one token win a race.
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def current():
    """The calendar in force, read from the database only when it changed."""
    global _loaded
    loaded = _loaded
    now = time.monotonic()
    if loaded is not None and now - loaded.checked < RECHECK_SECONDS:
        return loaded.calendar
    try:
        version = _version()
    except Exception:  # noqa: BLE001 - a cache outage must not stop due dates
        logger.warning("workdays: the cache is unavailable; serving this process's calendar")
        if loaded is not None:
            return loaded.calendar
        version = None
    if loaded is not None and version is not None and loaded.version == version:
        _loaded = loaded._replace(checked=now)
        return loaded.calendar
    calendar = load()
    _loaded = _Loaded(version, calendar, now)
    return calendar


def _new_version():
    global _loaded
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    _loaded = None  # this process sees its own change at once


def calendar_changed():
    """Every process re-reads the calendar once the current transaction commits: this one at
    once, the others within RECHECK_SECONDS. Until the commit the old calendar is served (use
    `load()` to read uncommitted rows)."""
    transaction.on_commit(_new_version)


def forget():
    """Drop this process's copy and the version (tests: the database rolls back, the cache
    does not)."""
    global _loaded
    _loaded = None
    cache.delete(VERSION_KEY)


def _calendar(calendar):
    return current() if calendar is None else calendar


def is_working_day(day, *, calendar=None):
    return _calendar(calendar).is_working_day(day)


def next_working_day(day, *, calendar=None):
    """The first working day after `day` (never `day` itself)."""
    return _calendar(calendar).next_working_day(day)


def add_working_days(start, days, *, calendar=None):
    """The `days`-th working day after `start` (see the rules above)."""
    return _calendar(calendar).add_working_days(start, days)


def working_days_between(start, end, *, calendar=None):
    """Working days after `start` up to and including `end`; negative if `end` < `start`."""
    return _calendar(calendar).working_days_between(start, end)


def deadline_after_working_days(moment, days, *, calendar=None):
    """24:00 in Asia/Shanghai (as 23:59:59.999999) of the `days`-th working day after the day
    of `moment`; overdue once the time is past it."""
    return _calendar(calendar).deadline_after_working_days(moment, days)
