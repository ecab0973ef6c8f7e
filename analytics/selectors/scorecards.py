"""Rep scorecards: each scored rep's figure per metric, its normalised score (0-100), the
metric's weight and its contribution (score × weight / 100); the total is the sum of the
contributions. Reps are ranked by total within the company and within their team, beside
their ranks of the period before.

Normalised scores, so every figure can be checked by hand:
- sales amount, collected payments, gross margin, new customers: the share of the rep's own
  target for the period (capped at 100); without a target, the share of the best figure of
  all scored reps;
- follow-ups: the share of the best figure of all scored reps;
- win rate: the rate itself (a percent); no closed opportunity scores 0;
- teamwork: the manager's rating × 20 (5 scores 100); no rating scores 0.
A negative figure scores 0. Scores are computed for every scored rep whatever the reader may
see (the best figure is the company's), then cut to what the reader sees.

About 22 queries for a period and the one before, whatever the number of reps."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from teams import roles
from teams.models import User

from .. import targets
from ..models import (
    METRIC_GROUP,
    ScorecardWeight,
    ScoreMetric,
    TeamworkRating,
)
from ..models.scorecards import DEFAULT_WEIGHTS
from .metrics import rep_figures

HUNDRED = Decimal("100")
ZERO = Decimal("0")
TWO = Decimal("0.01")
TARGET_METRICS = (
    ScoreMetric.SALES_AMOUNT,
    ScoreMetric.COLLECTED,
    ScoreMetric.GROSS_MARGIN,
    ScoreMetric.NEW_CUSTOMERS,
)
BEST_METRICS = (ScoreMetric.FOLLOW_UPS,)


def _round(value):
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


@dataclass
class Line:
    metric: str
    group: str
    value: Decimal | None
    target: Decimal | None
    basis: str  # "target", "best", "rate", "rating"
    basis_value: Decimal | None  # the target or the best figure the value was divided by
    score: Decimal
    weight: Decimal
    contribution: Decimal

    @property
    def label(self):
        return ScoreMetric(self.metric).label


@dataclass
class Card:
    rep: User
    lines: list
    total: Decimal
    company_rank: int = 0
    team_rank: int = 0
    previous_company_rank: int | None = None
    previous_team_rank: int | None = None
    previous_total: Decimal | None = None
    extra: dict = field(default_factory=dict)


def weights():
    """{metric: Decimal percent}: the director's, or the defaults until set. One query."""
    saved = {row.metric: row.weight for row in ScorecardWeight.objects.all()}
    if saved:
        return {metric: saved.get(metric, ZERO) for metric in ScoreMetric.values}
    return {metric: Decimal(DEFAULT_WEIGHTS[metric]) for metric in ScoreMetric.values}


def scored_reps():
    return list(
        User.objects.filter(is_active=True, role__in=roles.SCORED)
        .select_related("team")
        .order_by("username")
    )


def _share(value, basis):
    if value is None or basis is None or basis <= 0:
        return ZERO
    return max(ZERO, min(HUNDRED, value * HUNDRED / basis))


def score_period(period, reps, weight_of, *, summaries=False):
    """[Card] for `reps` over `period`, ranked. Not cut to any reader."""
    ids = [rep.pk for rep in reps]
    figures = rep_figures(period.start, period.end, ids, summaries=summaries)
    rep_targets = {
        metric: targets.targets_for(metric, period.start, period.end, by="rep", ids=ids)
        for metric in TARGET_METRICS
    }
    ratings = dict(
        TeamworkRating.objects.filter(
            rep_id__in=ids, granularity=period.granularity, period_start=period.start
        ).values_list("rep_id", "rating")
    )
    best = {
        metric: max((v for v in figures.get(metric, {}).values()), default=None)
        for metric in (*TARGET_METRICS, *BEST_METRICS)
    }
    cards = []
    for rep in reps:
        lines = []
        for metric in ScoreMetric.values:
            weight = weight_of.get(metric, ZERO)
            target = None
            if metric == ScoreMetric.TEAMWORK:
                rating = ratings.get(rep.pk)
                value = None if rating is None else Decimal(rating)
                basis, basis_value = "rating", None
                score = ZERO if value is None else value * 20
            elif metric == ScoreMetric.WIN_RATE:
                value = figures.get(metric, {}).get(rep.pk)
                basis, basis_value = "rate", None
                score = ZERO if value is None else max(ZERO, min(HUNDRED, value))
            else:
                value = figures.get(metric, {}).get(rep.pk, ZERO)
                target = rep_targets.get(metric, {}).get(rep.pk)
                if metric in TARGET_METRICS and target:
                    basis, basis_value = "target", target
                else:
                    basis, basis_value = "best", best.get(metric)
                score = _share(value, basis_value)
            score = _round(score)
            lines.append(
                Line(
                    metric=metric,
                    group=METRIC_GROUP[metric],
                    value=value,
                    target=target,
                    basis=basis,
                    basis_value=basis_value,
                    score=score,
                    weight=weight,
                    contribution=_round(score * weight / HUNDRED),
                )
            )
        cards.append(Card(rep=rep, lines=lines, total=sum((x.contribution for x in lines), ZERO)))
    _rank(cards)
    return cards


def _competition_ranks(cards, attr):
    # Equal totals share a rank; the next rank skips (1, 2, 2, 4).
    ordered = sorted(cards, key=lambda c: (-c.total, c.rep.username))
    previous_total, rank = None, 0
    for position, card in enumerate(ordered, start=1):
        if card.total != previous_total:
            rank, previous_total = position, card.total
        setattr(card, attr, rank)
    return ordered


def _rank(cards):
    _competition_ranks(cards, "company_rank")
    by_team = {}
    for card in cards:
        by_team.setdefault(card.rep.team_id, []).append(card)
    for members in by_team.values():
        _competition_ranks(members, "team_rank")


def scorecards(period, *, summaries=False):
    """[Card] of every scored rep for `period`, ranked, with the previous period's ranks and
    totals; sorted by company rank. With `summaries`, the figures are read from the KPI
    summaries (as of their last refresh)."""
    reps = scored_reps()
    weight_of = weights()
    cards = score_period(period, reps, weight_of, summaries=summaries)
    before = {
        card.rep.pk: card
        for card in score_period(period.previous(), reps, weight_of, summaries=summaries)
    }
    for card in cards:
        old = before.get(card.rep.pk)
        if old is not None:
            card.previous_company_rank = old.company_rank
            card.previous_team_rank = old.team_rank
            card.previous_total = old.total
    return sorted(cards, key=lambda c: (c.company_rank, c.rep.username))
