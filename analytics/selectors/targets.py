"""Targets as grids for the pages, with whether each split adds up.

A split is complete when the children's targets sum to the parent's for every metric with a
parent target; otherwise it is shown with the difference (parent − sum) and marked
incomplete. Nothing here is stored: the status is computed from the rows each time."""

from dataclasses import dataclass
from decimal import Decimal

from teams.models import Team

from ..models import Metric, Target
from ..services.targets import key_customers, split_members

ZERO = Decimal("0.00")


@dataclass
class SplitColumn:
    metric: str
    parent: Decimal | None
    total: Decimal

    @property
    def label(self):
        return Metric(self.metric).label

    @property
    def difference(self):
        return None if self.parent is None else self.parent - self.total

    @property
    def complete(self):
        return self.parent is not None and self.total == self.parent


@dataclass
class Split:
    period: object
    parent_label: str
    children: list  # [(key, label, {metric: Decimal | None})]
    columns: list  # [SplitColumn]

    @property
    def complete(self):
        return all(c.complete for c in self.columns if c.parent is not None) and any(
            c.parent is not None for c in self.columns
        )

    @property
    def has_parent(self):
        return any(c.parent is not None for c in self.columns)

    @property
    def started(self):
        """Whether any share is set (an optional split not begun is not incomplete)."""
        return any(
            value is not None for _k, _l, values in self.children for value in values.values()
        )


def _split(period, parent_rows, child_rows, children, key_of, parent_label):
    parent = {row.metric: row.amount for row in parent_rows}
    amounts = {}
    for row in child_rows:
        amounts.setdefault(key_of(row), {})[row.metric] = row.amount
    child_list = [(key, label, amounts.get(key, {})) for key, label in children]
    columns = [
        SplitColumn(
            metric=metric,
            parent=parent.get(metric),
            total=sum((values.get(metric) or ZERO for _k, _l, values in child_list), ZERO),
        )
        for metric in Metric.values
    ]
    return Split(period, parent_label, child_list, columns)


def _period_rows(period, **filters):
    return Target.objects.filter(
        granularity=period.granularity, period_start=period.start, **filters
    )


def team_split(period, teams):
    """The company's target for `period` split to `teams`. Two queries."""
    return _split(
        period,
        _period_rows(period, level=Target.Level.COMPANY),
        _period_rows(period, level=Target.Level.TEAM, team__in=[t.pk for t in teams]),
        [(team.pk, team.name) for team in teams],
        lambda row: row.team_id,
        parent_label=str(Target.Level.COMPANY.label),
    )


def rep_split(period, team):
    """`team`'s target for `period` split to its reps. Three queries."""
    reps = list(split_members(team))
    return _split(
        period,
        _period_rows(period, level=Target.Level.TEAM, team=team),
        _period_rows(period, level=Target.Level.REP, rep__in=[r.pk for r in reps]),
        [(rep.pk, rep.display_name) for rep in reps],
        lambda row: row.rep_id,
        parent_label=team.name,
    )


def customer_split(period, rep):
    """`rep`'s target for `period` split to their key customers (optional). Three queries."""
    rows = list(
        _period_rows(period, level=Target.Level.CUSTOMER, rep=rep).only(
            "customer_id", "metric", "amount"
        )
    )
    customers = list(key_customers(rep, extra_ids={row.customer_id for row in rows}))
    return _split(
        period,
        _period_rows(period, level=Target.Level.REP, rep=rep),
        rows,
        [(customer.pk, customer.name) for customer in customers],
        lambda row: row.customer_id,
        parent_label=rep.display_name,
    )


def year_split(year_period):
    """The company's targets of a year: the year, its quarters and months, and whether the
    quarters add up to the year and each quarter's months to the quarter. One query."""
    rows = Target.objects.filter(
        level=Target.Level.COMPANY,
        period_start__gte=year_period.start,
        period_start__lte=year_period.end,
    )
    by = {}
    for row in rows:
        by.setdefault((row.granularity, row.period_start), {})[row.metric] = row.amount
    sections = []
    for parent in (year_period, *year_period.children()):
        children = parent.children()
        parent_values = by.get((parent.granularity, parent.start), {})
        child_values = [(c, by.get((c.granularity, c.start), {})) for c in children]
        columns = [
            SplitColumn(
                metric=metric,
                parent=parent_values.get(metric),
                total=sum((v.get(metric) or ZERO for _c, v in child_values), ZERO),
            )
            for metric in Metric.values
        ]
        sections.append(
            {
                "period": parent,
                "values": parent_values,
                "children": child_values,
                "columns": columns,
            }
        )
    return sections


def splittable_teams(user):
    """The teams whose targets `user` splits to reps: every team with sellers for who sets
    targets, a manager's team subtree otherwise."""
    from teams import policy

    from .. import permissions

    teams = Team.objects.filter(kind=Team.Kind.TEAM).order_by("name")
    if permissions.can_set_targets(user):
        return teams
    if not permissions.may_split_targets(user):
        return teams.none()
    return teams.filter(pk__in=policy.team_subtree_ids(user.team_id))
