"""When a contract's warranty runs, for revisits and renewals.

A contract's `warranty` is the text of template 4 ("12 个月", "2 年", "1 year"): the first
number followed by 年/year(s) counts years, by 月/个月/month(s) months; a text without one
(or an empty one) means DEFAULT_MONTHS. The warranty starts on the delivery date, or without
one on the signing day (else the term's start), and ends that many months later."""

import calendar
import re
from datetime import date

DEFAULT_MONTHS = 12
_PATTERN = re.compile(r"(\d+)\s*(年|years?|个月|月|months?)", re.IGNORECASE)


def months_of(text):
    match = _PATTERN.search(text or "")
    if not match:
        return DEFAULT_MONTHS
    number, unit = int(match.group(1)), match.group(2).lower()
    return number * 12 if unit in {"年", "year", "years"} else number


def add_months(day, months):
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def start_of(contract):
    return contract.delivery_date or contract.signed_on or contract.start_date


def end_of(contract):
    return add_months(start_of(contract), months_of(contract.warranty))


def quarter_of(day):
    """("2026Q4", first day, last day) of the quarter `day` is in."""
    q = (day.month - 1) // 3
    first = date(day.year, q * 3 + 1, 1)
    last = add_months(first, 3).toordinal() - 1
    return f"{day.year}Q{q + 1}", first, date.fromordinal(last)
