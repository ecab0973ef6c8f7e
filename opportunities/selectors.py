"""Reads beyond `visible_to`: the pipeline's columns and cards, the forecast, the comparison
of two quote versions, what waits for a manager. Each takes an already scoped queryset (or
the user) and runs a fixed number of queries whatever the number of rows.

    pipeline_columns(*, opportunities, stages=None) -> [Column]          1 query
    pipeline_columns_from_totals(*, scope, stages, ...) -> [Column]       1 query
    board_cards(*, opportunities, stages, per_column=20, order=(...)) -> {stage_id: [Opportunity]}
                                                                          1 query
    forecast_rows(*, opportunities, start, end, group_by="owner") -> [ForecastRow]
                                                                          3 queries
    forecast_roll_up(rows, key_of) -> [ForecastRow]                       0 queries
    forecast_rows_by_owner(*, user, start, end) -> [ForecastRow]   2 queries (4 with shares)
    forecast_commits(*, teams, start, end) -> {(team_id, month): ForecastCommit}   1 query
    quote_comparison(*, old, new) -> Comparison                           2 queries
    review_queue(*, user) -> ReviewQueue (lazy querysets)
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum, Window
from django.db.models.functions import RowNumber, TruncMonth
from django.utils import timezone

from customers.models import CustomerShare
from teams import access, policy
from teams.models import Team, User

from . import capabilities
from .models import (
    ExtensionRequest,
    ForecastCommit,
    Opportunity,
    PipelineTotal,
    Quote,
    Stage,
    StageSkipRequest,
)
from .pricing import ZERO, round_fen

# amount × probability, summed exactly and divided by 100 once (then rounded to the fen).
_AMOUNT_X_PROBABILITY = ExpressionWrapper(
    F("expected_amount") * F("probability"),
    output_field=DecimalField(max_digits=20, decimal_places=2),
)


def _weighted(total):
    return round_fen(Decimal(total or 0) / 100)


# --- the pipeline ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    stage: Stage
    count: int
    amount: Decimal  # Σ expected amount
    weighted: Decimal  # Σ expected amount × probability / 100, rounded once to the fen


def pipeline_columns(*, opportunities, stages=None):
    """Count, amount and probability-weighted amount per stage over ALL of `opportunities`
    (however many the board shows), in one grouped query; every stage of `stages` (default:
    the board's active stages, in order) has its column, empty ones with zeros."""
    stages = list(Stage.objects.board() if stages is None else stages)
    rows = (
        opportunities.order_by()
        .filter(stage__in=stages)
        .values("stage_id")
        .annotate(
            count=Count("pk"), amount=Sum("expected_amount"), weighted=Sum(_AMOUNT_X_PROBABILITY)
        )
    )
    return _columns(stages, rows)


def _columns(stages, rows):
    """Columns from grouped rows ({stage_id, count, amount, weighted}; a stage may come in
    several rows, which add up)."""
    found = {}
    for row in rows:
        sums = found.setdefault(row["stage_id"], [0, ZERO, ZERO])
        sums[0] += row["count"] or 0
        sums[1] += Decimal(row["amount"] or 0)
        sums[2] += Decimal(row["weighted"] or 0)
    columns = []
    for stage in stages:
        count, amount, weighted = found.get(stage.pk, (0, ZERO, ZERO))
        columns.append(
            Column(stage=stage, count=count, amount=round_fen(amount), weighted=_weighted(weighted))
        )
    return columns


# --- the running totals (models/totals.py) ------------------------------------------------


def totals_available():
    """True where triggers keep PipelineTotal (PostgreSQL)."""
    return connection.vendor == "postgresql"


@dataclass(frozen=True)
class TotalsScope:
    """What `user` sees, split for the totals: `owned` filters PipelineTotal (and the
    opportunities) by owner, `shared` is the opportunities of customers shared with the user
    that the owner filter leaves out (None when the user sees everything), summed live."""

    owned: Q
    shared: object


def totals_scope(user):
    owned = policy.owned_q(user, "owner")
    if policy.reach(user) is policy.Reach.ALL:
        return TotalsScope(owned=owned, shared=None)
    shared_customers = CustomerShare.objects.filter(user_id=user.pk).values("customer_id")
    shared = Opportunity.objects.filter(customer_id__in=shared_customers).exclude(owned)
    return TotalsScope(owned=owned, shared=shared)


def pipeline_columns_from_totals(*, scope, stages, totals_q=None, shared=None):
    """pipeline_columns() over what `scope` sees, read from the running totals: `totals_q`
    filters the totals (stage, status, owner), `shared` is `scope.shared` with the same
    filters. One query."""
    stages = list(stages)
    totals = (
        PipelineTotal.objects.filter(scope.owned, totals_q or Q(), stage__in=stages)
        .values("stage_id")
        .annotate(count=Sum("count"), amount=Sum("amount"), weighted=Sum("weighted_sum"))
        .order_by()
    )
    if shared is not None:
        live = (
            shared.order_by()
            .filter(stage__in=stages)
            .values("stage_id")
            .annotate(
                count=Count("pk"),
                amount=Sum("expected_amount"),
                weighted=Sum(_AMOUNT_X_PROBABILITY),
            )
        )
        totals = totals.union(live, all=True)
    return _columns(stages, totals)


CARD_FIELDS = (
    "name",
    "stage_id",
    "status",
    "expected_amount",
    "expected_close_date",
    "updated_at",
    "customer__name",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
)


def board_cards(
    *, opportunities, stages, per_column=20, order=("-updated_at", "-pk"), walk_index=True
):
    """The first `per_column` opportunities of each stage (in `order`), in one query:
    {stage id: [Opportunity with customer and owner, the card's columns only]}. The "more"
    of a column is `opportunities.filter(stage=stage).order_by(*order)[offset:offset + n]`.

    On PostgreSQL each column's ids are one `LIMIT` walk down the (stage, updated, id) index,
    the columns joined by UNION ALL in a subquery; a window over every matching row (the
    portable way, kept for SQLite) ranks all of them first: seconds at 300,000. Pass
    `walk_index=False` when `opportunities` is a small scoped set (a rep's): each walk would
    repeat the scope's subquery, and ranking a few thousand rows once is cheaper."""
    stage_ids = [getattr(stage, "pk", stage) for stage in stages]
    cards = {pk: [] for pk in stage_ids}
    if not stage_ids:
        return cards
    shown = opportunities.select_related("customer", "owner").only(*CARD_FIELDS)
    if walk_index and connection.features.supports_slicing_ordering_in_compound:
        firsts = [
            opportunities.filter(stage_id=pk).order_by(*order).values("pk")[:per_column]
            for pk in stage_ids
        ]
        ids = firsts[0].union(*firsts[1:], all=True) if len(firsts) > 1 else firsts[0]
        rows = shown.filter(pk__in=ids).order_by("stage_id", *order)
    else:
        rows = (
            shown.filter(stage_id__in=stage_ids)
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=[F("stage_id")],
                    order_by=[F(o[1:]).desc() if o.startswith("-") else F(o).asc() for o in order],
                )
            )
            .filter(rank__lte=per_column)
            .order_by("stage_id", "rank")
        )
    for opportunity in rows:
        cards[opportunity.stage_id].append(opportunity)
    return cards


