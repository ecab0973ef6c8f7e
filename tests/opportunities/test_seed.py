"""Demo data (seed_demo) and volume data (seed_volume) of the opportunities."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Max, Min
from django.utils import timezone

from opportunities import demo, pricing
from opportunities.models import (
    Competitor,
    ExtensionRequest,
    ForecastCommit,
    Opportunity,
    Product,
    Quote,
    QuoteLine,
    Stage,
    StageChange,
    StageSkipRequest,
)
from teams import policy

pytestmark = pytest.mark.django_db


def run(command, **options):
    out = io.StringIO()
    call_command(command, stdout=out, **options)
    return out.getvalue()


def counts():
    models = (Opportunity, StageChange, Competitor, Quote, QuoteLine, Product, ForecastCommit)
    return {model.__name__: model.objects.count() for model in models} | {
        "history": Opportunity.history.count()
    }


# --- seed_demo -------------------------------------------------------------------------------


def test_seed_demo_twice_creates_the_opportunities_once():
    first = run("seed_demo")
    after_first = counts()
    second = run("seed_demo")

    assert counts() == after_first
    assert "Demo opportunities: 40 (40 new)" in first
    assert "Demo opportunities: 40 (0 new)" in second
    assert after_first["Opportunity"] == 40


def test_the_demo_pipeline_has_every_stage_and_quote_state_and_obeys_the_rules():
    run("seed_demo")
    opportunities = Opportunity.objects.filter(name__in=demo.demo_names())
    assert opportunities.count() == 40
    by_stage = dict(opportunities.values_list("stage__code").annotate(n=Count("pk")))
    assert set(by_stage) == set(Stage.objects.values_list("code", flat=True))
    assert min(by_stage.values()) >= 5
    quotes = Quote.objects.filter(opportunity__in=opportunities)
    assert set(quotes.values_list("status", flat=True)) == set(Quote.Status.values)
    assert quotes.aggregate(top=Max("version"))["top"] >= 3

    for opportunity in opportunities.select_related("stage", "lost_reason"):
        changes = list(opportunity.stage_changes.order_by("at", "pk"))
        # The history starts at the creation and ends in the current stage.
        assert changes[0].kind == StageChange.Kind.CREATED
        assert changes[-1].to_stage_id == opportunity.stage_id
        assert [c.at for c in changes] == sorted(c.at for c in changes)
        if opportunity.stage.is_won:
            accepted = opportunity.quotes.filter(status=Quote.Status.ACCEPTED).get()
            assert opportunity.expected_amount == accepted.total_amount
            assert opportunity.status == Opportunity.Status.WON and opportunity.closed_at
        elif opportunity.stage.is_lost:
            assert opportunity.lost_reason is not None
            if opportunity.lost_reason.needs_competitor:
                assert opportunity.won_competitor.opportunity_id == opportunity.pk
        else:
            assert opportunity.status == Opportunity.Status.OPEN
            assert opportunity.closed_at is None
        if opportunity.stage.code in ("negotiation", "won"):
            assert opportunity.competitors.exists()
            assert opportunity.quotes.filter(reviews__decision="approved").exists()

    # Every quote's total is the sum of its lines; every one submitted was reviewed by the
    # owner's manager, never by the owner.
    for quote in quotes.prefetch_related("lines"):
        assert quote.total_amount == sum(line.line_total for line in quote.lines.all())
        for review in quote.reviews.filter(step="manager"):
            assert review.by == policy.approver_for(quote.opportunity.owner)

    skips = StageSkipRequest.objects.filter(opportunity__in=opportunities)
    assert skips.filter(status=StageSkipRequest.Status.PENDING).count() == 1
    assert skips.filter(status=StageSkipRequest.Status.USED).count() == 1
    extensions = ExtensionRequest.objects.filter(opportunity__in=opportunities)
    assert extensions.filter(status=ExtensionRequest.Status.PENDING).count() == 1
    assert extensions.filter(status=ExtensionRequest.Status.APPROVED).count() == 1
    assert opportunities.solution_overdue().exists()
    assert ForecastCommit.objects.values("team").distinct().count() == 3

    # Spread over the past months, never in the future.
    now = timezone.now()
    span = opportunities.aggregate(first=Min("created_at"), last=Max("created_at"))
    assert span["first"] < now - timedelta(days=60)
    assert span["last"] < now
    assert not StageChange.objects.filter(at__gt=now).exists()
    assert StageChange.objects.filter(days_in_previous__gt=0).count() > 40


# --- seed_volume -----------------------------------------------------------------------------

# The suite also runs on SQLite, where seed_volume wants --force (tiny numbers are quick there).
TINY = {"customers": 40, "contacts_per": 1, "followups_per": 2, "reps": 6, "teams": 3}
FORCED = {**TINY, "force": True}


def test_seed_volume_grows_opportunities_quotes_and_lines_scaled_by_the_options():
    output = run("seed_volume", **FORCED, opportunities_per=3, quotes_per=1, lines_per=4)

    assert "Volume opportunities: 120 (" in output
    assert Opportunity.objects.count() == 120
    stages = set(Opportunity.objects.values_list("stage__code", flat=True))
    assert stages == set(Stage.objects.values_list("code", flat=True))
    # One version per customer at least (more where every won or negotiating deal needs one,
    # and each owner has an opportunity with ten: the benchmark's opportunity page).
    assert Quote.objects.count() >= 40
    assert 2 <= QuoteLine.objects.count() / Quote.objects.count() <= 6
    versions = Quote.objects.values("opportunity", "opportunity__owner").annotate(n=Count("pk"))
    assert max(v["n"] for v in versions) == 10
    owners = {v["opportunity__owner"] for v in versions}
    assert owners == {v["opportunity__owner"] for v in versions if v["n"] == 10}
    assert Product.objects.filter(code__startswith="VOL-").count() == 200
    assert ForecastCommit.objects.exists()

    run("seed_volume", **{**FORCED, "customers": 10}, append=True, opportunities_per=2)
    assert Opportunity.objects.count() == 120 + 20  # only the new customers get some


def test_seed_volume_rows_are_consistent_like_the_services_leave_them():
    run("seed_volume", **FORCED)
    now = timezone.now()
    opportunities = Opportunity.objects.select_related("stage", "lost_reason")
    changes = {}
    for change in StageChange.objects.order_by("at", "pk"):
        changes.setdefault(change.opportunity_id, []).append(change)
    for opportunity in opportunities:
        history = changes[opportunity.pk]
        assert history[0].kind == StageChange.Kind.CREATED
        # Each move starts where the one before ended, and the last ends in the current stage.
        for before, after in zip(history, history[1:], strict=False):
            assert after.from_stage_id == before.to_stage_id
            assert after.days_in_previous == (after.at - before.at).days
        assert history[-1].to_stage_id == opportunity.stage_id
        assert history[-1].at == opportunity.stage_entered_at <= now
        assert opportunity.probability == opportunity.stage.default_probability
        if opportunity.customer.pool_id is None:  # a pooled customer's past deals keep theirs
            assert opportunity.owner_id == opportunity.customer.owner_id
        else:
            assert opportunity.status != Opportunity.Status.OPEN
        quotes = {q.status for q in opportunity.quotes.all()}
        if opportunity.stage.is_won:
            assert opportunity.status == Opportunity.Status.WON
            accepted = opportunity.quotes.get(status=Quote.Status.ACCEPTED)
            assert accepted.total_amount == opportunity.expected_amount
        elif opportunity.stage.is_lost:
            assert opportunity.status == Opportunity.Status.LOST
            assert opportunity.lost_reason is not None
            if opportunity.lost_reason.needs_competitor:
                assert opportunity.won_competitor.opportunity_id == opportunity.pk
        else:
            assert opportunity.status == Opportunity.Status.OPEN
            assert opportunity.closed_at is None
        if opportunity.stage.code == "negotiation":
            assert quotes & Quote.APPROVED_STATES

    for quote in Quote.objects.prefetch_related("lines"):
        lines = list(quote.lines.all())
        assert lines
        assert quote.total_amount == sum(line.line_total for line in lines)
        assert quote.amount_before_tax == sum(line.amount_before_tax for line in lines)
        assert quote.tax_amount == sum(line.tax_amount for line in lines)
        assert quote.cost_amount == sum(line.line_cost for line in lines)
        assert quote.margin_amount == quote.amount_before_tax - quote.cost_amount
        for line in lines:
            assert line.line_total == pricing.round_fen(
                line.quantity * line.unit_price * (100 - line.discount_percent) / 100
            )
        assert quote.needs_director == (quote.status == Quote.Status.DIRECTOR_REVIEW)
    # Only the latest version of an opportunity can still be a draft.
    latest = dict(Quote.objects.values_list("opportunity").annotate(top=Max("version")))
    for opportunity_id, version in Quote.objects.filter(status=Quote.Status.DRAFT).values_list(
        "opportunity_id", "version"
    ):
        assert latest[opportunity_id] == version


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's constraints")
def test_seed_volume_checks_the_foreign_keys_once_and_puts_them_back():
    def foreign_keys():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text LIKE ANY "
                "(ARRAY['opportunities_%%', 'customers_%%']) ORDER BY 1, 2"
            )
            return cursor.fetchall()

    before = foreign_keys()
    assert len(before) > 20
    run("seed_volume", **TINY)
    assert foreign_keys() == before
