"""Read API of sales targets for the dashboard, the scorecards and the exports.

    target_for(metric, start, end, team=None, rep=None) -> Decimal | None
        The target of the company (neither given), of a team, or of a rep for the days from
        `start` to `end` inclusive; None when no target covers them. One query.
    targets_for(metric, start, end, *, by, ids=None) -> {id: Decimal}
        The same for many teams (`by="team"`) or reps (`by="rep"`) at once (only those with a
        target). One query, whatever the number.

How a range reads the rows (periods.amount_over): whole years, quarters and months take their
own row, largest first; a part of a month is prorated by days from the finest row covering it.
A team's target is its own row (set by the director), not the sum of its reps' split: whether
the split adds up is `selectors.targets.split_status`.

`metric` is a `Metric` value: sales amount (yuan, by signing date), collected payments (yuan,
by payment date), new customers (a count), gross margin (yuan)."""

from collections import defaultdict

from .models import Metric, Target
from .periods import amount_over

__all__ = ["Metric", "target_for", "targets_for"]


def _rows(metric, start, end):
    return Target.objects.filter(metric=metric, period_start__lte=end, period_end__gte=start)


def target_for(metric, start, end, team=None, rep=None):
    rows = _rows(metric, start, end)
    if rep is not None:
        rows = rows.filter(level=Target.Level.REP, rep=rep)
    elif team is not None:
        rows = rows.filter(level=Target.Level.TEAM, team=team)
    else:
        rows = rows.filter(level=Target.Level.COMPANY)
    return amount_over(list(rows.only("granularity", "period_start", "amount")), start, end)


def targets_for(metric, start, end, *, by, ids=None):
    if by not in ("team", "rep"):
        raise ValueError("by is 'team' or 'rep'")
    level = Target.Level.REP if by == "rep" else Target.Level.TEAM
    rows = _rows(metric, start, end).filter(level=level)
    if ids is not None:
        rows = rows.filter(**{f"{by}_id__in": list(ids)})
    grouped = defaultdict(list)
    for row in rows.only("granularity", "period_start", "amount", "team_id", "rep_id"):
        grouped[getattr(row, f"{by}_id")].append(row)
    found = {}
    for key, items in grouped.items():
        amount = amount_over(items, start, end)
        if amount is not None:
            found[key] = amount
    return found
