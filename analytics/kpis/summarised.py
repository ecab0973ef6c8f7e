"""The dashboard's figures read from the summaries (analytics.models.summaries) instead of the
records: the same raw sums as analytics.kpis.compute's live reads, for the scope's reps, in a
few queries over small tables. tests/analytics/test_summaries.py proves them equal."""

from datetime import timedelta

from django.db.models import BooleanField, Case, CharField, Count, Q, Sum, Value, When
from django.db.models.expressions import RawSQL

from ..models import (
    Buyer,
    CustomerYear,
    DailyFunnel,
    DailySummary,
    MonthlySummary,
    SummaryState,
)
from ..services.summaries import BITS, SUMMED, ZERO_BITS, year_mask

TABLE = CustomerYear._meta.db_table


def as_of():
    """When the summaries were last refreshed (None: never built, the dashboard reads live)."""
    return SummaryState.as_of()


def _days(start, end):
    return Q(day__gte=start, day__lte=end)


def split_months(start, end):
    """The period from `start` to `end` as its whole months (first, last first days; None
    when it holds none) and the day ranges outside them."""
    first = start if start.day == 1 else _next_month(start)
    after = _next_month(end) if _next_month(end) - timedelta(days=1) == end else end.replace(day=1)
    if first >= after:
        return None, [(start, end)]
    edges = []
    if start < first:
        edges.append((start, first - timedelta(days=1)))
    if after <= end:
        edges.append((after, end))
    return (first, after - timedelta(days=1)), edges


def _next_month(day):
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _grouped_sums(queryset, field_name, ranges):
    """{"_c"/"_p": {sum: value}} of `queryset`'s rows whose `field_name` falls in `ranges`
    ({suffix: [(first, last)]}), grouped by which period (plain sums). One query."""
    whens, anywhere = [], Q(pk__in=[])
    for suffix, spans in ranges.items():
        for first, last in spans:
            q = Q(**{f"{field_name}__gte": first, f"{field_name}__lte": last})
            whens.append(When(q, then=Value(suffix)))
            anywhere |= q
    if not whens:
        return {}
    return {
        row.pop("which"): row
        for row in queryset.filter(anywhere)
        .order_by()
        .annotate(which=Case(*whens, default=Value(""), output_field=CharField()))
        .values("which")
        .annotate(**{name: Sum(name) for name in SUMMED})
    }


def sums(scope, periods):
    """compute()'s raw figures of contracts, payments, customers entered, opportunities
    closed, follow-ups, approvals and satisfaction for both periods: their whole months from
    the monthly rows, their odd days from the daily rows. One query, or two."""
    months, days = {}, {}
    for suffix, (start, end) in zip(("_c", "_p"), periods, strict=True):
        whole, edges = split_months(start, end)
        if whole:
            months[suffix] = [whole]
        if edges:
            days[suffix] = edges
    grouped = {}
    for found in (
        _grouped_sums(MonthlySummary.objects.filter(scope.q("rep")), "month", months),
        _grouped_sums(DailySummary.objects.filter(scope.q("rep")), "day", days),
    ):
        for suffix, row in found.items():
            into = grouped.setdefault(suffix, {})
            for name, value in row.items():
                if value is not None:
                    into[name] = into[name] + value if name in into else value
    raw = {}
    for suffix in ("_c", "_p"):
        found = grouped.get(suffix, {})

        def get(name, found=found):
            return found.get(name) or 0

        signed, won, approvals, scores = get("signed"), get("won"), get("approvals"), get("scores")
        raw.update(
            {
                # Sums of no record are None, as the live aggregates give.
                f"amount{suffix}": found["amount"] if signed else None,
                f"count{suffix}": signed,
                f"net{suffix}": found["net"] if signed else None,
                f"cost{suffix}": found["cost"] if signed else None,
                f"paid{suffix}": found["paid"] if get("paid") else None,
                f"new{suffix}": get("entered"),
                f"converted{suffix}": get("converted"),
                f"won{suffix}": won,
                f"lost{suffix}": get("lost"),
                f"cycle{suffix}": found["cycle_total"] / won if won else None,
                f"followups{suffix}": get("followups"),
                f"on_time{suffix}": get("on_time"),
                f"approval{suffix}": found["approval_total"] / approvals if approvals else None,
                f"approvals{suffix}": approvals,
                f"satisfaction{suffix}": found["score_total"] / scores if scores else None,
                f"scores{suffix}": scores,
            }
        )
    return raw


