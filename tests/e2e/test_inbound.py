"""Inbound leads and lead settings in a browser: on a phone, a manager enters a lead that came
in and sees to which rep the team's routing gave it; an admin sets the screening weights (a
sum that is not 100 is refused on the page) and a team's routing; a rep filters the customer
list by pool and sees the pooled customer masked."""

import pytest
from playwright.sync_api import expect

from customers.models import Customer, InboundRouting, OwnershipChange, ScreeningSettings
from teams.models import Role
from tests.factories import ContactFactory, CustomerFactory, PoolFactory, UserFactory, pooled


def _fits(page):
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "sideways scrolling"


@pytest.fixture
def team(org, rep, manager):
    UserFactory(username="rep_b", role=Role.SALES_REP, team=org["team_a"])
    return org["team_a"]


def test_a_manager_enters_an_inbound_lead_on_a_phone(
    phone_page, live_server, login, screenshot, manager, rep, password, team
):
    page = phone_page
    login(page, live_server, manager, password)
    page.goto(f"{live_server.url}/customers/leads/")
    with page.expect_navigation():
        page.locator("#inbound-create").tap()
    page.locator("#id_team").select_option(str(team.pk))
    page.locator("#id_name").fill("杭州来访科技有限公司")
    page.locator("#id_phone").fill("0571-8765 4321")
    page.locator("#id_initial_need").fill("官网留言：询问包装线报价")
    page.locator("#id_contact_name").fill("李雷")
    page.locator("#id_contact_phone").fill("139 1234 5678")
    _fits(page)
    screenshot(page, "inbound-01-form")
    with page.expect_navigation():
        page.locator("#inbound-submit").tap()
    customer = Customer.objects.get(name="杭州来访科技有限公司")
    expect(page).to_have_url(f"{live_server.url}/customers/{customer.pk}/")
    expect(page.locator(".alert-success")).to_contain_text(rep.display_name)
    _fits(page)
    screenshot(page, "inbound-02-assigned")
    assert customer.owner == rep and customer.status == Customer.Status.LEAD
    change = OwnershipChange.objects.get(customer=customer)
    assert change.how == OwnershipChange.How.LEAD and change.by == manager

    page.goto(f"{live_server.url}/customers/leads/")
    expect(page.locator("#lead-rows")).to_contain_text("杭州来访科技有限公司")
    _fits(page)
    screenshot(page, "inbound-03-lead-list")


def test_an_admin_sets_the_weights_and_a_teams_routing(
    page, live_server, login, screenshot, admin_user, password, team
):
    login(page, live_server, admin_user, password)
    page.goto(f"{live_server.url}/customers/leads/settings/")
    page.locator("#id_weight_industry").fill("50")
    with page.expect_navigation():
        page.locator("#weights-save").click()
    expect(page.locator("#weights-card .alert-danger")).to_contain_text("100")
    screenshot(page, "lead-settings-01-refused")
    page.locator("#id_weight_size").fill("0")
    with page.expect_navigation():
        page.locator("#weights-save").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#weights-history")).to_contain_text("30 → 50")
    assert ScreeningSettings.load().weight_industry == 50

    with page.expect_navigation():
        page.locator("#reason-create").click()
    page.locator("#id_label").fill("暂无预算")
    with page.expect_navigation():
        page.locator("#reason-save").click()
    expect(page.locator("#reason-list")).to_contain_text("暂无预算")
    screenshot(page, "lead-settings-02-saved")

    with page.expect_navigation():
        page.locator("#routing-link").click()
    page.locator(f"#id_team_{team.pk}").select_option(InboundRouting.Method.LEAST_LOAD)
    with page.expect_navigation():
        page.locator("#routing-save").click()
    expect(page.locator("#routing-history")).to_contain_text(team.name)
    screenshot(page, "lead-settings-03-routing")
    assert InboundRouting.objects.get(team=team).method == InboundRouting.Method.LEAST_LOAD


def test_a_rep_filters_the_customer_list_by_pool_on_a_phone(
    phone_page, live_server, login, screenshot, rep, password, org
):
    pool = PoolFactory(name="华东公海", teams=[org["team_a"]])
    waiting = pooled(pool, name="青禾食品有限公司")
    ContactFactory(customer=waiting, name="张伟", phone="13812345678", is_key=True)
    CustomerFactory(owner=rep, name="自己的客户有限公司")
    page = phone_page
    login(page, live_server, rep, password)
    page.goto(f"{live_server.url}/customers/?pool={pool.pk}")
    rows = page.locator("#customer-rows")
    expect(rows).to_contain_text("青禾食品有限公司")
    expect(rows).not_to_contain_text("自己的客户有限公司")
    expect(page.locator("body")).not_to_contain_text("13812345678")
    expect(page.locator("#filter-chips")).to_contain_text("华东公海")
    _fits(page)
    screenshot(page, "pool-filter-01-list")
    page.locator("#show-filters").tap()
    expect(page.locator("#id_pool")).to_be_visible()
    screenshot(page, "pool-filter-02-filters")
