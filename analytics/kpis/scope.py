"""Whose figures: the company, a team's subtree or one rep, always within what the teams
policy lets the reader see (`policy.owned_q`), and the periods compared."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q

from teams import policy
from teams.models import Team, User


@dataclass(frozen=True)
class Scope:
    user: User  # who reads
    team: Team | None = None
    rep: User | None = None

    @property
    def kind(self):
        return "rep" if self.rep else "team" if self.team else "company"

    def team_ids(self):
        if not self.team:
            return None
        cached = getattr(self, "_team_ids", None)
        if cached is None:
            cached = policy.team_subtree_ids(self.team.pk)
            object.__setattr__(self, "_team_ids", cached)
        return cached

    def q(self, owner):
        """The filter on records owned through the path `owner`."""
        q = policy.owned_q(self.user, owner_field=owner)
        if self.rep:
            q &= Q(**{owner: self.rep.pk})
        elif self.team:
            q &= Q(**{f"{owner}__team_id__in": self.team_ids()})
        return q


def year_before(start, end):
    """The same period a year before. A period ending on its month's last day ends on that
    month's last day (February 2025 → 1-29 February 2024); 29 February has no match and
    starts the day after (1 March) or ends the day before (28 February)."""

    def back(day, *, is_end):
        year = day.year - 1
        if is_end and day.day == calendar.monthrange(day.year, day.month)[1]:
            return date(year, day.month, calendar.monthrange(year, day.month)[1])
        if day.month == 2 and day.day == 29:
            return date(year, 2, 28) if is_end else date(year, 3, 1)
        return date(year, day.month, day.day)

    return back(start, is_end=False), back(end, is_end=True)


def months_back(end, count=12):
    """The first days of the `count` months up to `end`'s month, oldest first."""
    first = end.replace(day=1)
    months = []
    for _ in range(count):
        months.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    return months[::-1]
