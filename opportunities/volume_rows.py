"""The rows of the opportunities' volume data (volume.py), a batch of opportunities at a
time: first each opportunity's plan (its stages and their moments), then the quote versions
shared out over the batch, then every row, written through the RowWriter."""

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from teams import workdays

from . import pricing
from .models import Competitor, Opportunity, Quote, QuoteLine, QuoteReview, StageChange

BATCH = 5000
# The current stages, in turn (volume.py): a pipeline's usual mix.
PLAN = ["initial"] * 4 + ["needs"] * 4 + ["proposal"] * 3 + ["negotiation"] * 2
PLAN += ["won"] * 4 + ["lost"] * 3
OPEN_PATH = ["initial", "needs", "proposal", "negotiation"]
PROJECTS = ["销售系统", "生产执行", "仓储管理", "经营分析", "移动外勤", "质量追溯", "设备联网"]
COMPETITORS = ["金蝶云", "用友", "SAP", "鼎捷软件", "浪潮", "Oracle"]
POSITIONS = Competitor.PricePosition.values
SOURCES = ["exhibition", "referral", "online", "cold_visit", "partner", "existing"]
DISCOUNTS = [Decimal(0)] * 3 + [Decimal(5), Decimal(10), Decimal(15)]
S = Quote.Status
# The latest version's status by the opportunity's current stage; earlier versions were
# superseded, or rejected or declined (they stay so).
LATEST = {
    "proposal": [S.DRAFT, S.IN_REVIEW, S.DIRECTOR_REVIEW, S.APPROVED, S.REJECTED],
    "negotiation": [S.APPROVED, S.SENT, S.SENT],
    "won": [S.ACCEPTED],
    "lost": [S.DECLINED, S.SENT, S.APPROVED],
}
EARLIER = [S.SUPERSEDED] * 6 + [S.REJECTED, S.DECLINED]
REVIEWED = {S.APPROVED, S.SENT, S.ACCEPTED, S.DECLINED, S.REJECTED, S.DIRECTOR_REVIEW}
SENT = {S.SENT, S.ACCEPTED, S.DECLINED}
MAX_VERSIONS = 10


@dataclass
class Context:
    rng: random.Random
    now: object
    stages: dict  # code -> Stage
    reasons: list  # active LostReasons
    products: list
    approver: dict  # owner id -> the manager who reviews
    working_days: int  # the solution is due this many working days after the needs
    lines_per: int

    def __post_init__(self):
        self.due_dates = {}
        self.sellable = [p for p in self.products if p.is_active]
        self.ten_versions = set()  # owners who have an opportunity with ten versions
        # Read once (one query, whatever the process's copy): the same count at any scale.
        self.calendar = workdays.load()

    def solution_due(self, day):
        if day not in self.due_dates:
            self.due_dates[day] = workdays.add_working_days(
                day, self.working_days, calendar=self.calendar
            )
        return self.due_dates[day]


@dataclass
class Plan:
    n: int
    customer_id: int
    owner_id: int
    code: str  # the current stage
    reached: list  # the open stages it went through, in order
    moments: list  # when it was created, then when it made each move
    versions: int = 0

    @property
    def quoted(self):
        """It reached 方案报价, where quotes are made."""
        return "proposal" in self.reached


