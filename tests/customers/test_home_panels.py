"""The customers panels of the home page at volume: a constant number of queries whatever the
rows, each panel reading only the columns it shows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer
from teams.home import panels_for
from tests.factories import CustomerFactory, TaskFactory

pytestmark = pytest.mark.django_db


def _fill(director, rep, count):
    """Rows for every panel of a director: tasks, overdue customers, cadence debt, A checks."""
    for _ in range(count):
        mine = CustomerFactory(owner=director, overdue=True)
        TaskFactory(customer=mine, owner=director, due_date=timezone.localdate())
        CustomerFactory(owner=rep, overdue=True)
        CustomerFactory(
            owner=rep,
            grade_a=True,
            second_check=Customer.SecondCheck.PENDING,
            second_check_requested_by=rep,
        )


def test_director_home_runs_the_same_queries_for_1_and_50_rows(
    client, director, rep, django_assert_num_queries
):
    client.force_login(director)
    _fill(director, rep, 1)
    client.get(reverse("home"))  # warm caches (content types, sessions)
    # The shell (2: the session, the user with their team), the customers panels (9), the
    # opportunities panels (3) and the contracts panels (4).
    with django_assert_num_queries(18) as first:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    expected = len(first.captured_queries)
    _fill(director, rep, 49)
    with django_assert_num_queries(expected):
        response = client.get(reverse("home"))
    page = response.content.decode()
    assert "Pending A-grade checks" in page and "My tasks" in page


def test_panels_read_only_the_columns_they_show(director, rep):
    _fill(director, rep, 2)
    with CaptureQueriesContext(connection) as queries:
        panels = panels_for(director)
    assert panels
    # The customers panels' queries (the later apps' panels are their own).
    later = ("opportunities_", "contracts_", "delivery_", "aftersales_")
    for query in (q for q in queries if not any(app in q["sql"] for app in later)):
        assert '"customers_customer"."notes"' not in query["sql"]
        assert '"customers_customer"."address"' not in query["sql"]
        assert '"teams_user"."password"' not in query["sql"]
