"""The KPI summaries (analytics.models.summaries) equal the live computation: every figure,
this year and the year before, for periods of every shape (a month, a quarter, a year, odd
days, across months and years) and every scope; the funnel, the trend and the ranking too.
The incremental refresh picks up what changed; the dashboard shows "data as of" and runs a
pinned number of queries."""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from analytics import periods
from analytics.kpis import charts, summarised
from analytics.kpis.compute import compute
from analytics.kpis.scope import Scope
from analytics.models import DailySummary, KpiSettings, MonthlySummary, SummaryState
from analytics.selectors import scorecards as scorecard_selectors
from analytics.selectors.metrics import rep_figures
from analytics.services import summaries
from contracts.models import Contract, Payment
from customers.models import Customer, FollowUp
from opportunities.models import Opportunity
from tests.analytics.databases import READS, needs_replica
from tests.factories.contracts import InstalmentFactory
from tests.factories.customers import FollowUpFactory

from .kpi_data import _customer, _signed, at, build

pytestmark = [
    pytest.mark.django_db(databases=READS),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the summaries are PostgreSQL's (bit strings)"
    ),
]

URL = reverse("analytics:dashboard")

PERIODS = [
    (date(2025, 3, 1), date(2025, 3, 31)),  # a month
    (date(2025, 1, 1), date(2025, 3, 31)),  # a quarter
    (date(2025, 1, 1), date(2025, 12, 31)),  # a year
    (date(2025, 3, 5), date(2025, 3, 20)),  # odd days inside a month
    (date(2025, 2, 15), date(2025, 4, 10)),  # odd days around a whole month
    (date(2024, 12, 15), date(2025, 3, 31)),  # across years
    (date(2024, 2, 29), date(2024, 3, 31)),  # from a leap day
]


@pytest.fixture
def data(rep, other_rep, director, manager):
    return build(rep, other_rep, director)


def _scopes(director, manager, rep, other_rep, org):
    return {
        "company": Scope(user=director),
        "team A": Scope(user=director, team=org["team_a"]),
        "team C": Scope(user=director, team=org["team_c"]),
        "east": Scope(user=director, team=org["east"]),
        "rep": Scope(user=director, rep=rep),
        "other rep": Scope(user=director, rep=other_rep),
        "manager's company": Scope(user=manager),
        "rep themself": Scope(user=rep, rep=rep),
    }


def _settled():
    """Stamp every record an hour ago, then build: the next refresh sees only what follows."""
    earlier = timezone.now() - timedelta(hours=1)
    Contract.objects.update(updated_at=earlier)
    Customer.objects.update(updated_at=earlier)
    Opportunity.objects.update(updated_at=earlier)
    Payment.objects.update(recorded_at=earlier)
    FollowUp.objects.update(recorded_at=earlier)
    summaries.rebuild()


def _figures(result):
    return {
        code: (figure.actual, figure.previous, figure.target)
        for code, figure in result.figures.items()
    }


def _same(live, summed):
    """Equal figures (floats to 9 places: a mean of sums against the database's mean)."""
    assert live.keys() == summed.keys()
    for code in live:
        for a, b in zip(live[code], summed[code], strict=True):
            if isinstance(a, float) or isinstance(b, float):
                assert b == pytest.approx(a, abs=1e-9), code
            else:
                assert a == b, code


@pytest.mark.parametrize(("start", "end"), PERIODS)
def test_the_summaries_equal_the_live_figures(
    data, director, manager, rep, other_rep, org, start, end
):
    summaries.rebuild()
    for name, scope in _scopes(director, manager, rep, other_rep, org).items():
        live = compute(scope=scope, start=start, end=end)
        summed = compute(scope=scope, start=start, end=end, summaries=True)
        _same(_figures(live), _figures(summed))
        assert live.raw["active_c"] == summed.raw["active_c"], name
        assert live.raw["churned_c"] == summed.raw["churned_c"], name
        assert charts.funnel(scope, start, end) == charts.funnel(
            scope, start, end, summaries=True
        ), name
        assert charts.trend(scope, end) == charts.trend(scope, end, summaries=True), name
        assert charts.ranking(scope, start, end) == charts.ranking(
            scope, start, end, summaries=True
        ), name


