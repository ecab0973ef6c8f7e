"""Satisfaction on the customer list, through CUSTOMER_LIST_COLUMNS and CUSTOMER_LIST_FILTERS
(customers never imports aftersales): a column with the latest score and the 12-month
average, hidden and shown by the column chooser; a filter by the average's band (or no score)
that saved views and exports replay; a constant number of queries whatever the rows, and none
more for the column."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aftersales import services
from aftersales.models import AftersalesAssignment, Satisfaction
from customers.filters import CustomerFilter
from customers.models import ListColumns
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

URL = reverse("customers:customer-list")


def served_customer(aftersales, owner, name, *scores):
    customer = CustomerFactory(owner=owner, name=name)
    AftersalesAssignment.objects.create(customer=customer, user=aftersales)
    for score in scores:
        services.record_create(
            by=aftersales,
            customer=customer,
            date=timezone.localdate(),
            method="phone",
            feedback="回访",
            score=score,
        )
    return customer


@pytest.fixture
def book(aftersales, rep):
    return {
        "unhappy": served_customer(aftersales, rep, "不满意客户", 4, 1, 2),
        "fair": served_customer(aftersales, rep, "一般客户", 3),
        "happy": served_customer(aftersales, rep, "满意客户", 5, 4),
        "silent": served_customer(aftersales, rep, "未评价客户"),
    }


def names(response):
    return {c.name for c in response.context["customers"]}


def test_the_column_shows_the_latest_score_and_the_average(client, rep, book):
    client.force_login(rep)
    response = client.get(URL)
    rows = {c.name: c for c in response.context["customers"]}
    assert rows["不满意客户"].satisfaction_latest == 2
    assert round(float(rows["不满意客户"].satisfaction_average), 2) == 2.33
    assert rows["未评价客户"].satisfaction_latest is None
    page = response.content.decode()
    assert 'class="col-satisfaction"' in page  # the header
    assert "2/5" in page and "2.3" in page


def test_an_old_score_is_the_latest_but_not_in_the_average(client, rep, book):
    Satisfaction.objects.filter(customer=book["fair"]).update(
        recorded_at=timezone.now() - timedelta(days=400)
    )
    client.force_login(rep)
    rows = {c.name: c for c in client.get(URL).context["customers"]}
    assert rows["一般客户"].satisfaction_latest == 3
    assert rows["一般客户"].satisfaction_average is None
    assert names(client.get(URL, {"satisfaction": "none"})) == {"一般客户", "未评价客户"}


def test_the_column_chooser_hides_it_and_its_subqueries(client, rep, book):
    client.force_login(rep)
    columns = reverse("customers:list-columns")
    client.post(columns, {"columns": ["owner", "status"]})
    assert "satisfaction" in ListColumns.objects.get(user=rep).hidden
    with CaptureQueriesContext(connection) as queries:
        page = client.get(URL).content.decode()
    assert 'class="col-satisfaction' not in page
    assert not any("aftersales_satisfaction" in q["sql"] for q in queries.captured_queries)
    client.post(columns, {"columns": ["owner", "satisfaction"]})
    assert 'class="col-satisfaction' in client.get(URL).content.decode()


@pytest.mark.parametrize(
    ("band", "found"),
    [
        ("low", {"不满意客户"}),
        ("fair", {"一般客户"}),
        ("good", {"满意客户"}),
        ("none", {"未评价客户"}),
        ("", {"不满意客户", "一般客户", "满意客户", "未评价客户"}),
    ],
)
def test_the_filter_by_band(client, rep, book, band, found):
    client.force_login(rep)
    assert names(client.get(URL, {"satisfaction": band})) == found


def test_the_filter_shows_as_a_chip_and_a_bad_value_says_so(client, rep, book):
    client.force_login(rep)
    response = client.get(URL, {"satisfaction": "low"})
    page = response.content.decode()
    assert 'name="satisfaction"' in page
    field = response.context["filter"].form.fields["satisfaction"]
    (chip,) = response.context["chips"]
    assert (chip["label"], chip["value"]) == (field.label, dict(field.choices)["low"])
    assert "satisfaction" not in chip["url"]
    bad = client.get(URL, {"satisfaction": "superb"})
    assert bad.status_code == 200
    assert "satisfaction" in bad.context["filter"].form.errors


def test_a_saved_view_and_an_export_replay_the_filter(client, rep, book):
    client.force_login(rep)
    response = client.post(
        f"{reverse('customers:savedview-create')}?satisfaction=low",
        {"name": "不满意的客户", "is_default": "on"},
    )
    assert response.status_code == 302
    assert names(client.get(URL)) == {"不满意客户"}  # the default view opens the bare list
    replayed = CustomerFilter.from_query("satisfaction=good", user=rep)
    assert {c.name for c in replayed.qs} == {"满意客户"}


def test_the_list_runs_a_constant_number_of_queries(client, aftersales, rep, director):
    served_customer(aftersales, rep, "客户0", 3)
    client.force_login(director)
    client.get(URL)
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    for i in range(1, 30):
        served_customer(aftersales, rep, f"客户{i}", 1 + i % 5, 2)
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL, {"satisfaction": "fair"})
    assert len(response.context["customers"]) > 1
    assert len(many.captured_queries) == len(one.captured_queries)
    client.post(reverse("customers:list-columns"), {"columns": ["owner"]})  # hidden now
    client.get(URL)
    with CaptureQueriesContext(connection) as hidden:
        client.get(URL)
    assert len(hidden.captured_queries) == len(one.captured_queries)
