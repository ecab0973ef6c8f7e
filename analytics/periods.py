"""Periods of targets, budgets, ratings and scorecards: a year, a quarter or a month, named
"2026", "2026-Q2" or "2026-05" (the same text in URLs, forms and exports)."""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Granularity(models.TextChoices):
    YEAR = "year", _("Year")
    QUARTER = "quarter", _("Quarter")
    MONTH = "month", _("Month")


_PATTERNS = (
    (re.compile(r"^(\d{4})$"), Granularity.YEAR),
    (re.compile(r"^(\d{4})-Q([1-4])$"), Granularity.QUARTER),
    (re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"), Granularity.MONTH),
)
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _month_end(year, month):
    if month == 12:
        return date(year, 12, 31)
    return date(year, month + 1, 1) - timedelta(days=1)


@dataclass(frozen=True)
class Period:
    granularity: str
    start: date

    @property
    def end(self):
        y, m = self.start.year, self.start.month
        if self.granularity == Granularity.YEAR:
            return date(y, 12, 31)
        if self.granularity == Granularity.QUARTER:
            return _month_end(y, m + 2)
        return _month_end(y, m)

    @property
    def code(self):
        y = self.start.year
        if self.granularity == Granularity.YEAR:
            return f"{y}"
        if self.granularity == Granularity.QUARTER:
            return f"{y}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{y}-{self.start.month:02d}"

    def __str__(self):
        return self.code

    @property
    def is_month(self):
        return self.granularity == Granularity.MONTH

    @property
    def key(self):
        """The code without hyphens, for form field names (`t-2026_Q1-sales_amount`)."""
        return self.code.replace("-", "_")

    @property
    def label(self):
        y = self.start.year
        if self.granularity == Granularity.YEAR:
            return gettext("%(year)s") % {"year": y}
        if self.granularity == Granularity.QUARTER:
            return gettext("Q%(quarter)s %(year)s") % {
                "quarter": (self.start.month - 1) // 3 + 1,
                "year": y,
            }
        return gettext("%(year)s-%(month)02d") % {"year": y, "month": self.start.month}

    def previous(self):
        y, m = self.start.year, self.start.month
        if self.granularity == Granularity.YEAR:
            return Period(self.granularity, date(y - 1, 1, 1))
        step = 3 if self.granularity == Granularity.QUARTER else 1
        m -= step
        if m < 1:
            y, m = y - 1, m + 12
        return Period(self.granularity, date(y, m, 1))

    def parent(self):
        """The quarter of a month, the year of a quarter; None for a year."""
        if self.granularity == Granularity.MONTH:
            return quarter(self.start.year, (self.start.month - 1) // 3 + 1)
        if self.granularity == Granularity.QUARTER:
            return year(self.start.year)
        return None

    def children(self):
        """The quarters of a year, the months of a quarter; () for a month."""
        y = self.start.year
        if self.granularity == Granularity.YEAR:
            return tuple(quarter(y, q) for q in range(1, 5))
        if self.granularity == Granularity.QUARTER:
            return tuple(month(y, m) for m in range(self.start.month, self.start.month + 3))
        return ()


def year(y):
    return Period(Granularity.YEAR, date(y, 1, 1))


def quarter(y, q):
    return Period(Granularity.QUARTER, date(y, 3 * q - 2, 1))


def month(y, m):
    return Period(Granularity.MONTH, date(y, m, 1))


def parse(code):
    """The Period named by `code` ("2026", "2026-Q2", "2026-05"), or None."""
    code = (code or "").strip()
    for pattern, granularity in _PATTERNS:
        found = pattern.match(code)
        if not found:
            continue
        y = int(found.group(1))
        if not FIRST_YEAR <= y <= LAST_YEAR:
            return None
        if granularity == Granularity.YEAR:
            return year(y)
        if granularity == Granularity.QUARTER:
            return quarter(y, int(found.group(2)))
        return month(y, int(found.group(2)))
    return None


def of(granularity, start):
    """The Period of `granularity` starting on `start`, or None when `start` is not its first
    day (a quarter starts in January, April, July or October)."""
    if start.day != 1:
        return None
    if granularity == Granularity.YEAR and start.month != 1:
        return None
    if granularity == Granularity.QUARTER and start.month not in (1, 4, 7, 10):
        return None
    if granularity not in Granularity.values:
        return None
    return Period(granularity, start)


def containing(granularity, day):
    """The Period of `granularity` that `day` falls in."""
    if granularity == Granularity.YEAR:
        return year(day.year)
    if granularity == Granularity.QUARTER:
        return quarter(day.year, (day.month - 1) // 3 + 1)
    return month(day.year, day.month)


def amount_over(rows, start, end):
    """The amount of the rows (objects with `granularity`, `period_start`, `amount`) falling
    between `start` and `end` (inclusive), or None when no row covers any of those days.

    Whole periods are taken as they are, largest first (a year row for a whole year, then
    quarter rows, then month rows); what is left of a month is prorated by days from the
    finest row covering it. So a whole quarter with a quarter row reads that row even when its
    months are split differently, and a custom range reads its months."""
    by_period = {(row.granularity, row.period_start): row.amount for row in rows}
    if not by_period or end < start:
        return None
    total, found = Decimal("0"), False
    day = start
    while day <= end:
        step = None
        for granularity in (Granularity.YEAR, Granularity.QUARTER, Granularity.MONTH):
            period = containing(granularity, day)
            if period.start == day and period.end <= end and (granularity, day) in by_period:
                total += by_period[(granularity, day)]
                found, step = True, period.end
                break
        if step is None:
            # A part of a month: prorate the finest row covering it by days.
            month_period = containing(Granularity.MONTH, day)
            part_end = min(month_period.end, end)
            for granularity in (Granularity.MONTH, Granularity.QUARTER, Granularity.YEAR):
                period = containing(granularity, day)
                if (granularity, period.start) in by_period:
                    days = (period.end - period.start).days + 1
                    share = Decimal((part_end - day).days + 1) / Decimal(days)
                    total += by_period[(granularity, period.start)] * share
                    found = True
                    break
            step = part_end
        day = step + timedelta(days=1)
    return total.quantize(Decimal("0.01")) if found else None
