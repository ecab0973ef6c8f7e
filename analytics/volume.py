"""The analytics volume data for benchmarks (`manage.py seed_volume`, the VOLUME_DATA hook,
after every other app's): for this year and the last, targets of the company, of every team
and of every rep (the year, its quarters and months, for the four metrics; splits that add
up), quarterly budgets per team and category, and 20 expenses per rep per year (mostly
approved). Bulk inserts (COPY on PostgreSQL); a year that has company targets already is
skipped. Deterministic for a given seed."""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from crm_site import bulk_insert

from . import periods
from .models import Budget, Category, Expense, Metric, Target

EXPENSES_PER_REP_YEAR = 20
FEN = Decimal("0.01")
# A rep's yearly target per metric (new customers: a count).
REP_YEAR = {
    Metric.SALES_AMOUNT: Decimal("2400000"),
    Metric.COLLECTED: Decimal("2000000"),
    Metric.NEW_CUSTOMERS: Decimal("24"),
    Metric.GROSS_MARGIN: Decimal("720000"),
}


def _all_periods(y):
    year = periods.year(y)
    quarters = year.children()
    return [year, *quarters, *(m for q in quarters for m in q.children())]


def _share(amount, period):
    """A year's amount for `period` (a quarter is a quarter, a month a twelfth)."""
    parts = {"year": 1, "quarter": 4, "month": 12}[period.granularity]
    return amount / parts


def _targets(y, organisation):
    teams = {team_id: reps for team_id, reps in organisation.reps_by_team.items() if reps}
    rows = []
    for period in _all_periods(y):
        for metric, per_rep in REP_YEAR.items():
            rep_amount = _share(per_rep, period).quantize(FEN)
            count = sum(len(r) for r in teams.values())
            common = {
                "metric": metric,
                "granularity": period.granularity,
                "period_start": period.start,
                "period_end": period.end,
            }
            rows.append(Target(level=Target.Level.COMPANY, amount=rep_amount * count, **common))
            for team_id, reps in teams.items():
                rows.append(
                    Target(
                        level=Target.Level.TEAM,
                        team_id=team_id,
                        amount=rep_amount * len(reps),
                        **common,
                    )
                )
                rows += [
                    Target(
                        level=Target.Level.REP,
                        team_id=team_id,
                        rep_id=rep.pk,
                        amount=rep_amount,
                        **common,
                    )
                    for rep in reps
                ]
    return rows


def _budgets(y, organisation):
    rows = []
    for team_id, reps in organisation.reps_by_team.items():
        for quarter in periods.year(y).children():
            for category in Category.values:
                rows.append(
                    Budget(
                        team_id=team_id,
                        granularity=quarter.granularity,
                        period_start=quarter.start,
                        period_end=quarter.end,
                        category=category,
                        amount=Decimal(6000 * max(len(reps), 1)),
                    )
                )
    return rows


def _expenses(y, organisation, rng, today):
    start = date(y, 1, 1)
    last = min(date(y, 12, 31), today)
    span = (last - start).days
    rows = []
    for team_id, reps in organisation.reps_by_team.items():
        for rep in reps:
            for _n in range(EXPENSES_PER_REP_YEAR):
                day = start + timedelta(days=rng.randint(0, max(span, 0)))
                roll = rng.random()
                status = (
                    Expense.Status.APPROVED
                    if roll < 0.8
                    else Expense.Status.PENDING
                    if roll < 0.93
                    else Expense.Status.REJECTED
                )
                rows.append(
                    {
                        "date": day,
                        "rep_id": rep.pk,
                        "team_id": team_id,
                        "category": rng.choice(Category.values),
                        "amount": Decimal(rng.randint(5000, 500000)) / 100,
                        "description": "规模测试费用",
                        "receipt": "",
                        "receipt_name": "",
                        "receipt_type": "",
                        "status": status,
                        "created_by_id": rep.pk,
                    }
                )
    return rows


def seed(*, options, organisation, log):
    today = timezone.localdate()
    rng = random.Random(f"{options.get('seed', 0)}-analytics")  # noqa: S311 - test data
    done = set(
        Target.objects.filter(level=Target.Level.COMPANY, granularity="year").values_list(
            "period_start__year", flat=True
        )
    )
    counts = {"targets": 0, "budgets": 0, "expenses": 0}
    writer = bulk_insert.RowWriter(Expense)
    for y in (today.year - 1, today.year):
        if y in done:
            continue
        with transaction.atomic(), bulk_insert.no_auto_now(Expense):
            targets = bulk_insert.create(Target, _targets(y, organisation))
            budgets = bulk_insert.create(Budget, _budgets(y, organisation))
            expenses = _expenses(y, organisation, rng, today)
            for index in range(0, len(expenses), bulk_insert.BATCH):
                writer.insert(Expense, expenses[index : index + bulk_insert.BATCH])
        counts["targets"] += len(targets)
        counts["budgets"] += len(budgets)
        counts["expenses"] += len(expenses)
        log(f"analytics {y}: {len(targets):,} targets, {len(expenses):,} expenses")
    return (
        f"Volume analytics: {counts['targets']:,} targets, {counts['budgets']:,} budgets, "
        f"{counts['expenses']:,} expenses."
    )
