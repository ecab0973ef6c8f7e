"""Building and refreshing the KPI dashboard's summaries (analytics.models.summaries).

`refresh()` (the worker, every few minutes; `manage.py` shell or the first run: a full build)
recomputes only what changed since the last refresh:

- the days (every rep of them) of the rows stamped since then: contracts updated (their
  signing day; their payments' and approval rounds' days too, as they follow the contract's
  owner), payments recorded (their payment day), customers updated (their entry day, and the
  days of their follow-ups and scores, which follow the customer's owner), opportunities
  updated (their closing and creation days), follow-ups recorded (the day they took place),
  approval rounds finished, satisfaction scores added (ids above the last seen);
- the activity rows (CustomerYear, Buyer) of the customers of those rows.

A day is recomputed whole for every rep, so a record handed to another rep moves with it. The
window starts a few minutes before the last refresh, for the transactions still open then.
What no stamp shows (a row deleted, a date edited back) is caught by the nightly full
rebuild (`rebuild`, also in the beat schedule).

PostgreSQL only (bit strings); elsewhere nothing is built and the dashboard reads live."""

import logging
from collections import defaultdict
from contextlib import contextmanager
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, TruncDate, TruncMonth
from django.utils import timezone

from aftersales.models import Satisfaction
from contracts.models import ApprovalRound, Contract, Payment
from customers.models import Customer, FollowUp
from customers.querysets import day_after, day_start
from opportunities.models import Opportunity, StageChange

from ..models import DailyFunnel, DailySummary, MonthlySummary, SummaryState
from ..models.summaries import Sums

logger = logging.getLogger(__name__)

BITS = 366
# Rows stamped this long before the last refresh are read again (transactions open then).
OVERLAP = timedelta(minutes=5)
ZERO_BITS = "0" * BITS


def available():
    return connection.vendor == "postgresql"


# --- per day × rep ------------------------------------------------------------------------------


def _ranges(days):
    """Sorted days as contiguous (first, last) ranges."""
    found = []
    for day in sorted(days):
        if found and found[-1][1] + timedelta(days=1) == day:
            found[-1][1] = day
        else:
            found.append([day, day])
    return found


def _on_days(field_name, days, *, moment):
    """The filter of rows whose `field_name` falls on one of `days` (None: every row)."""
    if days is None:
        return Q(**{f"{field_name}__isnull": False})
    q = Q(pk__in=[])
    for first, last in _ranges(days):
        if moment:
            q |= Q(**{f"{field_name}__gte": day_start(first), f"{field_name}__lt": day_after(last)})
        else:
            q |= Q(**{f"{field_name}__gte": first, f"{field_name}__lte": last})
    return q


def _grouped(queryset, day, rep, **aggregates):
    return (
        queryset.order_by()
        .annotate(summary_day=day, summary_rep=F(rep))
        .values("summary_day", "summary_rep")
        .annotate(**aggregates)
    )


