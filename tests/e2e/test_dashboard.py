"""A director opens the KPI dashboard, narrows it to a team and a quarter, reads how a figure
is counted and follows it to its records; a rep on a phone sees only their own figures."""

import re

import pytest
from playwright.sync_api import expect

from tests.analytics.kpi_data import build

# The dashboard reads through the `replica` alias (a mirror of the test database).
pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


def test_a_director_filters_reads_a_definition_and_drills_through(
    page, live_server, login, screenshot, rep, other_rep, director, manager, org, password
):
    build(rep, other_rep, director)
    login(page, live_server, director, password)
    page.goto(f"{live_server.url}/analytics/?period=month&month=2025-03")
    expect(page.locator("#kpi-sales_amount")).to_contain_text("339,000.00")
    expect(page.locator("#trend-chart canvas")).to_have_count(1)
    screenshot(page, "dashboard-01-company")

    page.locator("#id_period").select_option("quarter")
    page.locator("#id_team").select_option(label="Team A")
    with page.expect_navigation():
        page.locator("#apply-dashboard").click()
    expect(page.locator("#dashboard-period")).to_contain_text("2025-01-01 – 2025-03-31")
    expect(page.locator("#dashboard-period")).to_contain_text("Team A")
    card = page.locator("#kpi-sales_amount")
    expect(card).to_contain_text("113,000.00")

    card.locator("summary").click()
    expect(card.locator(".kpi-definition")).to_contain_text("签约日期")
    screenshot(page, "dashboard-02-team-quarter-definition")

    with page.expect_navigation():
        page.locator("#drill-sales_count").click()
    expect(page).to_have_url(re.compile(r"/contracts/\?.*signed_from=2025-01-01"))
    expect(page.locator("#drill-note")).to_be_visible()
    expect(page.locator("#contract-rows tbody tr")).to_have_count(1)
    screenshot(page, "dashboard-03-drilled-contracts")


def test_a_rep_sees_only_their_own_figures_on_a_phone(
    phone_page, live_server, login, screenshot, rep, other_rep, director, password
):
    build(rep, other_rep, director)
    page = phone_page
    login(page, live_server, rep, password)
    page.goto(f"{live_server.url}/analytics/?period=month&month=2025-03&team=1&cut=rep")
    expect(page.locator("#kpi-sales_amount")).to_contain_text("113,000.00")
    expect(page.locator("#id_team")).to_have_count(0)
    expect(page.locator("#ranking-table tbody tr")).to_have_count(1)
    expect(page.locator("#ranking-table")).not_to_contain_text(other_rep.display_name)
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "sideways scrolling"
    screenshot(page, "dashboard-04-rep-phone")