def test_the_summaries_are_not_empty_figures(data, director):
    """The table above compares something: the March 2025 figures, written out."""
    summaries.rebuild()
    result = compute(
        scope=Scope(user=director), start=date(2025, 3, 1), end=date(2025, 3, 31), summaries=True
    )
    f = {code: figure.actual for code, figure in result.figures.items()}
    assert f["sales_amount"] == Decimal("339000.00")
    assert result.figures["sales_amount"].previous == Decimal("113000.00")
    assert f["collected"] == Decimal("50000.00")
    assert f["active_customers"] == 3
    assert f["churned_customers"] == 1
    assert f["sales_cycle"] == pytest.approx(59.0)
    assert f["approval_lead_time"] == pytest.approx(48.0)
    assert f["satisfaction"] == pytest.approx(4.5)
    assert f["followup_timeliness"] == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("churn_days", "signings"), [(30, True), (180, False), (400, True), (1, False)]
)
def test_active_and_churned_follow_the_settings(
    data, director, rep, other_rep, org, churn_days, signings
):
    KpiSettings.objects.create(pk=1, churn_days=churn_days, active_counts_signings=signings)
    summaries.rebuild()
    for scope in (Scope(user=director), Scope(user=director, rep=other_rep)):
        for start, end in PERIODS:
            live = compute(scope=scope, start=start, end=end)
            summed = compute(scope=scope, start=start, end=end, summaries=True)
            for key in ("active_c", "active_p", "churned_c", "churned_p"):
                assert live.raw[key] == summed.raw[key], (key, start, end)


def test_the_months_split_into_whole_months_and_odd_days():
    split = summarised.split_months
    assert split(date(2025, 1, 1), date(2025, 12, 31)) == (
        (date(2025, 1, 1), date(2025, 12, 31)),
        [],
    )
    assert split(date(2025, 3, 5), date(2025, 3, 20)) == (
        None,
        [(date(2025, 3, 5), date(2025, 3, 20))],
    )
    assert split(date(2025, 2, 15), date(2025, 4, 10)) == (
        (date(2025, 3, 1), date(2025, 3, 31)),
        [(date(2025, 2, 15), date(2025, 2, 28)), (date(2025, 4, 1), date(2025, 4, 10))],
    )
    assert split(date(2025, 1, 15), date(2025, 2, 10)) == (
        None,
        [(date(2025, 1, 15), date(2025, 2, 10))],
    )


def test_a_new_payment_and_contract_are_picked_up_by_the_next_refresh(
    data, director, rep, other_rep
):
    _settled()
    march = (date(2025, 3, 1), date(2025, 3, 31))
    scope = Scope(user=director)
    before = compute(scope=scope, start=march[0], end=march[1], summaries=True)
    assert before.figures["collected"].actual == Decimal("50000.00")
    # A payment on 18 March and a new customer's contract signed on 28 March.
    contract = data["k2"]
    instalment = InstalmentFactory(contract=contract, position=2, due_date=date(2025, 3, 18))
    Payment.objects.create(
        instalment=instalment,
        contract=contract,
        received_on=date(2025, 3, 18),
        amount=Decimal("7000"),
        method=Payment.Method.BANK_TRANSFER,
        recorded_by=other_rep,
    )
    newcomer = _customer(rep, at(2025, 3, 26), status="customer")
    signed = _signed(newcomer, date(2025, 3, 28))
    FollowUpFactory(customer=newcomer, occurred_at=at(2025, 3, 27), is_late=False)
    # Not in the summaries until their refresh.
    stale = compute(scope=scope, start=march[0], end=march[1], summaries=True)
    assert stale.figures["collected"].actual == Decimal("50000.00")
    done = summaries.refresh()
    # Only the days touched are recomputed: 18, 26, 27 and 28 March.
    assert done["days"] == 4
    live = compute(scope=scope, start=march[0], end=march[1])
    after = compute(scope=scope, start=march[0], end=march[1], summaries=True)
    _same(_figures(live), _figures(after))
    assert after.figures["collected"].actual == Decimal("57000.00")
    assert after.figures["sales_amount"].actual == Decimal("339000.00") + signed.amount
    assert after.figures["sales_count"].actual == 3
    assert after.figures["active_customers"].actual == 4
    assert after.figures["new_customers"].actual == 3
    assert MonthlySummary.objects.filter(month=date(2025, 3, 1)).count() == 2  # the two reps


def test_a_customer_handed_to_another_rep_moves_their_figures(data, director, rep, other_rep):
    _settled()
    march = (date(2025, 3, 1), date(2025, 3, 31))
    customer = Customer.objects.get(pk=data["c1"].pk)  # rep's: k1, a follow-up, a score
    Contract.objects.filter(customer=customer).update(owner=other_rep, updated_at=timezone.now())
    customer.owner = other_rep
    customer.save()
    summaries.refresh()
    for who in (rep, other_rep):
        scope = Scope(user=director, rep=who)
        live = compute(scope=scope, start=march[0], end=march[1])
        after = compute(scope=scope, start=march[0], end=march[1], summaries=True)
        _same(_figures(live), _figures(after))
    assert compute(
        scope=Scope(user=director, rep=rep), start=march[0], end=march[1], summaries=True
    ).figures["sales_amount"].actual == Decimal("0.00")


def test_a_refresh_with_nothing_new_recomputes_nothing(data):
    summaries.rebuild()
    SummaryState.objects.filter(pk=1).update(refreshed_at=timezone.now() + timedelta(minutes=10))
    rows = DailySummary.objects.count()
    assert summaries.refresh()["days"] == 0
    assert DailySummary.objects.count() == rows


