"""Demo data (seed_demo) and volume data (seed_volume) of the opportunities."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count, Max, Min
from django.utils import timezone

from opportunities import demo
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
