"""The forecast page (open expected and weighted amounts by close month beside what was won,
for the scope the user sees; managers commit per team and month) and the extension request
pages (延期申请: the rep asks, the owner's manager decides)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from opportunities.models import ExtensionRequest, ForecastCommit
from tests.factories import CustomerFactory, OpportunityFactory

pytestmark = pytest.mark.django_db

FORECAST = reverse("opportunities:forecast")
EXPECTED = {
    "rep": 200,
    "manager": 200,
    "director": 200,
    "general_manager": 200,
    "admin_user": 200,
    "legal": 403,
    "delivery": 403,
    "aftersales": 403,
}


def this_month():
    return timezone.localdate().replace(day=1)


@pytest.fixture
def pipeline(rep, other_rep, stages):
    close = this_month() + timedelta(days=10)
    mine = OpportunityFactory(
        customer=CustomerFactory(owner=rep),
        expected_amount=Decimal("100000.00"),
        probability=30,
        expected_close_date=close,
    )
    theirs = OpportunityFactory(
        customer=CustomerFactory(owner=other_rep),
        expected_amount=Decimal("777777.00"),
        probability=50,
        expected_close_date=close,
    )
    won = OpportunityFactory(
        customer=CustomerFactory(owner=rep), won=True, expected_amount=Decimal("50000.00")
    )
    return mine, theirs, won


@pytest.mark.parametrize("role", EXPECTED)
def test_forecast_per_role(request, client, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(FORECAST).status_code == EXPECTED[role]


def test_a_rep_sees_only_their_own_figures(client, rep, pipeline):
    client.force_login(rep)
    response = client.get(FORECAST)
    month = next(m for m in response.context["table"] if m["month"] == this_month())
    assert month["expected"] == Decimal("100000.00")
    assert month["weighted"] == Decimal("30000.00")
    assert month["won"] == Decimal("50000.00")
    assert "777,777" not in response.content.decode()
    assert 'id="forecast-commit-form"' not in response.content.decode()
    assert client.post(FORECAST, {}).status_code == 403


def test_by_team(client, director, pipeline, org):
    client.force_login(director)
    response = client.get(FORECAST, {"group": "team"})
    month = next(m for m in response.context["table"] if m["month"] == this_month())
    assert {row.key.name for row in month["rows"]} == {"Team A", "Team C"}
    assert month["expected"] == Decimal("877777.00")


def test_manager_commits_and_sees_it_against_what_closed(client, manager, org, pipeline):
    client.force_login(manager)
    data = {
        "team": org["team_a"].pk,
        "month": this_month().strftime("%Y-%m"),
        "best_case": "200000",
        "commit": "80000",
        "note": "两单有把握",
    }
    assert client.post(FORECAST, data).status_code == 302
    commit = ForecastCommit.objects.get()
    assert commit.commit == Decimal("80000.00") and commit.by == manager
    rows = client.get(FORECAST).context["commit_rows"]
    row = next(r for r in rows if r["team"] == org["team_a"] and r["month"] == this_month())
    assert row["won"] == Decimal("50000.00") and row["gap"] == Decimal("-30000.00")


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"commit": "300000"}, "cannot be above the best case"),
        ({"best_case": "-1"}, "cannot be negative"),
        ({"best_case": "1.001"}, "more than two decimals"),
        ({"month": "2026-13"}, "YYYY-MM"),
    ],
)
def test_bad_commits_change_nothing(client, manager, org, overrides, message):
    client.force_login(manager)
    data = {"team": org["team_a"].pk, "month": "2026-12", "best_case": "200000", "commit": "1"}
    response = client.post(FORECAST, {**data, **overrides})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ForecastCommit.objects.exists()


def test_a_manager_cannot_commit_for_another_team(client, manager, org):
    client.force_login(manager)
    data = {"team": org["team_c"].pk, "month": "2026-12", "best_case": "2", "commit": "1"}
    response = client.post(FORECAST, data)
    assert response.status_code == 200  # team C is not among the choices
    assert not ForecastCommit.objects.exists()


@pytest.mark.parametrize("role", ["rep", "manager", "director"])
def test_forecast_query_count_is_constant(
    request, client, role, rep, stages, django_assert_num_queries
):
    client.force_login(request.getfixturevalue(role))

    def grow(n):
        for i in range(n):
            OpportunityFactory(
                customer=CustomerFactory(owner=rep),
                expected_close_date=this_month() + timedelta(days=i % 60),
            )
            OpportunityFactory(customer=CustomerFactory(owner=rep), won=True)

    grow(1)
    client.get(FORECAST)
    with CaptureQueriesContext(connection) as first:
        client.get(FORECAST)
    grow(49)
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(FORECAST, {"group": "owner"})
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(FORECAST, {"group": "team"})


# --- extension requests (延期申请) ----------------------------------------------------------


@pytest.fixture
def overdue(customer, rep):
    return OpportunityFactory(
        customer=customer,
        owner=rep,
        proposal=True,
        needs_confirmed_on=timezone.localdate() - timedelta(days=20),
        solution_due=timezone.localdate() - timedelta(days=3),
    )


def next_working_day_after(day):
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def test_extension_pages_per_role(client, rep, other_rep, manager, legal, overdue):
    page = reverse("opportunities:extension-request", args=[overdue.pk])
    expected = {rep: 200, manager: 200, other_rep: 404, legal: 403}
    for user, status in expected.items():
        client.force_login(user)
        assert client.get(page).status_code == status


def test_rep_asks_and_the_manager_decides(client, rep, manager, overdue):
    new_due = next_working_day_after(timezone.localdate() + timedelta(days=5))
    client.force_login(rep)
    page = reverse("opportunities:extension-request", args=[overdue.pk])
    assert "Overdue" in client.get(page).content.decode()
    response = client.post(page, {"new_due": "", "reason": ""})
    assert response.status_code == 200 and not ExtensionRequest.objects.exists()
    response = client.post(page, {"new_due": new_due.isoformat(), "reason": "客户推迟了需求评审"})
    extension = ExtensionRequest.objects.get()
    decide = reverse("opportunities:extension-decide", args=[extension.pk])
    assert response.url == decide
    assert 'id="extension-decision"' not in client.get(decide).content.decode()
    assert client.post(decide, {"approve": "1"}).status_code == 403
    client.force_login(manager)
    response = client.post(decide, {"approve": "0", "comment": ""})
    assert "Say why the request is refused." in response.content.decode()
    client.post(decide, {"approve": "1"})
    overdue.refresh_from_db()
    assert overdue.solution_due == new_due


def test_extension_date_must_be_later(client, rep, overdue):
    client.force_login(rep)
    page = reverse("opportunities:extension-request", args=[overdue.pk])
    earlier = (overdue.solution_due - timedelta(days=1)).isoformat()
    response = client.post(page, {"new_due": earlier, "reason": "x"})
    assert "Choose a date after the current due date" in response.content.decode()
    assert not ExtensionRequest.objects.exists()


def test_the_extension_is_reachable_from_the_opportunity_and_the_managers_home(
    client, rep, manager, overdue
):
    client.force_login(rep)
    page = client.get(reverse("opportunities:opportunity-detail", args=[overdue.pk]))
    request_url = reverse("opportunities:extension-request", args=[overdue.pk])
    assert request_url in page.content.decode()
    new_due = next_working_day_after(timezone.localdate() + timedelta(days=5))
    client.post(request_url, {"new_due": new_due.isoformat(), "reason": "客户推迟"})
    extension = ExtensionRequest.objects.get()
    client.force_login(manager)
    home = client.get(reverse("home")).content.decode()
    assert reverse("opportunities:extension-decide", args=[extension.pk]) in home


def test_who_sees_every_team_starts_by_team_others_by_owner(client, rep, director, pipeline):
    client.force_login(director)
    assert client.get(FORECAST).context["group_by"] == "team"
    assert client.get(FORECAST, {"group": "owner"}).context["group_by"] == "owner"
    client.force_login(rep)
    assert client.get(FORECAST).context["group_by"] == "owner"
