"""Demo analytics for `manage.py seed_demo` (the DEMO_DATA hook, after every other app's):
this year's company targets (year, quarters, months), split to the demo teams and, for this
quarter, to the reps of 上海销售一组 (广州销售组's split left incomplete to show the
difference), budgets of this quarter, the default scorecard weights, teamwork ratings of last
month, and a few expenses with receipts (one awaiting approval). Through the services, so the
rows obey the pages' rules. Idempotent: what exists is left alone."""

from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from teams.models import Team, User

from . import periods
from .models import Budget, Category, Expense, Metric, ScorecardWeight, Target, TeamworkRating
from .models.scorecards import DEFAULT_WEIGHTS
from .services import expenses as expense_services
from .services import scorecards as scorecard_services
from .services import targets as target_services

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
YEAR = {
    Metric.SALES_AMOUNT: Decimal("24000000"),
    Metric.COLLECTED: Decimal("20000000"),
    Metric.NEW_CUSTOMERS: Decimal("240"),
    Metric.GROSS_MARGIN: Decimal("7200000"),
}
TEAM_SHARES = {
    "上海销售一组": Decimal("0.4"),
    "杭州销售组": Decimal("0.25"),
    "广州销售组": Decimal("0.35"),
}
EXPENSES = [
    # rep, days ago, category, amount, description, approved
    ("rep_sh1", 20, Category.TRAVEL, "1260.00", "拜访苏州客户差旅", True),
    ("rep_sh1", 12, Category.ENTERTAINMENT, "860.00", "客户午餐", True),
    ("rep_sh2", 9, Category.MARKETING, "5200.00", "行业展会展位分摊", True),
    ("rep_gz1", 6, Category.SAMPLES, "1800.00", "样品寄送", True),
    ("rep_gz2", 2, Category.TRAVEL, "2350.00", "深圳客户现场调研", False),
]


def _split(amount, period):
    return (amount / {"year": 1, "quarter": 4, "month": 12}[period.granularity]).quantize(
        Decimal("0.01")
    )


def seed():
    today = timezone.localdate()
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=[
                "director",
                "manager_sh",
                "manager_gz",
                "rep_sh1",
                "rep_sh2",
                "rep_hz1",
                "rep_gz1",
                "rep_gz2",
            ]
        )
    }
    director = users.get("director")
    if director is None:
        return None
    year = periods.year(today.year)
    quarter = periods.containing("quarter", today)
    teams = {t.name: t for t in Team.objects.filter(name__in=TEAM_SHARES)}
    lines = []
    if not Target.objects.filter(level=Target.Level.COMPANY, period_start=year.start).exists():
        values = {}
        for period in (year, *year.children(), *(m for q in year.children() for m in q.children())):
            for metric, amount in YEAR.items():
                values[(period, metric)] = _split(amount, period)
        target_services.company_targets_set(by=director, values=values)
        for period in (year, quarter):
            target_services.team_targets_set(
                by=director,
                period=period,
                values={
                    (team.pk, metric): (_split(amount, period) * TEAM_SHARES[name]).quantize(
                        Decimal("0.01")
                    )
                    for name, team in teams.items()
                    for metric, amount in YEAR.items()
                },
            )
        for name, manager, reps, complete in (
            ("上海销售一组", "manager_sh", ["manager_sh", "rep_sh1", "rep_sh2"], True),
            ("广州销售组", "manager_gz", ["manager_gz", "rep_gz1", "rep_gz2"], False),
        ):
            team = teams.get(name)
            if team is None or manager not in users:
                continue
            values = {}
            for metric, amount in YEAR.items():
                team_amount = (_split(amount, quarter) * TEAM_SHARES[name]).quantize(
                    Decimal("0.01")
                )
                share = (team_amount / len(reps)).quantize(Decimal("0.01"))
                for index, username in enumerate(reps):
                    if username not in users:
                        continue
                    last = index == len(reps) - 1
                    values[(users[username].pk, metric)] = (
                        team_amount - share * (len(reps) - 1) if last and complete else share
                    )
            target_services.rep_targets_set(
                by=users[manager], team=team, period=quarter, values=values
            )
        lines.append("targets")
    if not Budget.objects.filter(period_start=quarter.start).exists():
        expense_services.budgets_set(
            by=director,
            period=quarter,
            values={
                (team.pk, category): Decimal("20000")
                if category != Category.MARKETING
                else Decimal("60000")
                for team in teams.values()
                for category in Category.values
            },
        )
        lines.append("budgets")
    if not ScorecardWeight.objects.exists():
        scorecard_services.weights_set(by=director, values=dict(DEFAULT_WEIGHTS))
        lines.append("weights")
    last_month = periods.containing("month", today.replace(day=1) - timedelta(days=1))
    if not TeamworkRating.objects.filter(period_start=last_month.start).exists():
        for manager, reps in (
            ("manager_sh", ["rep_sh1", "rep_sh2"]),
            ("manager_gz", ["rep_gz1", "rep_gz2"]),
        ):
            for index, username in enumerate(reps):
                if manager in users and username in users:
                    scorecard_services.rating_set(
                        by=users[manager],
                        rep=users[username],
                        period=last_month,
                        rating=4 + (index % 2),
                        comment="",
                    )
        lines.append("ratings")
    if not Expense.objects.filter(description__in=[e[4] for e in EXPENSES]).exists():
        for username, days, category, amount, description, approved in EXPENSES:
            rep = users.get(username)
            if rep is None:
                continue
            expense = expense_services.expense_create(
                by=rep,
                date=today - timedelta(days=days),
                category=category,
                amount=amount,
                description=description,
                receipt=SimpleUploadedFile("发票.pdf", PDF, content_type="application/pdf"),
            )
            manager = users.get("manager_sh" if username.startswith("rep_sh") else "manager_gz")
            if approved and manager is not None:
                expense_services.expense_decide(expense=expense, by=manager, approve=True)
        lines.append("expenses")
    if not lines:
        return None
    return "Demo analytics: " + ", ".join(lines) + "."
