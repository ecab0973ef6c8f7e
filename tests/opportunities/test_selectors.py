"""The reads the pages build on: the pipeline's column totals and first cards, the forecast,
the forecast commits, what waits for a manager. Each runs a fixed number of queries."""

from datetime import date, datetime, timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from opportunities import selectors
from opportunities.models import ForecastCommit, Opportunity, Quote
from opportunities.services import forecast
from teams.models import Role
from teams.workdays import CHINA
from tests.factories import (
    CustomerFactory,
    OpportunityFactory,
    QuoteFactory,
    SkipRequestFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [1, 50])
def test_column_totals_cover_every_matching_opportunity_in_one_query(
    django_assert_num_queries, rep, stages, count
):
    customer = CustomerFactory(owner=rep)
    for n in range(count):
        OpportunityFactory(
            customer=customer, needs=True, expected_amount=D("1000.05"), probability=30 + n % 2
        )
    OpportunityFactory(customer=customer, expected_amount=D("99.99"))
    board = list(stages.values())  # loaded before the count
    with django_assert_num_queries(1):
        columns = selectors.pipeline_columns(
            opportunities=Opportunity.objects.filter(owner=rep), stages=board
        )
    by_code = {column.stage.code: column for column in columns}
    needs = by_code["needs"]
    at_30 = (count + 1) // 2  # n even → 30 %, odd → 31 %
    assert needs.count == count
    assert needs.amount == D("1000.05") * count
    # Σ amount × probability / 100, rounded once: 1000.05 × (30 × at_30 + 31 × rest) / 100
    expected = (D("1000.05") * (30 * at_30 + 31 * (count - at_30)) / 100).quantize(D("0.01"))
    assert needs.weighted == expected
    assert (by_code["initial"].count, by_code["initial"].weighted) == (1, D("10.00"))
    assert (by_code["won"].count, by_code["won"].amount) == (0, D("0.00"))


def test_board_cards_are_the_first_of_each_column_in_one_query(
    django_assert_num_queries, rep, stages
):
    customer = CustomerFactory(owner=rep)
    for _ in range(25):
        OpportunityFactory(customer=customer)
    newest = OpportunityFactory(customer=customer, needs=True)
    board = [stages["initial"], stages["needs"], stages["proposal"]]
    with django_assert_num_queries(1):
        cards = selectors.board_cards(
            opportunities=Opportunity.objects.all(), stages=board, per_column=20
        )
        assert [card.customer.name for card in cards[stages["needs"].pk]] == [customer.name]
    assert len(cards[stages["initial"].pk]) == 20
    assert cards[stages["needs"].pk] == [newest]
    assert cards[stages["proposal"].pk] == []


def _closed_on(day):
    return datetime(day.year, day.month, day.day, 23, 30, tzinfo=CHINA)


def test_forecast_by_owner_beside_what_was_won(django_assert_num_queries, org, rep, stages):
    teammate = UserFactory(username="teammate", team=org["team_a"])
    customer = CustomerFactory(owner=rep)
    OpportunityFactory(
        customer=customer,
        negotiation=True,
        expected_amount=D("100000.00"),
        expected_close_date=date(2027, 1, 20),
    )
    OpportunityFactory(
        customer=customer,
        owner=teammate,
        expected_amount=D("50000.00"),
        expected_close_date=date(2027, 1, 5),
    )
    # won late on 31 December in Shanghai: December's, though it is already UTC's 31st
    OpportunityFactory(
        customer=customer,
        won=True,
        expected_amount=D("80000.00"),
        closed_at=_closed_on(date(2026, 12, 31)),
    )
    OpportunityFactory(customer=customer, lost=True, closed_at=_closed_on(date(2027, 1, 3)))

    with django_assert_num_queries(3):
        rows = selectors.forecast_rows(
            opportunities=Opportunity.objects.all(),
            start=date(2026, 12, 1),
            end=date(2027, 1, 31),
            group_by="owner",
        )
    found = {(row.month, row.key.username): row for row in rows}
    assert set(found) == {
        (date(2026, 12, 1), "rep"),
        (date(2027, 1, 1), "rep"),
        (date(2027, 1, 1), "teammate"),
    }
    assert (found[(date(2026, 12, 1), "rep")].won, found[(date(2026, 12, 1), "rep")].won_count) == (
        D("80000.00"),
        1,
    )
    january = found[(date(2027, 1, 1), "rep")]
    assert (january.expected, january.weighted, january.won) == (
        D("100000.00"),
        D("70000.00"),  # 70 % in 商务谈判
        D("0.00"),
    )
    assert found[(date(2027, 1, 1), "teammate")].weighted == D("5000.00")  # 10 %

    by_team = selectors.forecast_rows(
        opportunities=Opportunity.objects.all(),
        start=date(2027, 1, 1),
        end=date(2027, 1, 31),
        group_by="team",
    )
    assert [(row.key, row.expected, row.open_count) for row in by_team] == [
        (org["team_a"], D("150000.00"), 2)
    ]


def test_the_latest_commit_is_the_forecast_and_earlier_ones_its_history(org, manager):
    month = date(2027, 1, 15)
    forecast.forecast_commit(
        by=manager, team=org["team_a"], month=month, best_case="500000", commit="300000"
    )
    forecast.forecast_commit(
        by=manager, team=org["team_a"], month=month, best_case="450000", commit="350000.50"
    )
    latest = selectors.forecast_commits(
        teams=[org["team_a"]], start=date(2027, 1, 1), end=date(2027, 3, 31)
    )
    commit = latest[(org["team_a"].pk, date(2027, 1, 1))]
    assert (commit.best_case, commit.commit) == (D("450000.00"), D("350000.50"))
    assert commit.month == date(2027, 1, 1)
    assert ForecastCommit.objects.filter(team=org["team_a"]).count() == 2


def test_the_review_queue_holds_what_waits_for_the_user(org, rep, manager, director, stages):
    customer = CustomerFactory(owner=rep)
    waiting = QuoteFactory(opportunity__customer=customer, in_review=True)
    QuoteFactory(opportunity__customer=customer)  # a draft waits for nobody
    discount = QuoteFactory(opportunity__customer=customer, status=Quote.Status.DIRECTOR_REVIEW)
    skip = SkipRequestFactory(opportunity=OpportunityFactory(customer=customer))
    elsewhere = QuoteFactory(
        opportunity__customer=CustomerFactory(
            owner=UserFactory(username="far", role=Role.SALES_REP, team=org["team_c"])
        ),
        in_review=True,
    )

    queue = selectors.review_queue(user=manager)
    assert list(queue.quotes) == [waiting]
    assert list(queue.skips) == [skip]
    assert list(queue.discounts) == []
    assert queue.count == 2

    director_queue = selectors.review_queue(user=director)
    assert list(director_queue.discounts) == [discount]
    assert elsewhere not in director_queue.quotes  # team_c has no manager: nobody's queue
    assert selectors.review_queue(user=rep).count == 0


def test_solution_overdue_on_the_list(rep, stages):
    customer = CustomerFactory(owner=rep)
    late = OpportunityFactory(
        customer=customer, proposal=True, solution_due=timezone.localdate() - timedelta(days=1)
    )
    OpportunityFactory(customer=customer, proposal=True)  # due in a week
    OpportunityFactory(
        customer=customer,
        negotiation=True,  # submitted
    )
    assert list(Opportunity.objects.solution_overdue()) == [late]
