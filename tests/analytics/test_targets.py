"""Targets: the company's year split to quarters and months, the split to teams and reps, the
difference shown until it adds up, the read API, refusals that change nothing, the history."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from analytics import periods, targets
from analytics.errors import InvalidInput, NotAllowed
from analytics.models import Metric, Target
from analytics.selectors import targets as selectors
from analytics.services import targets as services
from teams.models import Role
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db

Q1 = periods.quarter(2026, 1)
SALES = Metric.SALES_AMOUNT


class Row:
    def __init__(self, granularity, start, amount):
        self.granularity, self.period_start, self.amount = granularity, start, Decimal(amount)


def test_a_range_reads_whole_periods_then_prorates_the_rest():
    rows = [
        Row("year", date(2026, 1, 1), "1200"),
        Row("quarter", date(2026, 1, 1), "360"),
        Row("month", date(2026, 2, 1), "280"),
    ]
    assert periods.amount_over(rows, date(2026, 1, 1), date(2026, 12, 31)) == Decimal("1200.00")
    assert periods.amount_over(rows, date(2026, 1, 1), date(2026, 3, 31)) == Decimal("360.00")
    # February has its row; half of February: 14 of 28 days.
    assert periods.amount_over(rows, date(2026, 2, 15), date(2026, 2, 28)) == Decimal("140.00")
    # April has no row of its own: 30 days of the year's 1200 over 365 days = 98.63.
    assert periods.amount_over(rows, date(2026, 4, 1), date(2026, 4, 30)) == Decimal("98.63")
    assert periods.amount_over([], date(2026, 1, 1), date(2026, 1, 31)) is None


def test_periods_parse_and_step_back():
    assert periods.parse("2026-Q2").end == date(2026, 6, 30)
    assert periods.parse("2026-02").end == date(2026, 2, 28)
    assert periods.parse("2024-02").end == date(2024, 2, 29)
    assert periods.parse("2026-Q1").previous().code == "2025-Q4"
    assert periods.parse("2026-01").previous().code == "2025-12"
    assert periods.parse("2026-13") is None and periods.parse("1999") is None


def _company(director, **amounts):
    services.company_targets_set(
        by=director,
        values={(periods.parse(code.replace("_", "-")), SALES): v for code, v in amounts.items()},
    )


def test_the_year_split_shows_the_difference_until_it_adds_up(director):
    _company(director, **{"2026": "1000", "2026_Q1": "200", "2026_Q2": "300"})
    year = selectors.year_split(periods.year(2026))[0]
    column = next(c for c in year["columns"] if c.metric == SALES)
    assert (column.parent, column.total, column.difference) == (
        Decimal("1000.00"),
        Decimal("500.00"),
        Decimal("500.00"),
    )
    assert not column.complete
    _company(director, **{"2026_Q3": "250", "2026_Q4": "250"})
    column = next(
        c for c in selectors.year_split(periods.year(2026))[0]["columns"] if c.metric == SALES
    )
    assert column.complete and column.difference == 0


def test_a_manager_splits_the_team_target_to_reps(director, manager, rep, org):
    services.team_targets_set(by=director, period=Q1, values={(org["team_a"].pk, SALES): "900"})
    services.rep_targets_set(
        by=manager, team=org["team_a"], period=Q1, values={(rep.pk, SALES): "400"}
    )
    split = selectors.rep_split(Q1, org["team_a"])
    column = next(c for c in split.columns if c.metric == SALES)
    assert column.difference == Decimal("500.00") and not split.complete
    services.rep_targets_set(
        by=manager, team=org["team_a"], period=Q1, values={(manager.pk, SALES): "500"}
    )
    split = selectors.rep_split(Q1, org["team_a"])
    assert split.complete
    assert targets.target_for(SALES, Q1.start, Q1.end, rep=rep) == Decimal("400.00")
    assert targets.target_for(SALES, Q1.start, Q1.end, team=org["team_a"]) == Decimal("900.00")
    assert targets.targets_for(SALES, Q1.start, Q1.end, by="rep") == {
        rep.pk: Decimal("400.00"),
        manager.pk: Decimal("500.00"),
    }


def test_a_split_to_a_rep_outside_the_team_changes_nothing(manager, rep, other_rep, org):
    with pytest.raises(InvalidInput, match="reps of the team"):
        services.rep_targets_set(
            by=manager,
            team=org["team_a"],
            period=Q1,
            values={(rep.pk, SALES): "100", (other_rep.pk, SALES): "100"},
        )
    assert not Target.objects.exists()


def test_a_negative_target_changes_nothing(director):
    _company(director, **{"2026": "1000"})
    with pytest.raises(InvalidInput, match="cannot be negative"):
        _company(director, **{"2026": "2000", "2026_Q1": "-5"})
    assert list(Target.objects.values_list("amount", flat=True)) == [Decimal("1000.00")]


def test_new_customers_are_whole_numbers(director):
    with pytest.raises(InvalidInput, match="whole number"):
        services.company_targets_set(
            by=director, values={(periods.year(2026), Metric.NEW_CUSTOMERS): "2.5"}
        )


def test_only_the_director_sets_company_targets(manager):
    with pytest.raises(NotAllowed):
        services.company_targets_set(by=manager, values={(periods.year(2026), SALES): "1"})


def test_another_teams_manager_cannot_split(org, rep):
    other = UserFactory(username="mgr_c", role=Role.SALES_MANAGER, team=org["team_c"])
    with pytest.raises(NotAllowed):
        services.rep_targets_set(
            by=other, team=org["team_a"], period=Q1, values={(rep.pk, SALES): "1"}
        )


def test_every_change_is_kept_in_the_history(director):
    _company(director, **{"2026": "1000"})
    _company(director, **{"2026": "1200"})
    _company(director, **{"2026": ""})
    history = list(Target.history.order_by("history_date", "history_id"))
    assert [(h.history_type, h.amount, h.history_user) for h in history] == [
        ("+", Decimal("1000.00"), director),
        ("~", Decimal("1200.00"), director),
        ("-", Decimal("1200.00"), director),
    ]


# --- pages ------------------------------------------------------------------------------------


def test_the_director_sets_the_year_on_the_page(client, director):
    client.force_login(director)
    url = reverse("analytics:targets") + "?year=2026"
    assert client.get(url).status_code == 200
    response = client.post(url, {"t-2026-sales_amount": "1000", "t-2026_01-sales_amount": "80"})
    assert response.status_code == 302
    assert targets.target_for(SALES, date(2026, 1, 1), date(2026, 1, 31)) == Decimal("80.00")
    page = client.get(url).content.decode()
    assert "split-incomplete" in page


def test_a_bad_value_on_the_page_says_so_and_saves_nothing(client, director):
    client.force_login(director)
    url = reverse("analytics:targets") + "?year=2026"
    response = client.post(url, {"t-2026-sales_amount": "1000", "t-2026_Q1-sales_amount": "-1"})
    assert response.status_code == 200
    assert "A target cannot be negative." in response.content.decode()
    assert not Target.objects.exists()


def test_who_may_open_the_split_pages(client, director, manager, rep, org):
    url = reverse("analytics:target-split")
    client.force_login(rep)
    assert client.get(f"{url}?period=2026-Q1&team={org['team_a'].pk}").status_code == 403
    client.force_login(manager)
    assert client.get(f"{url}?period=2026-Q1&team={org['team_a'].pk}").status_code == 200
    assert client.get(f"{url}?period=2026-Q1&team={org['team_c'].pk}").status_code == 404
    # Without a team, a manager is taken to their own.
    response = client.get(f"{url}?period=2026-Q1")
    assert response.url == f"{url}?period=2026-Q1&team={org['team_a'].pk}"
    client.force_login(director)
    assert client.get(f"{url}?period=2026-Q1").status_code == 200
    assert client.get(f"{url}?period=2026-Q1&team={org['team_c'].pk}").status_code == 200


def test_a_posted_rep_outside_the_team_is_refused_on_the_page(client, manager, other_rep, org):
    client.force_login(manager)
    url = f"{reverse('analytics:target-split')}?period=2026-Q1&team={org['team_a'].pk}"
    response = client.post(url, {f"s-{other_rep.pk}-sales_amount": "100"})
    assert response.status_code == 200
    assert "A target can only be split to the reps of the team." in response.content.decode()
    assert not Target.objects.exists()


def test_the_history_page(client, director, manager, rep):
    _company(director, **{"2026": "1000"})
    for user in (director, manager):
        client.force_login(user)
        response = client.get(reverse("analytics:target-history"))
        assert response.status_code == 200
        assert "1,000.00" in response.content.decode()
    client.force_login(rep)
    assert client.get(reverse("analytics:target-history")).status_code == 403


# --- key customers (optional split of a rep's target) -------------------------------------------


def _rep_target(director, manager, rep, org, amount="1000"):
    services.team_targets_set(by=director, period=Q1, values={(org["team_a"].pk, SALES): amount})
    services.rep_targets_set(
        by=manager, team=org["team_a"], period=Q1, values={(rep.pk, SALES): amount}
    )


def test_a_manager_splits_a_reps_target_to_key_customers(director, manager, rep, org):
    _rep_target(director, manager, rep, org)
    big = CustomerFactory(owner=rep, grade="A", name="Big Co")
    small = CustomerFactory(owner=rep, grade="C", name="Small Co")
    # Not begun: optional, the difference is the whole target, not marked as started.
    split = selectors.customer_split(Q1, rep)
    assert [label for _k, label, _v in split.children] == ["Big Co"]  # grade A only
    assert not split.started and not split.complete
    services.customer_targets_set(
        by=manager, rep=rep, period=Q1, values={(big.pk, SALES): "600", (small.pk, SALES): "100"}
    )
    split = selectors.customer_split(Q1, rep)
    # A customer holding a target stays listed whatever its grade.
    assert [label for _k, label, _v in split.children] == ["Big Co", "Small Co"]
    column = next(c for c in split.columns if c.metric == SALES)
    assert (column.parent, column.total, column.difference) == (
        Decimal("1000.00"),
        Decimal("700.00"),
        Decimal("300.00"),
    )
    assert split.started and not split.complete
    services.customer_targets_set(by=manager, rep=rep, period=Q1, values={(small.pk, SALES): "400"})
    assert selectors.customer_split(Q1, rep).complete
    row = Target.objects.get(level=Target.Level.CUSTOMER, customer=small)
    assert (row.team, row.rep, row.set_by) == (org["team_a"], rep, manager)
    # The rep's own target is unchanged by the split below it.
    assert targets.target_for(SALES, Q1.start, Q1.end, rep=rep) == Decimal("1000.00")


def test_a_key_customer_split_that_does_not_add_up_is_never_complete(director, manager, rep, org):
    _rep_target(director, manager, rep, org)
    big = CustomerFactory(owner=rep, grade="A")
    services.customer_targets_set(by=manager, rep=rep, period=Q1, values={(big.pk, SALES): "1200"})
    split = selectors.customer_split(Q1, rep)
    column = next(c for c in split.columns if c.metric == SALES)
    assert column.difference == Decimal("-200.00") and not split.complete


def test_a_key_customer_split_to_another_reps_customer_changes_nothing(
    director, manager, rep, other_rep, org
):
    _rep_target(director, manager, rep, org)
    mine = CustomerFactory(owner=rep, grade="A")
    theirs = CustomerFactory(owner=other_rep, grade="A")
    with pytest.raises(InvalidInput, match="rep's own customers"):
        services.customer_targets_set(
            by=manager,
            rep=rep,
            period=Q1,
            values={(mine.pk, SALES): "100", (theirs.pk, SALES): "100"},
        )
    assert not Target.objects.filter(level=Target.Level.CUSTOMER).exists()


def test_a_negative_key_customer_target_changes_nothing(director, manager, rep, org):
    _rep_target(director, manager, rep, org)
    a, b = CustomerFactory(owner=rep, grade="A"), CustomerFactory(owner=rep, grade="A")
    with pytest.raises(InvalidInput, match="cannot be negative"):
        services.customer_targets_set(
            by=manager, rep=rep, period=Q1, values={(a.pk, SALES): "100", (b.pk, SALES): "-1"}
        )
    assert not Target.objects.filter(level=Target.Level.CUSTOMER).exists()


def test_another_teams_manager_cannot_split_to_key_customers(org, rep):
    other = UserFactory(username="mgr_c", role=Role.SALES_MANAGER, team=org["team_c"])
    customer = CustomerFactory(owner=rep, grade="A")
    with pytest.raises(NotAllowed):
        services.customer_targets_set(
            by=other, rep=rep, period=Q1, values={(customer.pk, SALES): "1"}
        )
    assert not Target.objects.exists()


def test_who_may_open_the_key_customer_split_page(client, director, manager, rep, other_rep, org):
    url = f"{reverse('analytics:customer-split')}?period=2026-Q1"
    client.force_login(rep)
    assert client.get(f"{url}&rep={rep.pk}").status_code == 403
    assert client.post(f"{url}&rep={rep.pk}", {}).status_code == 403
    client.force_login(manager)
    assert client.get(f"{url}&rep={rep.pk}").status_code == 200
    assert client.get(f"{url}&rep={manager.pk}").status_code == 200
    assert client.get(f"{url}&rep={other_rep.pk}").status_code == 404  # another team's rep
    assert client.get(f"{url}&rep=x").status_code == 404
    other = UserFactory(username="mgr_c", role=Role.SALES_MANAGER, team=org["team_c"])
    client.force_login(other)
    assert client.get(f"{url}&rep={rep.pk}").status_code == 404
    assert client.post(f"{url}&rep={rep.pk}", {}).status_code == 404
    client.force_login(director)
    assert client.get(f"{url}&rep={other_rep.pk}").status_code == 200


def test_the_key_customer_split_page_saves_and_shows_the_difference(
    client, director, manager, rep, org
):
    _rep_target(director, manager, rep, org)
    big = CustomerFactory(owner=rep, grade="A", name="Big Co")
    client.force_login(manager)
    url = f"{reverse('analytics:customer-split')}?period=2026-Q1&rep={rep.pk}"
    page = client.get(url).content.decode()
    assert "Big Co" in page and "split-not-started" in page
    response = client.post(url, {f"c-{big.pk}-sales_amount": "400"})
    assert response.status_code == 302 and response.url == url
    page = client.get(url).content.decode()
    assert "split-incomplete" in page and "600" in page
    # The team's split links to each rep's key customers.
    team_page = client.get(
        f"{reverse('analytics:target-split')}?period=2026-Q1&team={org['team_a'].pk}"
    ).content.decode()
    assert f"{reverse('analytics:customer-split')}?period=2026-Q1&amp;rep={rep.pk}" in team_page


def test_the_key_customer_split_page_refuses_bad_input_and_saves_nothing(
    client, director, manager, rep, other_rep, org
):
    _rep_target(director, manager, rep, org)
    big = CustomerFactory(owner=rep, grade="A")
    theirs = CustomerFactory(owner=other_rep, grade="A")
    client.force_login(manager)
    url = f"{reverse('analytics:customer-split')}?period=2026-Q1&rep={rep.pk}"
    response = client.post(url, {f"c-{big.pk}-sales_amount": "-5"})
    assert response.status_code == 200
    assert "A target cannot be negative." in response.content.decode()
    response = client.post(
        url, {f"c-{big.pk}-sales_amount": "5", f"c-{theirs.pk}-sales_amount": "5"}
    )
    assert response.status_code == 200
    assert "A target can only be split to the rep&#x27;s own customers." in (
        response.content.decode()
    )
    assert not Target.objects.filter(level=Target.Level.CUSTOMER).exists()


def test_the_key_customer_split_page_runs_a_constant_number_of_queries(
    client, director, manager, rep, org
):
    _rep_target(director, manager, rep, org)
    client.force_login(manager)
    url = f"{reverse('analytics:customer-split')}?period=2026-Q1&rep={rep.pk}"
    CustomerFactory(owner=rep, grade="A")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(5):
        CustomerFactory(owner=rep, grade="A")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)
