"""Each analytics page runs the same number of queries with one row and with many (pinned)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from analytics import periods
from analytics.models import Category, Metric
from analytics.services import expenses as expense_services
from analytics.services import scorecards as scorecard_services
from analytics.services import targets as target_services
from teams.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

QUARTER = periods.quarter(2026, 1)
MONTH = periods.month(2026, 3)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _rows_for(rep, manager, director, team):
    target_services.team_targets_set(
        by=director, period=QUARTER, values={(team.pk, Metric.SALES_AMOUNT): "1000"}
    )
    target_services.rep_targets_set(
        by=manager, team=team, period=QUARTER, values={(rep.pk, Metric.SALES_AMOUNT): "100"}
    )
    target_services.company_targets_set(
        by=director, values={(periods.year(2026), Metric.SALES_AMOUNT): "5000"}
    )
    expense = expense_services.expense_create(
        by=rep,
        date=timezone.localdate(),
        category=Category.TRAVEL,
        amount="10",
        receipt=SimpleUploadedFile("r.pdf", PDF),
    )
    expense_services.expense_decide(expense=expense, by=manager, approve=True)
    expense_services.budgets_set(
        by=director, period=QUARTER, values={(team.pk, Category.TRAVEL): "100"}
    )
    scorecard_services.rating_set(by=manager, rep=rep, period=MONTH, rating=3)


PAGES = [
    ("manager", "analytics:target-split", "?period=2026-Q1&team={team}", 9),
    ("director", "analytics:target-split", "?period=2026-Q1", 6),
    ("director", "analytics:targets", "?year=2026", 4),
    ("director", "analytics:target-history", "", 3),
    ("director", "analytics:scorecards", "?period=2026-03", 26),
    ("rep", "analytics:scorecards", "?period=2026-03", 26),
    ("manager", "analytics:expense-list", "", 8),
    ("director", "analytics:budgets", "?period=2026-Q1", 6),
    ("manager", "analytics:teamwork-ratings", "?period=2026-03", 5),
    ("director", "analytics:scorecard-weights", "", 4),
]


@pytest.mark.parametrize(("who", "name", "query", "count"), PAGES)
def test_the_page_runs_the_same_queries_at_one_row_and_many(
    client, django_assert_num_queries, org, rep, manager, director, who, name, query, count
):
    team = org["team_a"]
    users = {"rep": rep, "manager": manager, "director": director}
    url = reverse(name) + query.format(team=team.pk)
    _rows_for(rep, manager, director, team)
    client.force_login(users[who])
    client.get(url)  # the scorecard settings row is created once
    with django_assert_num_queries(count):
        assert client.get(url).status_code == 200
    for n in range(12):
        more = UserFactory(username=f"more{n}", role=Role.SALES_REP, team=team)
        _rows_for(more, manager, director, team)
    with django_assert_num_queries(count):
        assert client.get(url).status_code == 200
