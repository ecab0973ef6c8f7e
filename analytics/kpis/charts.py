"""The dashboard's other reads: the 12-month trend, the stage funnel and the ranking of reps.
A few queries each, whatever the data."""

from datetime import timedelta

from django.db.models import Case, Count, F, Max, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Greatest, TruncMonth

from contracts.models import Contract, Payment
from opportunities.models import Opportunity, Stage, StageChange
from teams import policy, roles
from teams.models import User

from .. import targets as target_api
from . import summarised
from .scope import months_back


def _month_end(first):
    return (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def trend(scope, end, *, summaries=False):
    """Sales amount and collected payments per month, the 12 months up to `end`'s month."""
    months = months_back(end)
    start, last = months[0], _month_end(months[-1])
    if summaries:
        found = summarised.trend(scope, months, last)
        keys = [m.strftime("%Y-%m") for m in months]
        return {
            "months": keys,
            "sales": [float((found.get(k) or (0, 0))[0] or 0) for k in keys],
            "collected": [float((found.get(k) or (0, 0))[1] or 0) for k in keys],
        }
    signed = (
        Contract.objects.signed()
        .filter(scope.q("owner"), signed_on__gte=start, signed_on__lte=last)
        .annotate(month=TruncMonth("signed_on"))
        .order_by()
        .values("month")
        .annotate(total=Sum("amount"))
    )
    paid = (
        Payment.objects.filter(
            scope.q("contract__owner"), received_on__gte=start, received_on__lte=last
        )
        .annotate(month=TruncMonth("received_on"))
        .order_by()
        .values("month")
        .annotate(total=Sum("amount"))
    )

    def by_month(rows):
        found = {row["month"].strftime("%Y-%m"): float(row["total"] or 0) for row in rows}
        return [found.get(m.strftime("%Y-%m"), 0.0) for m in months]

    return {
        "months": [m.strftime("%Y-%m") for m in months],
        "sales": by_month(signed),
        "collected": by_month(paid),
    }


def funnel(scope, start, end, *, summaries=False):
    """The opportunities created in the period that reached each stage on the way to won, and
    the conversion from each stage to the next. One query for the stages, one for the counts."""
    stages = list(Stage.objects.active().filter(is_lost=False).order_by("order", "pk"))
    if summaries:
        reached = summarised.funnel_reach(scope, start, end)
    else:
        reached = _reached(scope, start, end)
    counts = {
        f"s{stage.pk}": sum(n for order, n in reached.items() if order >= stage.order)
        for stage in stages
    }
    rows, before = [], None
    for stage in stages:
        count = counts.get(f"s{stage.pk}") or 0
        rows.append(
            {
                "stage": stage,
                "count": count,
                "conversion": (count / before) if before else None,
            }
        )
        before = count
    return rows


def _reached(scope, start, end):
    """{furthest stage order: opportunities created in the period}, from the records."""
    from customers.querysets import day_after, day_start

    created = Opportunity.objects.filter(
        scope.q("owner"), created_at__gte=day_start(start), created_at__lt=day_after(end)
    )
    # Each opportunity's furthest stage on the way to won (now or in its history), counted per
    # stage in one grouped query; a stage's figure is the count at it or beyond.
    furthest = Subquery(
        StageChange.objects.filter(opportunity=OuterRef("pk"), to_stage__is_lost=False)
        .order_by()
        .values("opportunity")
        .annotate(top=Max("to_stage__order"))
        .values("top")
    )
    current = Case(When(stage__is_lost=False, then=F("stage__order")), default=Value(0))
    return dict(
        created.order_by()
        .annotate(reach=Greatest(Coalesce(furthest, Value(0)), current))
        .values_list("reach")
        .annotate(n=Count("pk"))
    )


def ranking(scope, start, end, *, summaries=False):
    """The reps of the scope by sales amount in the period, with their targets; a rep reads
    their own row only. Three queries."""
    users = User.objects.filter(
        policy.users_q(scope.user), is_active=True, role__in=roles.SELLS
    ).order_by("pk")
    if scope.rep:
        users = users.filter(pk=scope.rep.pk)
    elif scope.team:
        users = users.filter(team_id__in=scope.team_ids())
    people = list(users.only("pk", "username", "first_name", "last_name", "team_id"))
    if summaries:
        figures = summarised.rep_sales(scope, start, end)
    else:
        figures = {
            row["owner"]: row
            for row in Contract.objects.signed()
            .filter(scope.q("owner"), signed_on__gte=start, signed_on__lte=end)
            .order_by()
            .values("owner")
            .annotate(amount=Sum("amount"), count=Count("pk"))
        }
    targets = target_api.targets_for(
        "sales_amount", start, end, by="rep", ids=[p.pk for p in people]
    )
    rows = []
    for person in people:
        row = figures.get(person.pk, {})
        amount = row.get("amount") or 0
        target = targets.get(person.pk)
        rows.append(
            {
                "user": person,
                "amount": amount,
                "count": row.get("count") or 0,
                "target": target,
                "completion": float(amount) / float(target) if target else None,
            }
        )
    rows.sort(key=lambda r: (-r["amount"], r["user"].pk))
    for position, row in enumerate(rows, 1):
        row["rank"] = position
    return rows
