"""Rules of the working-day calendar, once: forms show them, services enforce them."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import CALENDAR_FIRST_DATE, CALENDAR_LAST_DATE, CalendarDay

# One entry adds at most this many days (the longest official break is 9 days).
MAX_RANGE_DAYS = 31


def _shown(day):
    return date_format(day, "DATE_FORMAT")


def check_calendar_days(days, kind, *, exclude_pk=None):
    """Raise ValidationError with every problem of listing `days` as `kind`.

    One query: the dates already listed (other than the row being edited).
    """
    problems = []
    outside = [d for d in days if not CALENDAR_FIRST_DATE <= d <= CALENDAR_LAST_DATE]
    if outside:
        problems.append(
            _("The calendar holds dates from %(first)s to %(last)s; %(date)s is outside.")
            % {
                "first": CALENDAR_FIRST_DATE.year,
                "last": CALENDAR_LAST_DATE.year,
                "date": _shown(outside[0]),
            }
        )
    if kind == CalendarDay.Kind.WORKDAY:
        for day in days:
            if day.weekday() < 5:
                problems.append(
                    _(
                        "%(date)s is a weekday and so a working day already: a make-up working "
                        "day is a Saturday or Sunday."
                    )
                    % {"date": _shown(day)}
                )
    listed = CalendarDay.objects.filter(date__in=days).exclude(pk=exclude_pk).order_by("date")
    for row in listed:
        problems.append(
            _("%(date)s is already listed as %(kind)s (%(name)s): change that entry instead.")
            % {"date": _shown(row.date), "kind": row.get_kind_display(), "name": row.name}
        )
    if problems:
        raise ValidationError(problems)


def check_range(first, last):
    """The days from `first` through `last`, or ValidationError."""
    if last < first:
        raise ValidationError(_("The last day is before the first day."))
    count = (last - first).days + 1
    if count > MAX_RANGE_DAYS:
        raise ValidationError(
            _("One entry covers at most %(max)s days; this range has %(count)s.")
            % {"max": MAX_RANGE_DAYS, "count": count}
        )
    return [first + timedelta(days=n) for n in range(count)]