# --- the forecast ------------------------------------------------------------------------------


@dataclass
class ForecastRow:
    month: object  # date, the first of the month
    key: object  # owner or team (None for the month as a whole)
    open_count: int = 0
    expected: Decimal = ZERO  # open, expected to close in the month
    weighted: Decimal = ZERO
    won_count: int = 0
    won: Decimal = ZERO  # won, closed in the month
    weighted_sum: Decimal = ZERO  # Σ amount × probability, unrounded: roll-ups round once


def forecast_roll_up(rows, key_of):
    """`rows` (by owner) summed into rows by `key_of(owner)` (a team, or None for the month
    as a whole), rounding the weighted amount once: the same figures as grouping by that key
    in SQL, without a second pass over the opportunities."""
    found = {}
    for row in rows:
        key = key_of(row.key)
        target = found.setdefault((row.month, key), ForecastRow(month=row.month, key=key))
        target.open_count += row.open_count
        target.expected += row.expected
        target.won_count += row.won_count
        target.won += row.won
        target.weighted_sum += row.weighted_sum
    for target in found.values():
        target.weighted = _weighted(target.weighted_sum)
    return sorted(found.values(), key=lambda r: (r.month, str(r.key or "")))


def _month_bounds(start, end):
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def _as_date(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def forecast_rows(*, opportunities, start, end, group_by="owner", keys_only=False):
    """Open opportunities' expected and weighted amounts by expected close month, beside the
    amounts won by month closed, from `start` to `end` (dates), per owner, team or (None)
    month only, for `opportunities` (scope them with visible_to). Rows come by month, then
    by key; `key` is the User or Team (its id with `keys_only`: two queries). Three queries."""
    if group_by not in ("owner", "team", None):
        raise ValueError("group_by is 'owner', 'team' or None")
    key_field = {"owner": "owner_id", "team": "owner__team_id", None: None}[group_by]
    keys = [key_field] if key_field else []
    zone = timezone.get_current_timezone()
    rows = {}

    def row(month, key):
        month = _as_date(month)
        if (month, key) not in rows:
            rows[(month, key)] = ForecastRow(month=month, key=key)
        return rows[(month, key)]

    open_rows = (
        opportunities.open()
        .order_by()
        .filter(expected_close_date__range=(start, end))
        .values(*keys, month=TruncMonth("expected_close_date"))
        .annotate(n=Count("pk"), amount=Sum("expected_amount"), weighted=Sum(_AMOUNT_X_PROBABILITY))
    )
    for found in open_rows:
        target = row(found["month"], found.get(key_field))
        target.open_count = found["n"]
        target.expected = round_fen(Decimal(found["amount"] or 0))
        target.weighted = _weighted(found["weighted"])
        target.weighted_sum = Decimal(found["weighted"] or 0)
    first, after = _month_bounds(start, end)
    won_rows = (
        opportunities.won()
        .order_by()
        .filter(closed_at__gte=first, closed_at__lt=after)
        .values(*keys, month=TruncMonth("closed_at", tzinfo=zone))
        .annotate(n=Count("pk"), amount=Sum("expected_amount"))
    )
    for found in won_rows:
        target = row(found["month"], found.get(key_field))
        target.won_count = found["n"]
        target.won = round_fen(Decimal(found["amount"] or 0))
    if group_by is not None and not keys_only:
        ids = {key for _month, key in rows if key is not None}
        model = User if group_by == "owner" else Team
        objects = model.objects.in_bulk(ids)
        for forecast_row in rows.values():
            forecast_row.key = objects.get(forecast_row.key)
    return sorted(rows.values(), key=lambda r: (r.month, str(r.key or "")))


def forecast_rows_by_owner(*, user, start, end):
    """forecast_rows(opportunities=<what user sees>, group_by="owner"), read from the running
    totals where they exist (the opportunities of customers shared with the user are summed
    live beside them). A constant number of queries per role."""
    if not totals_available():
        return forecast_rows(
            opportunities=Opportunity.objects.visible_to(user), start=start, end=end
        )
    scope = totals_scope(user)
    rows = {}

    def row(month, owner_id):
        month = _as_date(month)
        return rows.setdefault((month, owner_id), ForecastRow(month=month, key=owner_id))

    Status = Opportunity.Status
    totals = (
        PipelineTotal.objects.filter(
            scope.owned, status__in=[Status.OPEN, Status.WON], month__range=(start, end)
        )
        .values("owner_id", "status", "month")
        .annotate(n=Sum("count"), amount=Sum("amount"), weighted=Sum("weighted_sum"))
        .order_by()
    )
    for found in totals:
        target = row(found["month"], found["owner_id"])
        if found["status"] == Status.OPEN:
            target.open_count += found["n"]
            target.expected += Decimal(found["amount"] or 0)
            target.weighted_sum += Decimal(found["weighted"] or 0)
        else:
            target.won_count += found["n"]
            target.won += Decimal(found["amount"] or 0)
    if scope.shared is not None:
        for shared_row in forecast_rows(
            opportunities=scope.shared, start=start, end=end, group_by="owner", keys_only=True
        ):
            target = row(shared_row.month, shared_row.key)
            target.open_count += shared_row.open_count
            target.expected += shared_row.expected
            target.weighted_sum += shared_row.weighted_sum
            target.won_count += shared_row.won_count
            target.won += shared_row.won
    users = User.objects.in_bulk({owner_id for _month, owner_id in rows})
    for forecast_row in rows.values():
        forecast_row.key = users.get(forecast_row.key)
        forecast_row.expected = round_fen(forecast_row.expected)
        forecast_row.won = round_fen(forecast_row.won)
        forecast_row.weighted = _weighted(forecast_row.weighted_sum)
    return sorted(rows.values(), key=lambda r: (r.month, str(r.key or "")))


def forecast_commits(*, teams, start, end):
    """The latest commit per team and month in the range: {(team id, month): ForecastCommit}."""
    team_ids = [getattr(team, "pk", team) for team in teams]
    latest = {}
    commits = ForecastCommit.objects.filter(
        team_id__in=team_ids, month__range=(start.replace(day=1), end)
    ).order_by("team_id", "month", "-at", "-pk")
    for commit in commits.select_related("by"):
        latest.setdefault((commit.team_id, commit.month), commit)
    return latest


# --- comparing two quote versions ------------------------------------------------------------

HEADER_FIELDS = (
    "name",
    "implementation_period",
    "value_added_services",
    "highlights",
    "valid_until",
)
LINE_COMPARED = ("description", "unit", "quantity", "unit_price", "discount_percent", "vat_rate")
TOTALS = ("total_amount", "amount_before_tax", "tax_amount")


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: object
    new: object


@dataclass(frozen=True)
class LineChange:
    kind: str  # "same", "changed", "added", "removed"
    old: object  # QuoteLine or None
    new: object
    changed: frozenset = field(default_factory=frozenset)  # names of LINE_COMPARED fields


@dataclass(frozen=True)
class Comparison:
    old: Quote
    new: Quote
    header: list  # [FieldChange] of what differs
    lines: list  # [LineChange], in the new version's order, removed lines last
    totals: list  # [FieldChange] of the totals that differ


def _differences(old, new, fields):
    return [
        FieldChange(
            name,
            str(old._meta.get_field(name).verbose_name),
            getattr(old, name),
            getattr(new, name),
        )
        for name in fields
        if getattr(old, name) != getattr(new, name)
    ]


def _line_key(line):
    return (
        ("product", line.product_id) if line.product_id else ("text", line.description.casefold())
    )


def quote_comparison(*, old, new):
    """What changed from version `old` to version `new` of a quote (side by side, changes
    highlighted): the header fields, the lines matched by product (free lines by their
    text), and the totals. Two queries (the lines of each)."""
    old_lines = list(old.lines.select_related("product"))
    new_lines = list(new.lines.select_related("product"))
    unmatched = defaultdict(list)
    for line in old_lines:
        unmatched[_line_key(line)].append(line)
    changes = []
    for line in new_lines:
        candidates = unmatched.get(_line_key(line))
        if not candidates:
            changes.append(LineChange("added", None, line))
            continue
        before = candidates.pop(0)
        changed = frozenset(f for f in LINE_COMPARED if getattr(before, f) != getattr(line, f))
        changes.append(LineChange("changed" if changed else "same", before, line, changed))
    for leftovers in unmatched.values():
        changes.extend(LineChange("removed", line, None) for line in leftovers)
    return Comparison(
        old=old,
        new=new,
        header=_differences(old, new, HEADER_FIELDS),
        lines=changes,
        totals=_differences(old, new, TOTALS),
    )


# --- what waits for a manager ---------------------------------------------------------------


@dataclass(frozen=True)
class ReviewQueue:
    quotes: object  # Quote queryset: in review, the user is the owner's approver
    discounts: object  # Quote queryset: waiting for a director's discount approval
    skips: object  # StageSkipRequest queryset, pending, the user decides
    extensions: object  # ExtensionRequest queryset, pending, the user decides

    @property
    def count(self):
        return sum(q.count() for q in (self.quotes, self.discounts, self.skips, self.extensions))


def review_queue(*, user):
    """What waits for `user`'s decision, oldest first (lazy querysets, scoped to what the
    user sees). An approver's own reach (policy.owned_q, a part of what they see) stands in
    for the whole visibility union: a queue never shows what only a share lets them see."""
    mine = policy.approves_for_q(user, "opportunity__owner")
    reach = policy.owned_q(user, "opportunity__owner")
    quotes = (
        Quote.objects.filter(reach, mine, status=Quote.Status.IN_REVIEW)
        .select_related("opportunity__customer", "opportunity__owner")
        .order_by("submitted_at", "pk")
    )
    if access.has_capability(user, capabilities.APPROVE_DISCOUNTS):
        discounts = (
            Quote.objects.filter(reach, status=Quote.Status.DIRECTOR_REVIEW)
            .exclude(opportunity__owner=user)
            .select_related("opportunity__customer", "opportunity__owner")
            .order_by("submitted_at", "pk")
        )
    else:
        discounts = Quote.objects.none()
    skips = (
        StageSkipRequest.objects.filter(reach, mine, status=StageSkipRequest.Status.PENDING)
        .select_related("opportunity__customer", "opportunity__owner", "from_stage", "to_stage")
        .order_by("requested_at", "pk")
    )
    extensions = (
        ExtensionRequest.objects.filter(reach, mine, status=ExtensionRequest.Status.PENDING)
        .select_related("opportunity__customer", "opportunity__owner")
        .order_by("requested_at", "pk")
    )
    return ReviewQueue(quotes=quotes, discounts=discounts, skips=skips, extensions=extensions)
