"""The KPI figures for a period and a scope, optionally cut by a dimension: a constant number
of queries whatever the data (one aggregate per source, both periods in it; one more per
source for a cut), read through the database router (analytics/router.py)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.utils import timezone

from aftersales.models import Satisfaction
from contracts.models import ApprovalRound, Contract, ContractLine, Payment
from customers.models import Customer, FollowUp
from customers.querysets import day_after, day_start
from opportunities.models import Opportunity

from .. import expenses as expense_api
from .. import targets as target_api
from ..models import KpiSettings
from . import summarised
from .definitions import BY_CODE, KPIS
from .scope import year_before

ZERO = Decimal("0.00")

# Per source: the path to the owner whose figures they are, and the prefix to the customer.
SOURCES = {
    "contracts": ("owner", "customer__"),
    "lines": ("contract__owner", "contract__customer__"),
    "payments": ("contract__owner", "contract__customer__"),
    "customers": ("owner", ""),
    "opportunities": ("owner", "customer__"),
    "followups": ("customer__owner", "customer__"),
    "rounds": ("contract__owner", "contract__customer__"),
    "satisfaction": ("customer__owner", "customer__"),
}
DIMENSIONS = ("team", "rep", "region", "industry", "product", "source", "grade")


def dimension_path(source, dimension):
    """The column a source is grouped by for a cut, or None where the cut does not apply
    (only contract figures are cut by product, through their lines)."""
    owner, customer = SOURCES[source]
    if dimension == "product":
        return "product" if source == "lines" else None
    if source == "lines":
        return None
    return {
        "team": f"{owner}__team",
        "rep": owner,
        "region": f"{customer}region",
        "industry": f"{customer}industry",
        "grade": f"{customer}grade",
        # An opportunity has a source of its own; the others go by the customer's lead source.
        "source": "source" if source == "opportunities" else f"{customer}lead_source",
    }[dimension]


def _days(field_name, start, end):
    return Q(**{f"{field_name}__gte": start, f"{field_name}__lte": end})


def _moments(field_name, start, end):
    return Q(**{f"{field_name}__gte": day_start(start), f"{field_name}__lt": day_after(end)})


def _both(aggregate, expression, when, periods, **extra):
    """The same aggregate for the current (`_c`) and the previous (`_p`) period."""
    return {
        "_c": aggregate(expression, filter=when(*periods[0]), **extra),
        "_p": aggregate(expression, filter=when(*periods[1]), **extra),
    }


def _aggregates(spec, periods):
    found = {}
    for name, (aggregate, expression, when) in spec.items():
        for suffix, value in _both(aggregate, expression, when, periods).items():
            found[f"{name}{suffix}"] = value
    return found


def _run(queryset, aggregates, group):
    """Totals, and per value of `group` when cut (None: not cut or the cut does not apply)."""
    totals = queryset.order_by().aggregate(**aggregates)
    rows = {}
    if group:
        for row in queryset.order_by().values(group).annotate(**aggregates):
            rows[row.pop(group)] = row
    return totals, rows


@dataclass
class Figure:
    kpi: object
    actual: object = None
    previous: object = None
    target: object = None

    @property
    def completion(self):
        if self.target in (None, 0) or self.actual is None:
            return None
        return float(self.actual) / float(self.target)

    @property
    def yoy(self):
        if self.previous in (None, 0) or self.actual is None:
            return None
        return (float(self.actual) - float(self.previous)) / abs(float(self.previous))


@dataclass
class Result:
    start: object
    end: object
    previous: tuple
    figures: dict = field(default_factory=dict)
    cut: str | None = None
    cut_rows: dict = field(default_factory=dict)  # value -> {code: actual}
    raw: dict = field(default_factory=dict)


def _ratio(numerator, denominator):
    if not denominator or numerator is None:
        return None
    return float(numerator) / float(denominator)


def _hours(duration):
    return None if duration is None else round(duration.total_seconds() / 3600, 1)


def _days_of(duration):
    return None if duration is None else round(duration.total_seconds() / 86400, 1)


def _values(raw, suffix):
    """Every KPI's value from the raw sums of one period (`_c` or `_p`) or of a cut row."""

    def get(name):
        return raw.get(f"{name}{suffix}")

    amount, net, cost = get("amount"), get("net"), get("cost")
    margin = None if net is None else net - (cost or ZERO)
    won, lost = get("won"), get("lost")
    expenses = get("expenses")
    return {
        "sales_amount": amount or (ZERO if "amount" + suffix in raw else None),
        "sales_count": get("count"),
        "growth": None,  # the sales amount's change year on year (compute() fills it)
        "collected": get("paid") or (ZERO if "paid" + suffix in raw else None),
        "new_customers": get("new"),
        "active_customers": get("active"),
        "churned_customers": get("churned"),
        "lead_conversion": _ratio(get("converted"), get("new")),
        "opportunity_conversion": _ratio(won, (won or 0) + (lost or 0)),
        "average_deal": None if not get("count") else (amount / get("count")).quantize(ZERO),
        "sales_cycle": _days_of(get("cycle")),
        "gross_margin": margin,
        "gross_margin_rate": _ratio(margin, net),
        "expense_ratio": _ratio(expenses, amount) if expenses is not None else None,
        "budget_use": _ratio(expenses, get("budget")) if expenses is not None else None,
        "followup_timeliness": _ratio(get("on_time"), get("followups")),
        "customers_overdue": get("overdue"),
        "approval_lead_time": _hours(get("approval")),
        "satisfaction": None if get("satisfaction") is None else round(get("satisfaction"), 2),
    }


