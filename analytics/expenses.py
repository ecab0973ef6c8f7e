"""Read API of expenses and budgets for the dashboard, the budget pages and the exports.

    expenses_total(start, end, *, team=None, rep=None, category=None, approved_only=True)
        -> Decimal
        The expenses dated from `start` to `end` (inclusive), approved ones only unless told.
        A team's are those entered while the rep was in that team (or any team of `team`'s
        subtree with `subtree=True`). One query.
    expenses_by(start, end, *, by, team_ids=None, approved_only=True) -> {key: Decimal}
        Totals per "rep", "team" or "category" (keys: user ids, team ids, category codes).
        One query.
    budget_for(start, end, *, team=None, category=None) -> Decimal | None
        The budget of a team (all teams when None) for the range, read like targets
        (periods.amount_over per team and category); None when no budget covers it.
    budget_use(start, end, *, team_ids=None) -> [BudgetUse]
        Per team: budget, approved spending, the share used (None without a budget) and the
        spending per rep. Two queries, whatever the number of teams.

Expense amounts are yuan to the fen; the dashboard's expense ratio is
expenses_total / sales amount over the same range and scope."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from .models import Budget, Category, Expense
from .periods import amount_over

__all__ = ["BudgetUse", "Category", "budget_for", "budget_use", "expenses_by", "expenses_total"]

ZERO = Decimal("0.00")


def _expenses(start, end, approved_only):
    rows = Expense.objects.filter(date__gte=start, date__lte=end)
    if approved_only:
        rows = rows.filter(status=Expense.Status.APPROVED)
    return rows


def expenses_total(
    start, end, *, team=None, rep=None, category=None, approved_only=True, subtree=False
):
    rows = _expenses(start, end, approved_only)
    if rep is not None:
        rows = rows.filter(rep=rep)
    if team is not None:
        if subtree:
            from teams.policy import team_subtree_ids

            rows = rows.filter(team_id__in=team_subtree_ids(getattr(team, "pk", team)))
        else:
            rows = rows.filter(team=team)
    if category is not None:
        rows = rows.filter(category=category)
    return rows.aggregate(total=Sum("amount"))["total"] or ZERO


def expenses_by(start, end, *, by, team_ids=None, approved_only=True):
    column = {"rep": "rep_id", "team": "team_id", "category": "category"}[by]
    rows = _expenses(start, end, approved_only)
    if team_ids is not None:
        rows = rows.filter(team_id__in=list(team_ids))
    return dict(rows.order_by().values_list(column).annotate(total=Sum("amount")))


def _budget_rows(start, end, team_ids=None, category=None):
    rows = Budget.objects.filter(period_start__lte=end, period_end__gte=start)
    if team_ids is not None:
        rows = rows.filter(team_id__in=list(team_ids))
    if category is not None:
        rows = rows.filter(category=category)
    return rows.only("team_id", "category", "granularity", "period_start", "amount")


def _budget_by_team(rows, start, end):
    grouped = defaultdict(list)
    for row in rows:
        grouped[(row.team_id, row.category)].append(row)
    found = {}
    for (team_id, _category), items in grouped.items():
        amount = amount_over(items, start, end)
        if amount is not None:
            found[team_id] = found.get(team_id, ZERO) + amount
    return found


def budget_for(start, end, *, team=None, category=None):
    team_ids = None if team is None else [getattr(team, "pk", team)]
    found = _budget_by_team(_budget_rows(start, end, team_ids, category), start, end)
    if not found:
        return None
    return sum(found.values(), ZERO)


@dataclass
class BudgetUse:
    team_id: int
    budget: Decimal | None
    spent: Decimal
    per_rep: dict = field(default_factory=dict)  # {user id: Decimal}

    @property
    def used(self):
        """The share of the budget spent (0.5 for half), or None without a budget."""
        if not self.budget:
            return None
        return self.spent / self.budget

    @property
    def remaining(self):
        return None if self.budget is None else self.budget - self.spent


def budget_use(start, end, *, team_ids=None):
    budgets = _budget_by_team(_budget_rows(start, end, team_ids), start, end)
    spent = _expenses(start, end, approved_only=True)
    if team_ids is not None:
        spent = spent.filter(team_id__in=list(team_ids))
    per_rep = defaultdict(dict)
    for team_id, rep_id, total in (
        spent.order_by().values_list("team_id", "rep_id").annotate(total=Sum("amount"))
    ):
        per_rep[team_id][rep_id] = total
    keys = set(budgets) | set(per_rep)
    if team_ids is not None:
        keys |= set(team_ids)
    return [
        BudgetUse(
            team_id=team_id,
            budget=budgets.get(team_id),
            spent=sum(per_rep[team_id].values(), ZERO) if team_id in per_rep else ZERO,
            per_rep=per_rep.get(team_id, {}),
        )
        for team_id in sorted(k for k in keys if k is not None)
    ]