class Batch:
    def __init__(self, ctx, writer):
        self.ctx, self.writer, self.plans = ctx, writer, []
        self.rows = {model: [] for model in (Opportunity, StageChange, Competitor, Quote)}
        self.rows |= {QuoteLine: [], QuoteReview: []}

    def plan(self, n, customer, code):
        """Plan opportunity number `n` of `customer` (id, owner id, created), now in the
        stage `code`."""
        customer_id, owner_id, customer_created = customer
        rng, now = self.ctx.rng, self.ctx.now
        if code == "lost":
            reached = OPEN_PATH[: rng.randrange(1, len(OPEN_PATH) + 1)]
        elif code == "won":
            reached = list(OPEN_PATH)
        else:
            reached = OPEN_PATH[: OPEN_PATH.index(code) + 1]
        # Opened after the customer, within the last eighteen months; each move 2-25 days
        # after the one before, squeezed to end before now.
        age = max(2.0, (now - customer_created).total_seconds() / 86400 - 1)
        created = now - timedelta(days=rng.uniform(1, min(age, 540)))
        gaps = [rng.uniform(2, 25) for _ in range(len(reached) - 1 + (code in ("won", "lost")))]
        room = (now - created).total_seconds() / 86400 - 0.5
        scale = min(1.0, room / sum(gaps)) if gaps else 1.0
        moments = [created]
        for gap in gaps:
            moments.append(moments[-1] + timedelta(days=gap * scale))
        self.plans.append(Plan(n, customer_id, owner_id, code, reached, moments))

    def share_quotes(self, budget):
        """`budget` versions over the plans that reached 方案报价: one for each won or
        negotiating opportunity first, then one each for others, then further versions."""
        rng = self.ctx.rng
        quoted = [p for p in self.plans if p.quoted]
        must = [p for p in quoted if p.code in ("won", "negotiation")]
        others = [p for p in quoted if p.code not in ("won", "negotiation")]
        rng.shuffle(others)
        for plan in must + others[: max(0, budget - len(must))]:
            plan.versions = 1
        having = [p for p in quoted if p.versions]
        for plan in having:  # each owner's first gets ten: the benchmark's opportunity page
            if plan.owner_id not in self.ctx.ten_versions:
                self.ctx.ten_versions.add(plan.owner_id)
                plan.versions = MAX_VERSIONS
        left = budget - sum(p.versions for p in having)
        while left > 0 and having:
            plan = having[rng.randrange(len(having))]
            if plan.versions < MAX_VERSIONS:
                plan.versions += 1
                left -= 1
            elif all(p.versions >= MAX_VERSIONS for p in having):
                break

    def write(self, budget, counts):
        self.share_quotes(budget)
        writer = self.writer
        ids = iter(writer.allocate_ids(Opportunity, len(self.plans)))
        competitors = iter(
            writer.allocate_ids(Competitor, sum(2 if p.quoted else 0 for p in self.plans))
        )
        quotes = iter(writer.allocate_ids(Quote, sum(p.versions for p in self.plans)))
        for plan in self.plans:
            self._opportunity(plan, next(ids), competitors, quotes)
            name = self.ctx.stages[plan.code].name
            counts.by_stage[name] = counts.by_stage.get(name, 0) + 1
        for model, rows in self.rows.items():
            writer.insert(model, rows)
        counts.opportunities += len(self.rows[Opportunity])
        counts.stage_changes += len(self.rows[StageChange])
        counts.competitors += len(self.rows[Competitor])
        counts.quotes += len(self.rows[Quote])
        counts.lines += len(self.rows[QuoteLine])
        counts.reviews += len(self.rows[QuoteReview])

    # --- one opportunity ----------------------------------------------------------------

    def _opportunity(self, plan, pk, competitor_ids, quote_ids):
        ctx, rng = self.ctx, self.ctx.rng
        stages, moments = ctx.stages, plan.moments
        path = [stages[code] for code in plan.reached]
        if plan.code in ("won", "lost"):
            path.append(stages[plan.code])
        changes = self.rows[StageChange]
        changes.append(
            {"opportunity": pk, "kind": StageChange.Kind.CREATED, "from_stage": None}
            | {"to_stage": path[0].pk, "by": plan.owner_id, "at": moments[0]}
            | {"days_in_previous": None}
        )
        for before, after, was, at in zip(path, path[1:], moments, moments[1:], strict=False):
            kind = {"won": "won", "lost": "lost"}.get(after.code, StageChange.Kind.FORWARD)
            changes.append(
                {"opportunity": pk, "kind": kind, "from_stage": before.pk, "to_stage": after.pk}
                | {"by": plan.owner_id, "at": at, "days_in_previous": (at - was).days}
            )
        current, entered = path[-1], moments[-1]
        closed = entered if current.is_closed else None
        row = {
            "id": pk,
            "customer": plan.customer_id,
            "name": f"{PROJECTS[plan.n % len(PROJECTS)]}项目 {plan.n + 1:07d}",
            "source": SOURCES[plan.n % len(SOURCES)],
            "stage": current.pk,
            "status": Opportunity.Status.WON
            if current.is_won
            else Opportunity.Status.LOST
            if current.is_lost
            else Opportunity.Status.OPEN,
            "stage_entered_at": entered,
            "expected_amount": Decimal(rng.randrange(2, 400) * 5000),
            "expected_close_date": timezone.localdate(closed)
            if closed
            else timezone.localdate(ctx.now) + timedelta(days=rng.randrange(-15, 180)),
            "probability": current.default_probability,
            "owner": plan.owner_id,
            "analysis": "客户预算已立项，竞品报价偏低。",
            "followup_plan": "本月完成技术交流并提交方案。",
            "closed_at": closed,
            # Every row names the same fields (the writer takes its columns from the first).
            "needs_confirmed_on": None,
            "solution_due": None,
            "solution_submitted_at": None,
            "lost_reason": None,
            "won_competitor": None,
            "created_by": plan.owner_id,
            "created_at": moments[0],
            "updated_at": entered,
        }
        competitors = []
        if plan.quoted:
            entered_proposal = moments[plan.reached.index("proposal")]
            row["needs_confirmed_on"] = timezone.localdate(entered_proposal)
            row["solution_due"] = ctx.solution_due(row["needs_confirmed_on"])
            for name in rng.sample(COMPETITORS, 2):
                competitors.append(
                    {"id": next(competitor_ids), "opportunity": pk, "name": name}
                    | {"price_position": POSITIONS[rng.randrange(len(POSITIONS))]}
                )
            self.rows[Competitor].extend(competitors)
        if current.is_lost:
            reasons = [r for r in ctx.reasons if competitors or not r.needs_competitor]
            reason = reasons[rng.randrange(len(reasons))]
            row["lost_reason"] = reason.pk
            row["won_competitor"] = competitors[0]["id"] if reason.needs_competitor else None
        if plan.versions:
            accepted = self._quotes(plan, pk, quote_ids, row)
            if accepted is not None:
                row["expected_amount"] = accepted  # won: the accepted version's total
        self.rows[Opportunity].append(row)

    def _quotes(self, plan, pk, quote_ids, opportunity):
        """The versions of `plan`, spread from 方案报价 to its close (or to now); the total
        of the latest version when the opportunity is won."""
        ctx, rng = self.ctx, self.ctx.rng
        start = plan.moments[plan.reached.index("proposal")]
        end = opportunity["closed_at"] or start + (ctx.now - start) / 2
        step = (end - start) / plan.versions
        statuses = [EARLIER[rng.randrange(len(EARLIER))] for _ in range(plan.versions - 1)]
        latest = LATEST[plan.code]
        statuses.append(latest[rng.randrange(len(latest))])
        total = None
        for version, status in enumerate(statuses, start=1):
            quote_id = next(quote_ids)
            created = start + step * (version - 1) + step / 4
            quote = {
                "id": quote_id,
                "opportunity": pk,
                "version": version,
                "name": opportunity["name"] + "解决方案",
                "implementation_period": "合同签订后60天",
                "valid_until": timezone.localdate(created) + timedelta(days=60),
                "status": status,
                "needs_director": status == S.DIRECTOR_REVIEW,
                "created_by": plan.owner_id,
                "created_at": created,
                "updated_at": created + step / 2,
                "submitted_at": None if status == S.DRAFT else created + step / 4,
                "sent_at": created + step / 2 if status in SENT else None,
            }
            totals = self._lines(quote_id, director=status == S.DIRECTOR_REVIEW)
            quote |= {
                "total_amount": totals.total,
                "amount_before_tax": totals.before_tax,
                "tax_amount": totals.tax,
                "cost_amount": totals.cost,
                "margin_amount": totals.margin,
            }
            if version == 1 and quote["submitted_at"] is not None:
                opportunity["solution_submitted_at"] = quote["submitted_at"]
            if status in REVIEWED and ctx.approver.get(plan.owner_id):
                rejected = status == S.REJECTED
                self.rows[QuoteReview].append(
                    {
                        "quote": quote_id,
                        "step": QuoteReview.Step.MANAGER,
                        "decision": QuoteReview.Decision.REJECTED
                        if rejected
                        else QuoteReview.Decision.APPROVED,
                        "comment": "毛利偏低，请调整" if rejected else "",
                        "by": ctx.approver[plan.owner_id],
                        "at": quote["submitted_at"] + step / 8,
                    }
                )
            self.rows[Quote].append(quote)
            total = quote["total_amount"] if status == S.ACCEPTED else None
        return total

    def _lines(self, quote_id, *, director):
        """The lines of one version (catalogue items at their list price, some discounted);
        returns pricing.price's totals, the ones the quote stores."""
        ctx, rng = self.ctx, self.ctx.rng
        count = max(1, rng.randrange(ctx.lines_per - 2, ctx.lines_per + 3))
        lines = []
        for position in range(1, count + 1):
            product = ctx.sellable[rng.randrange(len(ctx.sellable))]
            discount = DISCOUNTS[rng.randrange(len(DISCOUNTS))]
            if director and position == 1:
                discount = Decimal(25)  # beyond the limit: the director approves too
            lines.append(
                {
                    "quote": quote_id,
                    "position": position,
                    "product": product.pk,
                    "description": product.name,
                    "unit": product.unit,
                    "quantity": Decimal(rng.randrange(1, 30)),
                    "unit_price": product.list_price,
                    "discount_percent": discount,
                    "vat_rate": product.vat_rate,
                    "unit_cost": product.unit_cost,
                }
            )
        priced = pricing.price(lines)
        for line, figures in zip(lines, priced.lines, strict=True):
            line["line_total"], line["amount_before_tax"] = figures.total, figures.before_tax
            line["tax_amount"], line["line_cost"] = figures.tax, figures.cost
        self.rows[QuoteLine].extend(lines)
        return priced.totals