def compute(*, scope, start, end, cut=None, settings=None, summaries=False):
    """The figures of `scope` (analytics.kpis.scope.Scope) from `start` to `end` (dates,
    inclusive) with those of the same period a year before, and, with `cut` (a dimension),
    the figures per value of it. With `summaries` (not cut), the sums and the customer counts
    are read from the summary tables (analytics.kpis.summarised), as of their last refresh."""
    if summaries and cut is None:
        return _from_summaries(scope, start, end, settings or KpiSettings.load())
    settings = settings or KpiSettings.load()
    previous = year_before(start, end)
    periods = ((start, end), previous)
    raw, rows = {}, {}

    def collect(source, queryset, spec, extra=None):
        aggregates = _aggregates(spec, periods)
        aggregates.update(extra or {})
        group = dimension_path(source, cut) if cut else None
        totals, grouped = _run(queryset.filter(scope.q(SOURCES[source][0])), aggregates, group)
        raw.update(totals)
        for key, row in grouped.items():
            rows.setdefault(key, {}).update(row)

    either = lambda when: when(*periods[0]) | when(*periods[1])  # noqa: E731

    # Contracts signed (by signing date): amount, count, before tax, cost.
    signed = lambda s, e: _days("signed_on", s, e)  # noqa: E731
    contract_spec = {
        "amount": (Sum, "amount", signed),
        "count": (Count, "pk", signed),
        "net": (Sum, "amount_before_tax", signed),
        "cost": (Sum, "cost_amount", signed),
    }
    if cut == "product":
        raw.update(
            _run(
                Contract.objects.signed().filter(either(signed), scope.q("owner")),
                _aggregates(contract_spec, periods),
                None,
            )[0]
        )
        line_signed = lambda s, e: _days("contract__signed_on", s, e)  # noqa: E731
        lines = ContractLine.objects.filter(contract__status__in=Contract.SIGNED_STATES).filter(
            either(line_signed)
        )
        _totals, grouped = _run(
            lines.filter(scope.q("contract__owner")),
            _aggregates(
                {
                    "amount": (Sum, "line_total", line_signed),
                    "count": (Count, "contract", line_signed),
                    "net": (Sum, "amount_before_tax", line_signed),
                    "cost": (Sum, "line_cost", line_signed),
                },
                periods,
            ),
            "product",
        )
        for key, row in grouped.items():
            rows.setdefault(key, {}).update(row)
    else:
        collect("contracts", Contract.objects.signed().filter(either(signed)), contract_spec)

    # Payments (by payment date).
    received = lambda s, e: _days("received_on", s, e)  # noqa: E731
    collect(
        "payments", Payment.objects.filter(either(received)), {"paid": (Sum, "amount", received)}
    )

    # Customers: new and converted (by date entered).
    entered = lambda s, e: _moments("created_at", s, e)  # noqa: E731
    signings = settings.active_counts_signings

    def converted(s, e):
        return entered(s, e) & Q(status=Customer.Status.CUSTOMER)

    collect(
        "customers",
        Customer.objects.filter(either(entered)),
        {"new": (Count, "pk", entered), "converted": (Count, "pk", converted)},
    )
    # Overdue now, active in each period and churned as of each period's end: one count each
    # (their subqueries are joined once at the top of a query, never per customer).
    customers = Customer.objects.filter(scope.q("owner"))
    group = dimension_path("customers", cut) if cut else None
    counts = {
        "overdue_c": customers.overdue(timezone.localdate()),
        "active_c": customers.active_between(start, end, signings=signings),
        "active_p": customers.active_between(*previous, signings=signings),
        "churned_c": customers.churned_as_of(end, settings.churn_days),
        "churned_p": customers.churned_as_of(previous[1], settings.churn_days),
    }
    for name, found in counts.items():
        raw[name] = found.order_by().count()
        if group:
            for key, n in found.order_by().values_list(group).annotate(n=Count("pk")):
                rows.setdefault(key, {})[name] = n

    # Opportunities closed (by closing date): won, lost, days from creation to the win.
    closed = lambda s, e: _moments("closed_at", s, e)  # noqa: E731
    won = lambda s, e: closed(s, e) & Q(status=Opportunity.Status.WON)  # noqa: E731
    lost = lambda s, e: closed(s, e) & Q(status=Opportunity.Status.LOST)  # noqa: E731
    cycle = ExpressionWrapper(F("closed_at") - F("created_at"), output_field=DurationField())
    collect(
        "opportunities",
        Opportunity.objects.filter(either(closed)),
        {"won": (Count, "pk", won), "lost": (Count, "pk", lost), "cycle": (Avg, cycle, won)},
    )

    # Follow-ups (by the day they happened): all, and recorded within 24 hours.
    happened = lambda s, e: _moments("occurred_at", s, e)  # noqa: E731
    on_time = lambda s, e: happened(s, e) & Q(is_late=False)  # noqa: E731
    collect(
        "followups",
        FollowUp.objects.filter(either(happened)),
        {"followups": (Count, "pk", happened), "on_time": (Count, "pk", on_time)},
    )

    # Approval rounds approved (by approval date): hours from submission.
    approved = lambda s, e: _moments("finished_at", s, e)  # noqa: E731
    waited = ExpressionWrapper(F("finished_at") - F("submitted_at"), output_field=DurationField())
    collect(
        "rounds",
        ApprovalRound.objects.filter(outcome=ApprovalRound.Outcome.APPROVED).filter(
            either(approved)
        ),
        {"approval": (Avg, waited, approved), "approvals": (Count, "pk", approved)},
    )

    # Satisfaction scores (by the day recorded).
    recorded = lambda s, e: _moments("recorded_at", s, e)  # noqa: E731
    collect(
        "satisfaction",
        Satisfaction.objects.filter(either(recorded)),
        {"satisfaction": (Avg, "score", recorded), "scores": (Count, "pk", recorded)},
    )

    # Expenses and budget (analytics.expenses): the scope's team or rep; not cut.
    _expenses(scope, periods, raw)

    return _result(scope, start, end, previous, cut, raw, rows)


