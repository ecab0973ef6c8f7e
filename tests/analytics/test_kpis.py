"""Each KPI on the hand-built dataset of kpi_data.py: the expected values are written here."""

from datetime import date
from decimal import Decimal

import pytest

from analytics.kpis import charts
from analytics.kpis.compute import compute
from analytics.kpis.scope import Scope, year_before
from tests.analytics.databases import READS
from tests.factories.contracts import ContractFactory
from tests.factories.customers import CustomerFactory

from .kpi_data import MARCH, build

pytestmark = pytest.mark.django_db(databases=READS)


@pytest.fixture
def data(rep, other_rep, director):
    return build(rep, other_rep, director)


def _figures(scope, cut=None, period=MARCH):
    return compute(scope=scope, start=period[0], end=period[1], cut=cut)


def test_company_figures_of_march_2025(data, director):
    result = _figures(Scope(user=director))
    f = {code: figure.actual for code, figure in result.figures.items()}
    assert f["sales_amount"] == Decimal("339000.00")
    assert f["sales_count"] == 2
    assert result.figures["sales_amount"].previous == Decimal("113000.00")
    assert result.figures["sales_amount"].yoy == pytest.approx(2.0)
    assert f["growth"] == pytest.approx(2.0)
    assert result.figures["sales_amount"].target == Decimal("400000.00")
    assert result.figures["sales_amount"].completion == pytest.approx(0.8475)
    assert f["collected"] == Decimal("50000.00")
    assert result.figures["collected"].previous == Decimal("13000.00")
    assert f["average_deal"] == Decimal("169500.00")
    assert f["gross_margin"] == Decimal("150000.00")
    assert f["gross_margin_rate"] == pytest.approx(0.5)
    assert f["new_customers"] == 2
    assert result.figures["new_customers"].previous == 1
    assert f["lead_conversion"] == pytest.approx(0.5)
    assert result.figures["lead_conversion"].previous == pytest.approx(1.0)
    assert f["active_customers"] == 3
    assert f["churned_customers"] == 1
    assert result.figures["churned_customers"].previous == 0
    assert f["opportunity_conversion"] == pytest.approx(0.5)
    assert f["sales_cycle"] == pytest.approx(59.0)
    assert f["followup_timeliness"] == pytest.approx(0.5)
    assert f["customers_overdue"] == 1
    assert f["approval_lead_time"] == pytest.approx(48.0)
    assert f["satisfaction"] == pytest.approx(4.5)


def test_a_rep_scope_counts_their_own_records_only(data, rep):
    result = _figures(Scope(user=rep, rep=rep))
    f = {code: figure.actual for code, figure in result.figures.items()}
    assert f["sales_amount"] == Decimal("113000.00")
    assert result.figures["sales_amount"].yoy is None  # nothing a year before
    assert f["collected"] == Decimal("50000.00")
    assert f["new_customers"] == 2
    assert f["active_customers"] == 2
    assert f["churned_customers"] == 0
    assert f["opportunity_conversion"] == pytest.approx(1.0)
    assert f["satisfaction"] == pytest.approx(4.0)
    assert f["customers_overdue"] == 1


def test_teams_add_up_to_the_company_and_reps_to_their_team(data, director, org):
    company = _figures(Scope(user=director))
    teams = [_figures(Scope(user=director, team=org[name])) for name in ("east", "south")]
    for code in (
        "sales_amount",
        "sales_count",
        "collected",
        "new_customers",
        "active_customers",
        "churned_customers",
        "customers_overdue",
        "gross_margin",
    ):
        assert sum(t.figures[code].actual for t in teams) == company.figures[code].actual, code
    # The cut by rep sums to the figure of the scope.
    cut = _figures(Scope(user=director, team=org["team_a"]), cut="rep")
    assert sum(row["sales_amount"] for row in cut.cut_rows.values()) == Decimal("113000.00")


def test_cuts_by_region_grade_and_product(data, director):
    region = _figures(Scope(user=director), cut="region").cut_rows
    assert region["east"]["sales_amount"] == Decimal("339000.00")
    assert region["south"]["new_customers"] == 1
    assert region["east"]["new_customers"] == 1
    grade = _figures(Scope(user=director), cut="grade").cut_rows
    assert grade["A"]["sales_amount"] == Decimal("113000.00")
    product = _figures(Scope(user=director), cut="product").cut_rows
    assert sum(row["sales_amount"] for row in product.values()) == Decimal("339000.00")


def test_the_funnel_counts_the_furthest_stage_reached(data, director):
    rows = {row["stage"].code: row for row in charts.funnel(Scope(user=director), *MARCH)}
    assert rows["initial"]["count"] == 2
    assert rows["needs"]["count"] == 1
    assert rows["needs"]["conversion"] == pytest.approx(0.5)
    assert rows["won"]["count"] == 0


def test_the_ranking_and_the_trend(data, director, rep, other_rep):
    ranking = charts.ranking(Scope(user=director), *MARCH)
    assert [(r["user"], r["amount"]) for r in ranking[:2]] == [
        (other_rep, Decimal("226000.00")),
        (rep, Decimal("113000.00")),
    ]
    trend = charts.trend(Scope(user=director), MARCH[1])
    assert trend["months"][-1] == "2025-03" and trend["months"][0] == "2024-04"
    assert trend["sales"][-1] == 339000.0


@pytest.mark.parametrize(
    ("period", "previous"),
    [
        ((date(2024, 2, 1), date(2024, 2, 29)), (date(2023, 2, 1), date(2023, 2, 28))),
        ((date(2025, 2, 1), date(2025, 2, 28)), (date(2024, 2, 1), date(2024, 2, 29))),
        ((date(2024, 2, 29), date(2024, 3, 10)), (date(2023, 3, 1), date(2023, 3, 10))),
        ((date(2024, 1, 1), date(2024, 12, 31)), (date(2023, 1, 1), date(2023, 12, 31))),
        ((date(2025, 3, 5), date(2025, 3, 20)), (date(2024, 3, 5), date(2024, 3, 20))),
    ],
)
def test_the_year_before_across_a_leap_day(period, previous):
    assert year_before(*period) == previous


def test_february_2025_against_february_2024_counts_the_29th(director, rep):
    customer = CustomerFactory(owner=rep)
    for day in (date(2024, 2, 10), date(2024, 2, 29), date(2025, 2, 10)):
        contract = ContractFactory(customer=customer, signed=True)
        type(contract).objects.filter(pk=contract.pk).update(signed_on=day)
    result = _figures(Scope(user=director), period=(date(2025, 2, 1), date(2025, 2, 28)))
    assert result.figures["sales_amount"].previous == Decimal("226000.00")
    assert result.figures["sales_amount"].yoy == pytest.approx(-0.5)
