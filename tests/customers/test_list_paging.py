"""The customer list at volume: a capped count ("10,000+") and keyset pages whose cost does not
grow with the table (crm_site/paging.py), the columns a row loads, and the indexes behind the
list's filters and the home panels."""

import html
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crm_site import paging
from customers.models import Customer, GradeProposal
from customers.views.lists import CustomerListView
from tests.customers.test_list import QUERIES
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

URL = reverse("customers:customer-list")


@pytest.fixture
def director_client(client, director):
    client.force_login(director)
    return client


def names(response):
    return [customer.name for customer in response.context["customers"]]


def link(response, rel):
    """The query string of the page's "next" or "prev" link, or None."""
    found = re.search(rf'rel="{rel}" href="\?([^"]*)"', response.content.decode())
    return html.unescape(found.group(1)) if found else None


def walk(client, query, rel):
    """Follow the `rel` links from `query` to the end: each page's number and names."""
    pages = []
    while query is not None:
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 200
        pages.append((response.context["page_obj"].number, names(response)))
        query = link(response, rel)
    return pages


def _bulk_customers(owner, count, **fields):
    start = Customer.objects.count()
    Customer.objects.bulk_create(
        Customer(name=f"客户{n:05d}", name_key=f"客户{n:05d}", owner=owner, **fields)
        for n in range(start, start + count)
    )


def test_count_stops_at_ten_thousand_and_says_so(director_client, director):
    _bulk_customers(director, paging.CAP + 1)
    with CaptureQueriesContext(connection) as queries:
        response = director_client.get(URL)
    page = response.content.decode()
    assert "10,000+ customers" in page
    assert "Page 1</span>" in page  # no "of 401": the last page is not known
    assert len(response.context["customers"]) == 25
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"]]
    assert len(counts) == 1 and f"LIMIT {paging.CAP + 1}" in counts[0]


def test_below_the_cap_the_count_is_exact(director_client, director):
    _bulk_customers(director, 30)
    response = director_client.get(URL)
    page = response.content.decode()
    assert "30 customers" in page and "+ customers" not in page
    assert "Page 1 of 2" in page


def test_next_and_previous_walk_every_row_once_past_the_counted_pages(
    director_client, director, monkeypatch
):
    """Beyond the counted pages "Next" keeps going by keyset, and "Previous" comes back."""
    monkeypatch.setattr(CustomerListView, "count_cap", 50)
    _bulk_customers(director, 120)
    Customer.objects.update(updated_at=timezone.now())  # all tied: the id breaks the tie
    first = director_client.get(URL)
    assert "50+ customers" in first.content.decode()
    assert link(first, "prev") is None

    forward = walk(director_client, "", "next")
    assert [(number, len(rows)) for number, rows in forward] == [
        (1, 25),
        (2, 25),
        (3, 25),
        (4, 25),
        (5, 20),
    ]
    everything = [name for _, rows in forward for name in rows]
    assert len(set(everything)) == 120
    assert everything == sorted(everything, reverse=True)  # newest id first

    last_query = link(director_client.get(f"{URL}?{link(first, 'next')}"), "next")
    for _ in range(2):
        last_query = link(director_client.get(f"{URL}?{last_query}"), "next")
    assert director_client.get(f"{URL}?{last_query}").context["page_obj"].number == 5
    backward = walk(director_client, last_query, "prev")
    assert backward == forward[::-1]


def test_deep_pages_keep_the_filter_and_sort_with_empty_dates_last(director_client, director):
    """Keyset paging on a nullable column: dates tie, then empty dates come last."""
    today = timezone.localdate()
    _bulk_customers(director, 20, grade="A", next_followup_due=today)
    _bulk_customers(director, 20, grade="A", next_followup_due=today + timedelta(days=1))
    _bulk_customers(director, 20, grade="A", next_followup_due=None)
    _bulk_customers(director, 20, grade="B", next_followup_due=today)
    pages = walk(director_client, "grade=A&o=due", "next")
    assert [len(rows) for _, rows in pages] == [25, 25, 10]
    everything = [name for _, rows in pages for name in rows]
    assert len(set(everything)) == 60
    due = dict(Customer.objects.filter(grade="A").values_list("name", "next_followup_due"))
    dates = [due[name] for name in everything]
    assert dates == [today] * 20 + [today + timedelta(days=1)] * 20 + [None] * 20
    # Back from the last page, by keyset as well.
    last = link(
        director_client.get(f"{URL}?{link(director_client.get(f'{URL}?grade=A&o=due'), 'next')}"),
        "next",
    )
    assert "after=" in last and "grade=A" in last and "o=due" in last
    assert walk(director_client, last, "prev") == pages[::-1]


def test_a_page_number_past_the_counted_pages_shows_the_last_one(
    director_client, director, monkeypatch
):
    monkeypatch.setattr(CustomerListView, "count_cap", 50)
    _bulk_customers(director, 120)
    response = director_client.get(URL, {"page": 9})
    assert response.context["page_obj"].number == 2
    assert len(response.context["customers"]) == 25
    assert link(response, "next") is not None  # more rows than were counted


def test_a_mangled_cursor_shows_the_first_page(director_client, director):
    _bulk_customers(director, 30)
    response = director_client.get(URL, {"after": "not-a-cursor"})
    assert response.status_code == 200
    assert response.context["page_obj"].number == 1


def test_a_deep_page_runs_the_queries_of_the_first(
    director_client, director, django_assert_num_queries
):
    _bulk_customers(director, 60)
    director_client.get(URL)
    with django_assert_num_queries(QUERIES["director"]) as first:
        response = director_client.get(URL)
    expected = len(first.captured_queries)  # read now: each request resets the log
    deeper = link(director_client.get(f"{URL}?{link(response, 'next')}"), "next")
    with django_assert_num_queries(expected):
        response = director_client.get(f"{URL}?{deeper}")
    assert response.context["page_obj"].number == 3 and "after=" in deeper


def test_saved_views_and_exports_forget_the_position_in_the_list(director_client, director):
    _bulk_customers(director, 30)
    query = link(director_client.get(URL, {"grade": "C"}), "next")
    response = director_client.post(
        reverse("customers:savedview-create") + f"?{query}", {"name": "C 客户"}
    )
    assert response.status_code == 302
    assert director.saved_views.get().query == "grade=C"


def test_rows_load_only_the_columns_they_show(director_client, director):
    CustomerFactory(owner=director, notes="很长的备注" * 100, address="上海市浦东新区")
    with CaptureQueriesContext(connection) as queries:
        director_client.get(URL)
    rows = next(
        q["sql"] for q in queries if 'ORDER BY "customers_customer"."updated_at" DESC' in q["sql"]
    )
    assert '"customers_customer"."notes"' not in rows
    assert '"customers_customer"."address"' not in rows
    assert '"teams_user"."password"' not in rows


def test_list_and_home_panels_have_their_indexes():
    customer = {index.name: index for index in Customer._meta.indexes}
    assert customer["customer_due_owner"].fields == ["next_followup_due", "owner"]
    assert customer["customer_owner_due"].fields == ["owner", "next_followup_due"]
    assert customer["customer_grade_due"].fields == ["grade", "next_followup_due"]
    pending = customer["customer_second_check_pending"]
    assert pending.condition.children == [("second_check", Customer.SecondCheck.PENDING)]
    proposals = {index.name: index for index in GradeProposal._meta.indexes}
    assert proposals["gradeproposal_pending"].condition.children == [
        ("status", GradeProposal.Status.PENDING)
    ]
