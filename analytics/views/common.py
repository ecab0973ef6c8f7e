"""What the analytics views share: the period from the query string, rendering a refusal."""

from django.utils import timezone

from .. import periods


def period_from(params, default_granularity=periods.Granularity.QUARTER):
    """The period `?period=` names, or the current one of `default_granularity`."""
    found = periods.parse(params.get("period", ""))
    return found or periods.containing(default_granularity, timezone.localdate())


def year_from(params):
    found = periods.parse(params.get("year", ""))
    if found is not None and found.granularity == periods.Granularity.YEAR:
        return found
    return periods.year(timezone.localdate().year)


def period_choices(around):
    """Periods for a picker: the year of `around`, its quarters and months, and the years
    before and after."""
    y = around.start.year
    found = [periods.year(y - 1), periods.year(y), periods.year(y + 1)]
    found += [periods.quarter(y, q) for q in range(1, 5)]
    found += [periods.month(y, m) for m in range(1, 13)]
    return found