def _from_summaries(scope, start, end, settings):
    previous = year_before(start, end)
    periods = ((start, end), previous)
    raw = summarised.sums(scope, periods)
    raw.update(
        summarised.customer_counts(
            scope,
            periods,
            signings=settings.active_counts_signings,
            churn_days=settings.churn_days,
        )
    )
    raw["overdue_c"] = (
        Customer.objects.filter(scope.q("owner")).overdue(timezone.localdate()).order_by().count()
    )
    _expenses(scope, periods, raw)
    return _result(scope, start, end, previous, None, raw, {})


def _result(scope, start, end, previous, cut, raw, rows):
    result = Result(start=start, end=end, previous=previous, cut=cut, raw=raw)
    current, before = _values(raw, "_c"), _values(raw, "_p")
    targets = _targets(scope, start, end)
    for kpi in KPIS:
        result.figures[kpi.code] = Figure(
            kpi, current[kpi.code], before[kpi.code], targets.get(kpi.target_metric)
        )
    growth = result.figures["sales_amount"].yoy
    result.figures["growth"] = Figure(BY_CODE["growth"], growth, None, None)
    for key, row in rows.items():
        result.cut_rows[key] = _values(row, "_c")
    return result


def _expenses(scope, periods, raw):
    (start, end), (p_start, p_end) = periods
    options = {}
    if scope.rep:
        options = {"rep": scope.rep}
    elif scope.team:
        options = {"team": scope.team, "subtree": True}
    elif scope.user and not _sees_all(scope.user):
        return  # a reader who sees part of the company reads it through a team or rep scope
    raw["expenses_c"] = expense_api.expenses_total(start, end, **options)
    raw["expenses_p"] = expense_api.expenses_total(p_start, p_end, **options)
    if not scope.rep:
        raw["budget_c"] = expense_api.budget_for(start, end, team=scope.team)


def _sees_all(user):
    from teams import policy

    return policy.sees_all(user)


def _targets(scope, start, end):
    """The targets of the scope for the period, one query per metric with a target."""
    found = {}
    for kpi in KPIS:
        if kpi.target_metric:
            found[kpi.target_metric] = target_api.target_for(
                kpi.target_metric, start, end, team=scope.team, rep=scope.rep
            )
    return found


def period_days(start, end):
    return (end - start).days + 1 if end >= start else 0


__all__ = ["BY_CODE", "DIMENSIONS", "Figure", "Result", "compute", "period_days"]
