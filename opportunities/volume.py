"""The opportunities app's volume data for benchmarks (`manage.py seed_volume`, through the
VOLUME_OPTIONS and VOLUME_DATA hooks, after the customers'): a catalogue, opportunities on
the customers with their stage history and competitors, quote versions with their lines and
reviews, and the managers' forecast commits.

Defaults at 100,000 customers: 300,000 opportunities (`--opportunities-per 3`), 100,000 quotes
(`--quotes-per 1`, per customer) with 400,000 lines (`--lines-per 4`). Written by the batch
through crm_site/bulk_insert.py (COPY on PostgreSQL), never one save per row.

The rows are consistent the way the services would leave them: each opportunity's stage
history starts with its creation and ends in its current stage; the stages cycle through a
fixed mix (PLAN) so every stage is there at any scale; a won opportunity has an accepted
version whose total is its amount, a lost one a reason (and the competitor when the reason
asks for one), an opportunity in 商务谈判 an approved or sent version; the totals of a quote
are `pricing.price` of its lines. Every won or negotiating opportunity gets a version even
when `--quotes-per` is smaller; every owner has one opportunity with ten versions (the
benchmark's opportunity page). Deterministic for a given seed.
"""

import random
import time
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from crm_site import bulk_insert
from customers import volume as customers_volume
from customers.models import Customer
from teams.models import Team

from . import pricing
from .models import (
    Competitor,
    ForecastCommit,
    LostReason,
    Opportunity,
    OpportunitySettings,
    Product,
    Quote,
    QuoteLine,
    QuoteReview,
    Stage,
    StageChange,
)
from .volume_rows import BATCH, OPEN_PATH, PLAN, PROJECTS, Batch, Context

PRODUCTS = 200
# The stages a customer set aside for the pools gets instead of an open one (won and lost
# in PLAN's proportion).
CLOSED = [code for code in PLAN if code not in OPEN_PATH]


@dataclass
class Counts:
    opportunities: int = 0
    stage_changes: int = 0
    competitors: int = 0
    quotes: int = 0
    lines: int = 0
    reviews: int = 0
    forecasts: int = 0
    by_stage: dict = field(default_factory=dict)


class _Writer(bulk_insert.RowWriter):
    tables = (Opportunity, StageChange, Competitor, Quote, QuoteLine, QuoteReview)


def add_options(*, parser):
    parser.add_argument("--opportunities-per", type=float, default=3.0, help="per customer")
    parser.add_argument("--quotes-per", type=float, default=1.0, help="per customer")
    parser.add_argument("--lines-per", type=int, default=4, help="per quote, on average")


def seed(*, options, organisation, log):
    """The VOLUME_DATA hook: check the options, then write; a summary line."""
    per, quotes_per, lines_per = (
        options["opportunities_per"],
        options["quotes_per"],
        options["lines_per"],
    )
    if per < 0 or quotes_per < 0 or lines_per < 1:
        raise CommandError(
            "--opportunities-per and --quotes-per cannot be negative; --lines-per is at least 1."
        )
    counts = write(
        organisation,
        opportunities_per=per,
        quotes_per=quotes_per,
        lines_per=lines_per,
        seed=options["seed"],
        log=log,
        pool_step=customers_volume.pool_step(options=options, total=Customer.objects.count()),
    )
    stages = ", ".join(f"{name} {n:,}" for name, n in counts.by_stage.items())
    return (
        f"Volume opportunities: {counts.opportunities:,} ({stages}), "
        f"{counts.stage_changes:,} stage changes, {counts.competitors:,} competitors, "
        f"{counts.quotes:,} quotes with {counts.lines:,} lines and {counts.reviews:,} reviews, "
        f"{counts.forecasts:,} forecast commits."
    )


