"""The dashboard page: who reads which figures (point 8), the links to the lists whose counts
are the figures (point 4), the pinned query count and the replica router (point 9)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from analytics.kpis import drill
from analytics.kpis.compute import compute
from analytics.kpis.scope import Scope
from analytics.models import KpiSettings
from tests.analytics.databases import READS, needs_replica

from .kpi_data import MARCH, build

pytestmark = pytest.mark.django_db(databases=READS)

URL = reverse("analytics:dashboard")
MARCH_QUERY = {"period": "month", "month": "2025-03"}


@pytest.fixture
def data(rep, other_rep, director, manager):
    return build(rep, other_rep, director)


def _get(client, user, **params):
    client.force_login(user)
    return client.get(URL, {**MARCH_QUERY, **params})


def test_the_director_reads_the_company(client, data, director):
    response = _get(client, director)
    assert response.status_code == 200
    figures = response.context["result"].figures
    assert figures["sales_amount"].actual == 339000
    assert "drill-sales_count" in response.content.decode()


def test_a_rep_reads_only_their_own_figures(client, data, rep, org):
    # A team or a rep in the query changes nothing: the scope is the rep's own.
    response = _get(client, rep, team=org["team_c"].pk, cut="rep")
    assert response.status_code == 200
    context = response.context
    assert context["scope"].rep == rep
    assert context["result"].figures["sales_amount"].actual == 113000
    assert [row["user"] for row in context["ranking"]] == [rep]
    assert "team" not in context["form"].fields
    assert context["cut"] is None  # the rep cut is not theirs


def test_a_manager_reads_their_team_and_no_other(client, data, manager, org, other_rep):
    response = _get(client, manager, team=org["team_c"].pk)
    context = response.context
    assert context["scope"].team == org["team_a"]  # team C is not in their reach: refused
    assert context["form"].errors
    assert context["result"].figures["sales_amount"].actual == 113000
    assert other_rep not in [row["user"] for row in context["ranking"]]
    response = _get(client, manager, rep=other_rep.pk)
    assert response.context["scope"].rep is None


@pytest.mark.parametrize("role", ["legal", "delivery", "aftersales"])
def test_who_reads_no_figures_is_refused(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(URL).status_code == 403


def test_a_custom_period_that_ends_before_it_starts_is_refused(client, data, director):
    response = _get(client, director, period="custom", start="2025-03-10", end="2025-03-01")
    assert response.status_code == 200
    assert response.context["form"].errors["end"]


def _list_count(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["paginator"].count


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("sales_count", 2),
        ("new_customers", 2),
        ("lead_conversion", 1),  # the converted leads
        ("active_customers", 3),
        ("churned_customers", 1),
        ("customers_overdue", 1),
        ("opportunity_conversion", 1),  # the won ones
        ("approval_lead_time", 1),
        ("collected", 1),  # the contracts paid in the period
    ],
)
def test_each_link_lists_the_records_of_its_figure(client, data, director, code, expected):
    scope = Scope(user=director)
    url = drill.drill_url(
        code, scope=scope, start=MARCH[0], end=MARCH[1], settings=KpiSettings.load()
    )
    client.force_login(director)
    assert _list_count(client, url) == expected
    if code in (
        "sales_count",
        "new_customers",
        "active_customers",
        "churned_customers",
        "customers_overdue",
    ):
        figure = compute(scope=scope, start=MARCH[0], end=MARCH[1]).figures[code]
        assert figure.actual == expected


@pytest.mark.parametrize("cut", ["team", "rep", "region", "grade", "industry", "source"])
def test_each_cut_row_links_to_its_records(client, data, director, cut):
    response = _get(client, director, cut=cut)
    for row in response.context["cut_rows"]:
        for cell in row["cells"]:
            if cell["code"] in ("sales_count", "new_customers", "active_customers") and cell["url"]:
                assert _list_count(client, cell["url"]) == (cell["value"] or 0), (cut, row, cell)


def test_the_rep_scope_links_carry_the_owner(client, data, rep):
    response = _get(client, rep)
    for _name, cards in response.context["sections"]:
        for card in cards:
            if card["url"]:
                assert parse_qs(urlsplit(card["url"]).query)["owner"] == [str(rep.pk)]
    sales = next(
        c
        for _n, cards in response.context["sections"]
        for c in cards
        if c["figure"].kpi.code == "sales_count"
    )
    assert _list_count(client, sales["url"]) == 1


def test_the_funnel_links_list_the_opportunities_of_each_stage(client, data, director):
    response = _get(client, director)
    for row in response.context["funnel"]:
        assert _list_count(client, row["url"]) == row["count"]


@needs_replica
def test_the_dashboard_runs_a_constant_number_of_queries_on_the_replica(
    client, director, rep, other_rep, django_assert_num_queries
):
    client.force_login(director)
    client.get(URL, {**MARCH_QUERY, "cut": "region"})  # warm the session and the settings row
    with django_assert_num_queries(39, connection=connections["replica"]):
        client.get(URL, {**MARCH_QUERY, "cut": "region"})
    build(rep, other_rep, director)
    with django_assert_num_queries(39, connection=connections["replica"]):
        client.get(URL, {**MARCH_QUERY, "cut": "region"})


@needs_replica
def test_the_dashboard_reads_go_to_the_replica_alias(client, data, director):
    client.force_login(director)
    client.get(URL)
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        response = client.get(URL, MARCH_QUERY)
    assert response.status_code == 200
    assert len(replica.captured_queries) > 15
    analytics_tables = ("contracts_", "customers_", "opportunities_", "aftersales_", "analytics_")
    leaked = [
        q["sql"]
        for q in primary.captured_queries
        if any(f'"{t}' in q["sql"] for t in analytics_tables)
    ]
    assert leaked == []