def _hits(year, start, end, columns):
    """The SQL condition: the row is of `year` and has a bit set among the days from `start`
    to `end` in it (False when none of those days is in `year`)."""
    mask = year_mask(year, start, end)
    if mask is None:
        return None
    bits = " | ".join(f'"{TABLE}"."{column}"' for column in columns)
    # Constant column names and bound parameters only.
    return Q(year=year) & Q(
        RawSQL(  # noqa: S611
            f"(({bits}) & %s::bit({BITS})) <> %s::bit({BITS})",
            (mask, ZERO_BITS),
            output_field=BooleanField(),
        )
    )


def _active_filter(start, end, columns):
    q = Q(pk__in=[])
    for year in range(start.year, end.year + 1):
        hit = _hits(year, start, end, columns)
        if hit is not None:
            q |= hit
    return q


def _count(when, single_year):
    """Customers matching `when`: rows, or distinct customers over several years' rows."""
    if single_year:
        return Count("pk", filter=when)
    return Count("customer", filter=when, distinct=True)


def customer_counts(scope, periods, *, signings, churn_days):
    """Active customers in each period and churned as of each period's end (compute's
    `active_c`, `active_p`, `churned_c`, `churned_p`). Two queries."""
    active_columns = ("followed", "signed") if signings else ("followed",)
    aggregates, years, windows = {}, set(), {}
    for suffix, (start, end) in zip(("_c", "_p"), periods, strict=True):
        aggregates[f"active{suffix}"] = _count(
            _active_filter(start, end, active_columns), start.year == end.year
        )
        years.update(range(start.year, end.year + 1))
        since = end - timedelta(days=churn_days - 1)
        windows[suffix] = end
        aggregates[f"awake{suffix}"] = _count(
            _active_filter(since, end, ("followed", "signed")) & Q(first_signed_on__lte=end),
            since.year == end.year,
        )
        years.update(range(since.year, end.year + 1))
    found = (
        CustomerYear.objects.filter(scope.q("owner"), year__in=sorted(years))
        .order_by()
        .aggregate(**aggregates)
    )
    buyers = Buyer.objects.filter(scope.q("owner")).aggregate(
        **{
            f"buyers{suffix}": Count("pk", filter=Q(first_signed_on__lte=day))
            for suffix, day in windows.items()
        }
    )
    return {
        "active_c": found["active_c"],
        "active_p": found["active_p"],
        "churned_c": buyers["buyers_c"] - found["awake_c"],
        "churned_p": buyers["buyers_p"] - found["awake_p"],
    }


def trend(scope, months, last):
    """{"YYYY-MM": (sales, collected)} of the months from `months[0]` to `last`. One query."""
    rows = (
        MonthlySummary.objects.filter(scope.q("rep"), month__gte=months[0], month__lte=last)
        .order_by()
        .values("month")
        .annotate(sales=Sum("amount"), collected=Sum("paid"))
    )
    return {row["month"].strftime("%Y-%m"): (row["sales"], row["collected"]) for row in rows}


def funnel_reach(scope, start, end):
    """{furthest stage order: opportunities created in the period}. One query."""
    return dict(
        DailyFunnel.objects.filter(scope.q("rep"), day__gte=start, day__lte=end)
        .order_by()
        .values_list("reach")
        .annotate(n=Sum("opportunities"))
    )


def _parts(start, end):
    """[(model, filter)]: the whole months of the period from the monthly rows, its odd days
    from the daily rows."""
    whole, edges = split_months(start, end)
    parts = [(DailySummary, Q(day__gte=first, day__lte=last)) for first, last in edges]
    if whole:
        parts.append((MonthlySummary, Q(month__gte=whole[0], month__lte=whole[1])))
    return parts


def rep_sums(start, end, rep_ids, names):
    """{rep id: {name: sum}} of the reps over the period. One query per part."""
    found = {}
    for model, when in _parts(start, end):
        for row in (
            model.objects.filter(when, rep_id__in=list(rep_ids))
            .order_by()
            .values("rep")
            .annotate(**{name: Sum(name) for name in names})
        ):
            into = found.setdefault(row.pop("rep"), {})
            for name, value in row.items():
                into[name] = into.get(name, 0) + (value or 0)
    return found


def rep_sales(scope, start, end):
    """{rep id: {"amount", "count"}} of the contracts signed in the period. One query per
    part (whole months, odd days)."""
    found = {}
    for model, when in _parts(start, end):
        for row in (
            model.objects.filter(scope.q("rep"), when, signed__gt=0)
            .order_by()
            .values("rep")
            .annotate(amount=Sum("amount"), count=Sum("signed"))
        ):
            into = found.setdefault(row["rep"], {"rep": row["rep"], "amount": 0, "count": 0})
            into["amount"] += row["amount"]
            into["count"] += row["count"]
    return found


__all__ = [
    "as_of",
    "customer_counts",
    "funnel_reach",
    "rep_sales",
    "rep_sums",
    "sums",
    "trend",
]