def write(
    organisation, *, opportunities_per, quotes_per, lines_per, seed=1, log=print, pool_step=0
):
    """Write the rows for the customers without opportunities yet; returns Counts. The
    customers set aside for the pools (`pool_step`, customers.volume) get closed deals only."""
    counts = Counts()
    started = time.perf_counter()
    models = (Opportunity, Quote, StageChange, QuoteReview, ForecastCommit, Product)
    writer = _Writer(*models)
    with (
        transaction.atomic(),
        bulk_insert.no_auto_now(*models),
        bulk_insert.foreign_keys_checked_once(*_Writer.tables, ForecastCommit),
    ):
        customers = list(
            Customer.objects.filter(opportunities__isnull=True)
            .order_by("pk")
            .values_list("pk", "owner_id", "created_at")
        )
        total = round(len(customers) * opportunities_per)
        budget = round(len(customers) * quotes_per)
        ctx = Context(
            rng=random.Random(seed),  # noqa: S311 - benchmark data, not secrets
            now=timezone.now(),
            stages={s.code: s for s in Stage.objects.exclude(code="")},
            reasons=list(LostReason.objects.filter(is_active=True)),
            products=_products(writer),
            approver=_approvers(organisation),
            working_days=OpportunitySettings.load().solution_working_days,
            lines_per=lines_per,
        )
        if len(ctx.stages) < len(set(PLAN)) or not ctx.reasons:
            raise CommandError("The seeded stages or lost reasons are missing: migrate first.")
        for start in range(0, total, BATCH):
            size = min(BATCH, total - start)
            # Quotes left for this batch, in proportion, so they spread over all batches.
            share = round(budget * (start + size) / total) - round(budget * start / total)
            batch = Batch(ctx, writer)
            for n in range(start, start + size):
                # Round after round over the customers, each round a step further in PLAN:
                # a customer's opportunities are in different stages.
                rounds, index = divmod(n, len(customers))
                code = PLAN[(n + rounds) % len(PLAN)]
                if code in OPEN_PATH and customers_volume.set_aside_for_pool(
                    customers[index][0], pool_step
                ):
                    code = CLOSED[n % len(CLOSED)]
                batch.plan(n, customers[index], code)
            batch.write(share, counts)
            log(
                f"opportunities {counts.opportunities:,}/{total:,}, quotes {counts.quotes:,}, "
                f"lines {counts.lines:,} ({time.perf_counter() - started:.1f} s)"
            )
        counts.forecasts = _forecasts(writer, ctx, organisation)
        writer.analyze()
    transaction.on_commit(writer.analyze)
    return counts


def _products(writer):
    """A catalogue of PRODUCTS items (kept when there is one already)."""
    existing = list(Product.objects.filter(code__startswith="VOL-").order_by("code"))
    if existing:
        return existing
    rng = random.Random(0)  # noqa: S311 - benchmark data
    rows = []
    for n in range(PRODUCTS):
        price = Decimal(rng.randrange(5, 2000) * 100)
        rows.append(
            {
                "code": f"VOL-{n:04d}",
                "name": f"{PROJECTS[n % len(PROJECTS)]}模块{n:03d}",
                "category": ["软件", "硬件", "服务"][n % 3],
                "unit": ["套", "台", "年"][n % 3],
                "list_price": price,
                "unit_cost": (price * Decimal("0.4")).quantize(pricing.FEN),
                "vat_rate": ["13", "13", "6"][n % 3],
                "is_active": n % 50 != 49,  # a few no longer sold, still on old quotes
            }
        )
    writer.insert(Product, rows)
    return list(Product.objects.filter(code__startswith="VOL-").order_by("code"))


def _approvers(organisation):
    """Each owner's reviewer: the manager of the team, or of the region above it."""
    teams = {t.pk: t for t in Team.objects.all()}
    approver = {}
    for owner in organisation.owners:
        team = teams.get(owner.team_id)
        while team is not None and (team.manager_id is None or team.manager_id == owner.pk):
            team = teams.get(team.parent_id)
        approver[owner.pk] = team.manager_id if team else None
    return approver


def _forecasts(writer, ctx, organisation):
    """Each team's manager committed the last three months and the next three."""
    this_month = timezone.localdate(ctx.now).replace(day=1)
    rows = []
    for team in Team.objects.filter(kind=Team.Kind.TEAM, manager__isnull=False):
        for offset in range(-3, 4):
            month = (this_month + timedelta(days=31 * offset + 1)).replace(day=1)
            best = Decimal(ctx.rng.randrange(50, 400) * 10000)
            rows.append(
                {
                    "team": team.pk,
                    "month": month,
                    "best_case": best,
                    "commit": (best * Decimal("0.6")).quantize(pricing.FEN),
                    "by": team.manager_id,
                    "at": min(ctx.now, ctx.now + timedelta(days=31 * offset - 7)),
                }
            )
    writer.insert(ForecastCommit, rows)
    return len(rows)
