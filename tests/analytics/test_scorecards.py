"""Scorecards: the per-rep figures, the arithmetic of scores (expected values worked out by
hand below), ranks within company and team with the period before, weights that must add up
to 100%, teamwork ratings, what each role sees, the rankings export."""

import io
from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from analytics import periods
from analytics.errors import InvalidInput, NotAllowed
from analytics.models import (
    AnalyticsExport,
    Metric,
    ScorecardSettings,
    ScorecardWeight,
    TeamworkRating,
)
from analytics.selectors import metrics
from analytics.selectors import scorecards as selectors
from analytics.services import scorecards as services
from analytics.services import targets as target_services
from contracts.models import Payment
from customers.models import Customer
from teams.models import Role
from tests.factories import (
    ContractFactory,
    CustomerFactory,
    FollowUpFactory,
    InstalmentFactory,
    OpportunityFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MARCH = periods.month(2026, 3)
FEBRUARY = periods.month(2026, 2)


def _at(day):
    return datetime.combine(day, time(10), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def rep2(org):
    return UserFactory(username="rep2", role=Role.SALES_REP, team=org["team_a"])


@pytest.fixture
def dataset(rep, rep2, other_rep, manager, director, org):
    """March 2026:
    rep:  1 contract signed 03-10 (113,000 tax incl., 100,000 before tax, cost 50,000),
          50,000 collected on 03-20, 2 customers entered, 4 follow-ups, 1 won + 1 lost,
          teamwork 4; targets: sales 226,000, new customers 4.
    rep2: 2 contracts signed (226,000; margin 100,000), nothing collected, 2 customers
          entered, 2 follow-ups, 1 won, no rating, no target.
    other_rep: nothing.
    February: one follow-up of rep (the only figure of the month)."""
    customers = {}
    for user in (rep, rep2):
        customers[user] = [CustomerFactory(owner=user) for _ in range(2)]
    for index, contract_customer in enumerate([customers[rep][0], *customers[rep2]]):
        contract = ContractFactory(
            customer=contract_customer, signed=True, signed_on=date(2026, 3, 10 + index)
        )
        if contract.owner == rep:
            instalment = InstalmentFactory(contract=contract)
            Payment.objects.create(
                instalment=instalment,
                contract=contract,
                received_on=date(2026, 3, 20),
                amount=Decimal("50000.00"),
                method=Payment.Method.CASH,
                recorded_by=rep,
            )
    for _ in range(4):
        FollowUpFactory(customer=customers[rep][0], occurred_at=_at(date(2026, 3, 5)))
    for _ in range(2):
        FollowUpFactory(customer=customers[rep2][0], occurred_at=_at(date(2026, 3, 6)))
    FollowUpFactory(customer=customers[rep][1], occurred_at=_at(date(2026, 2, 6)))
    OpportunityFactory(customer=customers[rep][0], won=True, closed_at=_at(date(2026, 3, 15)))
    OpportunityFactory(customer=customers[rep][1], lost=True, closed_at=_at(date(2026, 3, 16)))
    OpportunityFactory(customer=customers[rep2][0], won=True, closed_at=_at(date(2026, 3, 17)))
    # Every customer entered in March (the factories stamp them now).
    Customer.objects.update(created_at=_at(date(2026, 3, 2)))
    target_services.team_targets_set(
        by=director,
        period=MARCH,
        values={(org["team_a"].pk, Metric.SALES_AMOUNT): "226000"},
    )
    target_services.rep_targets_set(
        by=manager,
        team=org["team_a"],
        period=MARCH,
        values={(rep.pk, Metric.SALES_AMOUNT): "226000", (rep.pk, Metric.NEW_CUSTOMERS): "4"},
    )
    services.rating_set(by=manager, rep=rep, period=MARCH, rating=4)
    return {"rep": rep, "rep2": rep2, "other_rep": other_rep}


def test_the_figures_per_rep(dataset, rep, rep2):
    found = metrics.rep_figures(MARCH.start, MARCH.end, [rep.pk, rep2.pk])
    assert found["sales_amount"] == {rep.pk: Decimal("113000.00"), rep2.pk: Decimal("226000.00")}
    assert found["gross_margin"] == {rep.pk: Decimal("50000.00"), rep2.pk: Decimal("100000.00")}
    assert found["collected"] == {rep.pk: Decimal("50000.00")}
    assert found["new_customers"] == {rep.pk: 2, rep2.pk: 2}
    assert found["follow_ups"] == {rep.pk: 4, rep2.pk: 2}
    assert found["win_rate"] == {rep.pk: Decimal("50.00"), rep2.pk: Decimal("100.00")}


def _line(card, metric):
    return next(line for line in card.lines if line.metric == metric)


def test_the_scores_weights_and_ranks(dataset, rep, rep2, other_rep):
    cards = {card.rep: card for card in selectors.scorecards(MARCH)}
    mine, theirs, other = cards[rep], cards[rep2], cards[other_rep]
    # rep, by hand with the default weights (30/15/10 results, 15 customers, 10/10 process,
    # 10 teamwork):
    # sales 113,000 of the 226,000 target = 50 → 15; collected 50,000 = the best → 100 → 15;
    # margin 50,000 of the best 100,000 = 50 → 5; new customers 2 of the target 4 = 50 → 7.5;
    # follow-ups 4 = the best → 100 → 10; win rate 50% → 5; teamwork 4 × 20 = 80 → 8.
    assert [(x.metric, x.score, x.contribution) for x in mine.lines] == [
        ("sales_amount", Decimal("50.00"), Decimal("15.00")),
        ("collected", Decimal("100.00"), Decimal("15.00")),
        ("gross_margin", Decimal("50.00"), Decimal("5.00")),
        ("new_customers", Decimal("50.00"), Decimal("7.50")),
        ("follow_ups", Decimal("100.00"), Decimal("10.00")),
        ("win_rate", Decimal("50.00"), Decimal("5.00")),
        ("teamwork", Decimal("80.00"), Decimal("8.00")),
    ]
    assert mine.total == Decimal("65.50")
    assert _line(mine, "sales_amount").basis == "target"
    assert _line(mine, "gross_margin").basis_value == Decimal("100000.00")
    # rep2: sales without a target: 226,000 = the best → 30; collected 0 → 0; margin the best
    # → 10; new customers 2 = the best → 15; follow-ups 2 of 4 → 5; win rate 100% → 10;
    # no teamwork rating → 0.
    assert theirs.total == Decimal("70.00")
    assert _line(theirs, "sales_amount").basis == "best"
    assert other.total == Decimal("0.00")
    assert (theirs.company_rank, mine.company_rank, other.company_rank) == (1, 2, 3)
    assert (theirs.team_rank, mine.team_rank, other.team_rank) == (1, 2, 1)
    # February: only rep's follow-up scores (100 × 10% = 10); the others tie at 0.
    assert (mine.previous_total, mine.previous_company_rank) == (Decimal("10.00"), 1)
    assert (theirs.previous_company_rank, other.previous_company_rank) == (2, 2)


def test_the_directors_weights_change_the_scores(dataset, director, rep):
    weights = {m: "0" for m in selectors.ScoreMetric.values}
    weights.update({"sales_amount": "60", "teamwork": "40"})
    services.weights_set(by=director, values=weights)
    cards = {card.rep: card for card in selectors.scorecards(MARCH)}
    # 50 × 60% + 80 × 40% = 30 + 32
    assert cards[rep].total == Decimal("62.00")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"teamwork": "20"}, "add up to 110%"),
        ({"teamwork": "-10", "win_rate": "30"}, "from 0% to 100%"),
        ({"teamwork": "abc"}, "is not a number"),
    ],
)
def test_weights_that_do_not_add_up_change_nothing(director, change, message):
    values = {"sales_amount": "30", "collected": "15", "gross_margin": "10"}
    values |= {"new_customers": "15", "follow_ups": "10", "win_rate": "10", "teamwork": "10"}
    services.weights_set(by=director, values=values)
    with pytest.raises(InvalidInput, match=message):
        services.weights_set(by=director, values=values | change)
    assert ScorecardWeight.objects.get(metric="teamwork").weight == Decimal("10.00")