def _day_rows(days):
    """{(day, rep id): {field: value}} of `days` (None: all), one grouped query per source."""
    rows = defaultdict(dict)
    won, lost = Opportunity.Status.WON, Opportunity.Status.LOST
    sources = (
        _grouped(
            Contract.objects.signed().filter(_on_days("signed_on", days, moment=False)),
            F("signed_on"),
            "owner_id",
            amount=Sum("amount"),
            signed=Count("pk"),
            net=Sum("amount_before_tax"),
            cost=Sum("cost_amount"),
        ),
        _grouped(
            Payment.objects.filter(_on_days("received_on", days, moment=False)),
            F("received_on"),
            "contract__owner_id",
            paid=Sum("amount"),
        ),
        _grouped(
            Customer.objects.filter(_on_days("created_at", days, moment=True)),
            TruncDate("created_at"),
            "owner_id",
            entered=Count("pk"),
            converted=Count("pk", filter=Q(status=Customer.Status.CUSTOMER)),
        ),
        _grouped(
            Opportunity.objects.filter(
                _on_days("closed_at", days, moment=True), status__in=(won, lost)
            ),
            TruncDate("closed_at"),
            "owner_id",
            won=Count("pk", filter=Q(status=won)),
            lost=Count("pk", filter=Q(status=lost)),
            cycle_total=Sum(
                ExpressionWrapper(F("closed_at") - F("created_at"), output_field=DurationField()),
                filter=Q(status=won),
            ),
        ),
        _grouped(
            FollowUp.objects.filter(_on_days("occurred_at", days, moment=True)),
            TruncDate("occurred_at"),
            "customer__owner_id",
            followups=Count("pk"),
            on_time=Count("pk", filter=Q(is_late=False)),
        ),
        _grouped(
            FollowUp.objects.filter(_on_days("occurred_at", days, moment=True)),
            TruncDate("occurred_at"),
            "author_id",
            authored=Count("pk"),
        ),
        _grouped(
            ApprovalRound.objects.filter(
                _on_days("finished_at", days, moment=True),
                outcome=ApprovalRound.Outcome.APPROVED,
            ),
            TruncDate("finished_at"),
            "contract__owner_id",
            approvals=Count("pk"),
            approval_total=Sum(
                ExpressionWrapper(
                    F("finished_at") - F("submitted_at"), output_field=DurationField()
                )
            ),
        ),
        _grouped(
            Satisfaction.objects.filter(_on_days("recorded_at", days, moment=True)),
            TruncDate("recorded_at"),
            "customer__owner_id",
            scores=Count("pk"),
            score_total=Sum("score"),
        ),
    )
    for source in sources:
        for row in source:
            key = (row.pop("summary_day"), row.pop("summary_rep"))
            rows[key].update({k: v for k, v in row.items() if v is not None})
    return rows


def _funnel_rows(days):
    """[(day, rep id, reach, count)] of the opportunities created on `days` (None: all): the
    furthest stage on the way to won each reached (analytics.kpis.charts.funnel's rule)."""
    furthest = Subquery(
        StageChange.objects.filter(opportunity=OuterRef("pk"), to_stage__is_lost=False)
        .order_by()
        .values("opportunity")
        .annotate(top=Max("to_stage__order"))
        .values("top")
    )
    current = Case(When(stage__is_lost=False, then=F("stage__order")), default=Value(0))
    return list(
        Opportunity.objects.filter(_on_days("created_at", days, moment=True))
        .order_by()
        .annotate(
            summary_day=TruncDate("created_at"),
            reach=Greatest(Coalesce(furthest, Value(0)), current),
        )
        .values_list("summary_day", "owner_id", "reach")
        .annotate(n=Count("pk"))
    )


SUMMED = tuple(f.name for f in Sums._meta.get_fields())


def _write_months(months):
    """Replace the monthly rows of `months` (first days; None: all) by their daily rows."""
    daily = DailySummary.objects.all()
    monthly = MonthlySummary.objects.all()
    if months is not None:
        daily = daily.filter(day__gte=min(months), day__lt=_next_month(max(months)))
        monthly = monthly.filter(month__in=months)
    rows = (
        daily.order_by()
        .annotate(summary_month=TruncMonth("day"))
        .values("summary_month", "rep")
        .annotate(**{name: Sum(name) for name in SUMMED})
    )
    made = []
    for row in rows:
        month = row.pop("summary_month")
        if months is None or month in months:
            made.append(MonthlySummary(month=month, rep_id=row.pop("rep"), **row))
    monthly.delete()
    MonthlySummary.objects.bulk_create(made, batch_size=5000)


def _next_month(first):
    return (first + timedelta(days=32)).replace(day=1)


def _write_days(days):
    """Replace the summaries of `days` (None: all) with their recomputed rows, and the
    monthly rows of their months."""
    rows = _day_rows(days)
    funnel = _funnel_rows(days)
    with transaction.atomic():
        if days is None:
            DailySummary.objects.all().delete()
            DailyFunnel.objects.all().delete()
        else:
            for first, last in _ranges(days):
                DailySummary.objects.filter(day__gte=first, day__lte=last).delete()
                DailyFunnel.objects.filter(day__gte=first, day__lte=last).delete()
        DailySummary.objects.bulk_create(
            (DailySummary(day=day, rep_id=rep, **values) for (day, rep), values in rows.items()),
            batch_size=5000,
        )
        DailyFunnel.objects.bulk_create(
            (
                DailyFunnel(day=day, rep_id=rep, reach=reach, opportunities=n)
                for day, rep, reach, n in funnel
            ),
            batch_size=5000,
        )
        _write_months(None if days is None else {day.replace(day=1) for day in days})