def test_the_first_refresh_builds_everything(data):
    assert summarised.as_of() is None
    summaries.refresh()
    assert summarised.as_of() is not None
    assert DailySummary.objects.exists()


def test_the_refresh_is_in_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "analytics.tasks.refresh_summaries_task" in tasks
    assert "analytics.tasks.rebuild_summaries_task" in tasks


# --- the page -----------------------------------------------------------------------------------


def _page(client, user, **params):
    client.force_login(user)
    return client.get(URL, {"period": "month", "month": "2025-03", **params})


def test_the_dashboard_reads_live_until_the_summaries_are_built(client, data, director):
    page = _page(client, director)
    assert page.context["as_of"] is None
    assert 'id="data-as-of"' not in page.content.decode()


def test_the_dashboard_shows_when_its_data_is_as_of(client, data, director):
    summaries.rebuild()
    moment = SummaryState.as_of()
    page = _page(client, director)
    assert page.context["as_of"] == moment
    local = timezone.localtime(moment)
    assert f"Data as of {local:%Y-%m-%d %H:%M}" in page.content.decode()
    assert page.context["result"].figures["sales_amount"].actual == Decimal("339000.00")
    # A cut is read live, and says so.
    cut = _page(client, director, cut="region")
    assert cut.context["as_of"] is None
    assert 'id="data-live"' in cut.content.decode()


def test_the_dashboard_reads_the_summaries_once_built(client, data, director):
    summaries.rebuild()
    # A record changed behind the summaries' back shows only after the next refresh.
    Customer.objects.filter(pk=data["c2"].pk).update(created_at=at(2025, 4, 2))
    page = _page(client, director)
    assert page.context["result"].figures["new_customers"].actual == 2
    summaries.rebuild()
    page = _page(client, director)
    assert page.context["result"].figures["new_customers"].actual == 1


@needs_replica
def test_the_summarised_dashboard_runs_a_constant_number_of_queries_on_the_replica(
    client, director, rep, other_rep, django_assert_num_queries
):
    summaries.rebuild()
    client.force_login(director)
    client.get(URL, {"period": "month", "month": "2025-03"})  # the session, the settings row
    with django_assert_num_queries(19, connection=connections["replica"]):
        client.get(URL, {"period": "month", "month": "2025-03"})
    build(rep, other_rep, director)
    summaries.rebuild()
    with django_assert_num_queries(19, connection=connections["replica"]):
        client.get(URL, {"period": "month", "month": "2025-03"})
    # A custom range of whole months and odd days reads the daily rows too (the sums once,
    # the ranking per odd stretch).
    with django_assert_num_queries(22, connection=connections["replica"]):
        client.get(URL, {"period": "custom", "start": "2025-02-15", "end": "2025-04-10"})


def test_the_command_refreshes_and_rebuilds(data):
    out = StringIO()
    call_command("refresh_summaries", stdout=out)
    assert "Summaries as of" in out.getvalue()
    first = SummaryState.as_of()
    call_command("refresh_summaries", "--full", stdout=StringIO())
    assert SummaryState.as_of() > first


def test_a_refresh_while_another_runs_does_nothing(data):
    """Two at once would insert the same days twice: the second one waits for the next turn."""
    other = connection.copy()  # another session of the same database
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [summaries.LOCK_KEY])
            assert cursor.fetchone()[0]
        assert summaries.refresh() == {"busy": True}
        assert summarised.as_of() is None
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [summaries.LOCK_KEY])
    finally:
        other.close()
    assert summaries.refresh()["as_of"]


@pytest.mark.parametrize(("start", "end"), PERIODS)
def test_the_scorecards_figures_from_the_summaries_equal_the_live_ones(
    data, rep, other_rep, manager, start, end
):
    summaries.rebuild()
    ids = [rep.pk, other_rep.pk, manager.pk]
    live = rep_figures(start, end, ids)
    summed = rep_figures(start, end, ids, summaries=True)
    assert {k: v for k, v in live.items() if v} == {k: v for k, v in summed.items() if v}


@pytest.mark.parametrize(
    "period", [periods.month(2025, 3), periods.quarter(2025, 1), periods.year(2025)]
)
def test_the_scorecards_from_the_summaries_equal_the_live_ones(data, rep, other_rep, period):
    summaries.rebuild()

    def seen(cards):
        return [
            (
                card.rep.pk,
                card.total,
                card.company_rank,
                card.team_rank,
                card.previous_total,
                [(line.metric, line.value, line.score) for line in card.lines],
            )
            for card in cards
        ]

    live = scorecard_selectors.scorecards(period)
    assert seen(live) == seen(scorecard_selectors.scorecards(period, summaries=True))
    assert any(line.value for card in live for line in card.lines)


def test_the_scorecards_page_shows_when_its_data_is_as_of(client, data, director):
    client.force_login(director)
    url = reverse("analytics:scorecards") + "?period=2025-03"
    assert 'id="data-as-of"' not in client.get(url).content.decode()
    summaries.rebuild()
    assert 'id="data-as-of"' in client.get(url).content.decode()