def test_the_weights_page(client, director, manager):
    url = reverse("analytics:scorecard-weights")
    client.force_login(manager)
    assert client.get(url).status_code == 403
    client.force_login(director)
    assert client.get(url).status_code == 200
    data = {f"w-{m}": "10" for m in selectors.ScoreMetric.values}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "The weights add up to 70%, not 100%." in response.content.decode()
    assert not ScorecardWeight.objects.exists()
    data |= {"w-sales_amount": "40"}
    assert client.post(url, data).status_code == 302
    assert ScorecardWeight.objects.count() == 7


def test_ratings_by_the_reps_manager_only(client, manager, rep, other_rep):
    with pytest.raises(NotAllowed):
        services.rating_set(by=manager, rep=other_rep, period=MARCH, rating=3)
    with pytest.raises(InvalidInput):
        services.rating_set(by=manager, rep=rep, period=MARCH, rating=6)
    url = reverse("analytics:teamwork-ratings") + "?period=2026-03"
    client.force_login(rep)
    assert client.get(url).status_code == 403
    client.force_login(manager)
    page = client.get(url).content.decode()
    assert f'name="r-{rep.pk}"' in page and f'name="r-{other_rep.pk}"' not in page
    response = client.post(url, {f"r-{rep.pk}": "9"})
    assert "A rating is a whole number from 1 to 5." in response.content.decode()
    assert not TeamworkRating.objects.exists()
    assert client.post(url, {f"r-{rep.pk}": "5", f"c-{rep.pk}": "乐于助人"}).status_code == 302
    rating = TeamworkRating.objects.get()
    assert (rating.rating, rating.rated_by, rating.history.count()) == (5, manager, 1)