# --- activity per customer × year ---------------------------------------------------------------


_ACTIVITY_SQL = """
WITH picked AS ({picked}),
first_signing AS (
    SELECT k.customer_id, MIN(k.signed_on) AS first_signed_on
    FROM contracts_contract k JOIN picked p ON p.id = k.customer_id
    WHERE k.status = ANY(%(signed_states)s) AND k.signed_on IS NOT NULL
    GROUP BY k.customer_id
),
days AS (
    SELECT f.customer_id, (f.occurred_at AT TIME ZONE %(zone)s)::date AS day, TRUE AS followed
    FROM customers_followup f JOIN picked p ON p.id = f.customer_id
    UNION ALL
    SELECT k.customer_id, k.signed_on, FALSE
    FROM contracts_contract k JOIN picked p ON p.id = k.customer_id
    WHERE k.status = ANY(%(signed_states)s) AND k.signed_on IS NOT NULL
),
years AS (
    SELECT customer_id, EXTRACT(YEAR FROM day)::int AS year,
        BIT_OR(CASE WHEN followed THEN SET_BIT(%(zero)s::bit(366),
            EXTRACT(DOY FROM day)::int - 1, 1) ELSE %(zero)s::bit(366) END) AS followed,
        BIT_OR(CASE WHEN followed THEN %(zero)s::bit(366) ELSE SET_BIT(%(zero)s::bit(366),
            EXTRACT(DOY FROM day)::int - 1, 1) END) AS signed
    FROM days GROUP BY customer_id, EXTRACT(YEAR FROM day)::int
),
written AS (
    INSERT INTO analytics_customeryear (customer_id, year, owner_id, followed, signed,
        first_signed_on)
    SELECT y.customer_id, y.year, c.owner_id, y.followed, y.signed, s.first_signed_on
    FROM years y JOIN customers_customer c ON c.id = y.customer_id
    LEFT JOIN first_signing s ON s.customer_id = y.customer_id
    RETURNING 1
)
INSERT INTO analytics_buyer (customer_id, owner_id, first_signed_on)
SELECT s.customer_id, c.owner_id, s.first_signed_on
FROM first_signing s JOIN customers_customer c ON c.id = s.customer_id
"""


def _write_activity(customer_ids):
    """Replace the activity rows of `customer_ids` (None: every customer)."""
    if customer_ids is not None and not customer_ids:
        return
    params = {
        "zone": timezone.get_current_timezone_name(),
        "zero": ZERO_BITS,
        "signed_states": list(Contract.SIGNED_STATES),
    }
    if customer_ids is None:
        picked = "SELECT id FROM customers_customer"
    else:
        picked = "SELECT id FROM customers_customer WHERE id = ANY(%(ids)s)"
        params["ids"] = list(customer_ids)
    with transaction.atomic(), connection.cursor() as cursor:
        if customer_ids is None:
            cursor.execute("DELETE FROM analytics_customeryear")
            cursor.execute("DELETE FROM analytics_buyer")
        else:
            cursor.execute(
                "DELETE FROM analytics_customeryear WHERE customer_id = ANY(%(ids)s)", params
            )
            cursor.execute("DELETE FROM analytics_buyer WHERE customer_id = ANY(%(ids)s)", params)
        cursor.execute(_ACTIVITY_SQL.format(picked=picked), params)


# --- what changed ------------------------------------------------------------------------------


def _local_days(queryset, field_name):
    return set(
        queryset.order_by()
        .annotate(d=TruncDate(field_name))
        .values_list("d", flat=True)
        .distinct()
        .exclude(d=None)
    )


