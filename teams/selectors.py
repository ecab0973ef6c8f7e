"""Reads for the settings pages that are more than a filter."""

import calendar as month_calendar
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from .models import CalendarDay
from .workdays import Calendar

# Monday first, as Chinese calendars print the week.
_WEEKDAYS = [
    pgettext_lazy("calendar column", "Mo"),
    pgettext_lazy("calendar column", "Tu"),
    pgettext_lazy("calendar column", "We"),
    pgettext_lazy("calendar column", "Th"),
    pgettext_lazy("calendar column", "Fr"),
    pgettext_lazy("calendar column", "Sa"),
    pgettext_lazy("calendar column", "Su"),
]


def _cell_style(entry, working, marks):
    """The style of a day in the month grid and its mark (休 or 班)."""
    if entry is None:
        return ("cal-working" if working else "cal-weekend"), ""
    if entry.is_holiday:
        return "cal-holiday", marks["off"]
    return "cal-workday", marks["work"]


def _groups(entries):
    """Consecutive days with one name, kind and note, as the notice lists them (国庆节 10月1日
    to 7日)."""
    groups = []
    for entry in entries:
        last = groups[-1] if groups else None
        same = last is not None and (last["name"], last["kind"], last["note"]) == (
            entry.name,
            entry.kind,
            entry.note,
        )
        if same and (entry.date - last["days"][-1].date).days == 1:
            last["days"].append(entry)
            last["last"] = entry.date
            continue
        groups.append(
            {
                "name": entry.name,
                "kind": entry.kind,
                "kind_label": entry.get_kind_display(),
                "is_holiday": entry.is_holiday,
                "note": entry.note,
                "first": entry.date,
                "last": entry.date,
                "days": [entry],
            }
        )
    return groups


def calendar_year(year, *, today=None):
    """The year's entries, a month grid of working and non-working days, and what an admin
    should check. One query."""
    entries = list(CalendarDay.objects.filter(date__year=year).order_by("date"))
    by_date = {entry.date: entry for entry in entries}
    year_calendar = Calendar(
        holidays=frozenset(e.date for e in entries if e.is_holiday),
        workdays=frozenset(e.date for e in entries if not e.is_holiday),
    )
    grid = month_calendar.Calendar(firstweekday=0)
    marks = {"off": pgettext("calendar mark", "off"), "work": pgettext("calendar mark", "work")}
    months = []
    working_days = 0
    for month in range(1, 13):
        weeks = []
        for week in grid.monthdatescalendar(year, month):
            cells = []
            for day in week:
                if day.month != month:
                    cells.append(None)
                    continue
                working = year_calendar.is_working_day(day)
                working_days += working
                entry = by_date.get(day)
                css, mark = _cell_style(entry, working, marks)
                cells.append(
                    {
                        "day": day,
                        "entry": entry,
                        "working": working,
                        "css": css,
                        "mark": mark,
                        "today": day == today,
                    }
                )
            weeks.append(cells)
        months.append({"first": date(year, month, 1), "weeks": weeks})
    has_holidays = any(e.is_holiday for e in entries)
    has_workdays = any(not e.is_holiday for e in entries)
    notices = []
    if not entries:
        notices.append(
            _(
                "Nothing is listed for %(year)s: every Monday to Friday counts as a working day. "
                "Add the year's public holidays and make-up working days from the State "
                "Council's notice."
            )
            % {"year": year}
        )
    elif has_holidays and not has_workdays:
        notices.append(
            _(
                "No make-up working day is listed for %(year)s. If the State Council's notice "
                "for the year names make-up working days (调休上班) or days off in lieu, add "
                "them: until then those Saturdays and Sundays count as days off."
            )
            % {"year": year}
        )
    return {
        "entries": entries,
        "groups": _groups(entries),
        "months": months,
        "weekday_names": _WEEKDAYS,
        "working_days": working_days,
        "holiday_count": sum(e.is_holiday for e in entries),
        "workday_count": sum(not e.is_holiday for e in entries),
        "notices": notices,
    }