def test_a_rep_sees_their_score_and_the_team_only_as_positions(client, dataset, rep, rep2):
    client.force_login(rep)
    url = reverse("analytics:scorecards") + "?period=2026-03"
    page = client.get(url).content.decode()
    assert "65.50" in page and "70.00" not in page
    assert rep2.display_name in page
    assert client.get(f"{url}&rep={rep2.pk}").status_code == 404
    settings_row = ScorecardSettings.load()
    settings_row.reps_see_team_figures = True
    settings_row.save()
    assert "70.00" in client.get(url).content.decode()


def test_a_manager_sees_the_team_and_the_director_everyone(
    client, dataset, manager, director, rep, other_rep
):
    url = reverse("analytics:scorecards") + "?period=2026-03"
    client.force_login(manager)
    page = client.get(url).content.decode()
    assert rep.display_name in page and other_rep.display_name not in page
    assert client.get(f"{url}&rep={other_rep.pk}").status_code == 404
    client.force_login(director)
    page = client.get(f"{url}&rep={other_rep.pk}").content.decode()
    assert other_rep.display_name in page


def test_the_rankings_export_is_formula_safe_and_logged(client, dataset, director, rep, manager):
    rep.first_name, rep.last_name = "=HYPERLINK(1)", ""
    rep.save()
    client.force_login(director)
    url = reverse("analytics:rankings-export") + "?period=2026-03"
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("公司排名", "上期公司排名", "团队排名")
    names = [row[4] for row in rows[1:]]
    assert "'=HYPERLINK(1)" in names
    assert len(rows) == 4
    log = AnalyticsExport.objects.get()
    assert (log.user, log.kind, log.row_count, log.params["period"]) == (
        director,
        AnalyticsExport.Kind.RANKINGS,
        3,
        "2026-03",
    )
    client.force_login(manager)
    response = client.post(url)
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert len(rows) == 3  # the header and team A's two reps
    client.force_login(rep)
    assert client.post(url).status_code == 403