def _dates(queryset, field_name):
    return set(
        queryset.order_by()
        .exclude(**{field_name: None})
        .values_list(field_name, flat=True)
        .distinct()
    )


def changed_since(since, last_satisfaction_id):
    """(days, customer ids, highest satisfaction id) touched by rows stamped since `since`."""
    contracts = Contract.objects.filter(updated_at__gte=since)
    customers = Customer.objects.filter(updated_at__gte=since)
    opportunities = Opportunity.objects.filter(updated_at__gte=since)
    payments = Payment.objects.filter(
        Q(recorded_at__gte=since) | Q(contract__in=contracts.values("pk"))
    )
    followups = FollowUp.objects.filter(
        Q(recorded_at__gte=since) | Q(customer__in=customers.values("pk"))
    )
    rounds = ApprovalRound.objects.filter(
        Q(finished_at__gte=since) | Q(contract__in=contracts.values("pk"))
    )
    scores = Satisfaction.objects.filter(
        Q(pk__gt=last_satisfaction_id) | Q(customer__in=customers.values("pk"))
    )
    days = set()
    days |= _dates(contracts, "signed_on")
    days |= _dates(payments, "received_on")
    days |= _local_days(customers, "created_at")
    days |= _local_days(opportunities, "closed_at")
    days |= _local_days(opportunities, "created_at")
    days |= _local_days(followups, "occurred_at")
    days |= _local_days(rounds, "finished_at")
    days |= _local_days(scores, "recorded_at")
    customer_ids = set(customers.values_list("pk", flat=True))
    customer_ids |= set(followups.values_list("customer_id", flat=True).distinct())
    customer_ids |= set(contracts.values_list("customer_id", flat=True).distinct())
    top = Satisfaction.objects.aggregate(top=Max("pk"))["top"] or 0
    return days, customer_ids, max(top, last_satisfaction_id)


# The advisory lock a refresh or rebuild holds: two at once would both insert the same days.
LOCK_KEY = 15_0001


@contextmanager
def _alone():
    """True when this session holds the summaries' lock (released at the end), False when
    another refresh holds it (this one then does nothing)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
        got = cursor.fetchone()[0]
    try:
        yield got
    finally:
        if got:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])


def rebuild():
    """Every summary from scratch (the first build, and nightly)."""
    if not available():
        return None
    with _alone() as alone:
        return _rebuild() if alone else {"busy": True}


def _rebuild():
    started = timezone.now()
    top = Satisfaction.objects.aggregate(top=Max("pk"))["top"] or 0
    _write_days(None)
    _write_activity(None)
    SummaryState.objects.update_or_create(
        pk=1,
        defaults={"refreshed_at": started, "last_satisfaction_id": top, "days_refreshed": 0},
    )
    logger.info("analytics summaries rebuilt as of %s", started)
    return {"as_of": started.isoformat(), "days": None}


def refresh():
    """Only what changed since the last refresh (a full build the first time)."""
    if not available():
        return None
    with _alone() as alone:
        return _refresh() if alone else {"busy": True}


def _refresh():
    state = SummaryState.objects.filter(pk=1).first()
    if state is None or state.refreshed_at is None:
        return _rebuild()
    started = timezone.now()
    days, customer_ids, top = changed_since(
        state.refreshed_at - OVERLAP, state.last_satisfaction_id
    )
    if days:
        _write_days(days)
    _write_activity(customer_ids)
    SummaryState.objects.filter(pk=1).update(
        refreshed_at=started, last_satisfaction_id=top, days_refreshed=len(days)
    )
    return {"as_of": started.isoformat(), "days": len(days), "customers": len(customer_ids)}


def year_mask(year, start, end):
    """The bits of the days from `start` to `end` that fall in `year` (None: none do)."""
    first, last = max(start, date(year, 1, 1)), min(end, date(year, 12, 31))
    if first > last:
        return None
    a, b = first.timetuple().tm_yday - 1, last.timetuple().tm_yday
    return "0" * a + "1" * (b - a) + "0" * (BITS - b)
