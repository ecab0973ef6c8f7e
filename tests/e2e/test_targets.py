"""A manager splits the team's quarterly target to the reps on a phone: the page shows the
difference, marked incomplete, until the shares add up; then the split is complete."""

from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from analytics import periods, targets
from analytics.models import Metric
from analytics.services import targets as target_services


def _fits_the_phone(page):
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "sideways scrolling"


def test_manager_splits_the_team_target_until_it_adds_up(
    phone_page,
    page,
    live_server,
    login,
    screenshot,
    director,
    manager,
    rep,
    org,
    password,
    open_area,
):
    quarter = periods.containing("quarter", timezone.localdate())
    target_services.team_targets_set(
        by=director,
        period=quarter,
        values={
            (org["team_a"].pk, Metric.SALES_AMOUNT): "900000",
            (org["team_a"].pk, Metric.NEW_CUSTOMERS): "10",
        },
    )
    phone = phone_page
    login(phone, live_server, manager, password)
    open_area(phone, "/analytics/targets/")
    with phone.expect_navigation():
        phone.locator(".analytics-subnav a[href='/analytics/targets/split/']").tap()
    phone.locator("#split-picker select[name=period]").select_option(quarter.code)
    with phone.expect_navigation():
        phone.locator("#split-picker button").tap()
    rep_sales = phone.get_by_label(f"{rep.display_name} 销售额", exact=True)
    rep_sales.fill("400000")
    phone.get_by_label(f"{rep.display_name} 新增客户", exact=True).fill("6")
    with phone.expect_navigation():
        phone.locator("#save-split").tap()
    expect(phone.locator("#split-status .split-incomplete")).to_be_visible()
    difference = phone.locator(".split-difference[data-metric=sales_amount]")
    expect(difference).to_have_text("500,000.00")
    expect(phone.locator(".split-difference[data-metric=new_customers]")).to_have_text("4")
    _fits_the_phone(phone)
    screenshot(phone, "targets-01-split-incomplete-phone")

    phone.get_by_label(f"{manager.display_name} 销售额", exact=True).fill("500000")
    phone.get_by_label(f"{manager.display_name} 新增客户", exact=True).fill("4")
    with phone.expect_navigation():
        phone.locator("#save-split").tap()
    expect(phone.locator("#split-status .split-complete")).to_be_visible()
    expect(phone.locator(".split-difference")).to_have_count(0)
    screenshot(phone, "targets-02-split-complete-phone")
    assert targets.target_for(Metric.SALES_AMOUNT, quarter.start, quarter.end, rep=rep) == Decimal(
        "400000.00"
    )

    login(page, live_server, manager, password)
    page.goto(
        f"{live_server.url}/analytics/targets/split/?period={quarter.code}&team={org['team_a'].pk}"
    )
    expect(page.locator("#split-status .split-complete")).to_be_visible()
    screenshot(page, "targets-03-split-desktop")


def test_a_rep_reads_their_scorecard_and_the_team_as_positions(
    phone_page,
    page,
    live_server,
    login,
    screenshot,
    director,
    manager,
    rep,
    org,
    password,
    open_area,
):
    from analytics.services import scorecards as scorecard_services
    from teams.models import Role
    from tests.factories import UserFactory

    teammate = UserFactory(username="teammate", role=Role.SALES_REP, team=org["team_a"])
    month = periods.containing("month", timezone.localdate())
    scorecard_services.rating_set(by=manager, rep=rep, period=month, rating=4)
    scorecard_services.rating_set(by=manager, rep=teammate, period=month, rating=5)
    phone = phone_page
    login(phone, live_server, rep, password)
    open_area(phone, "/analytics/scorecards/")
    expect(phone.locator("#scorecard-total")).to_have_text("8.00")  # 4 × 20 × 10%
    expect(phone.locator("#team-positions")).to_contain_text(teammate.display_name)
    expect(phone.locator("#team-positions")).not_to_contain_text("10.00")
    _fits_the_phone(phone)
    screenshot(phone, "scorecards-01-rep-phone")

    login(page, live_server, director, password)
    page.goto(f"{live_server.url}/analytics/scorecards/?rep={teammate.pk}")
    expect(page.locator("#scorecard-total")).to_have_text("10.00")
    expect(page.locator("#ranking-table")).to_contain_text(rep.display_name)
    screenshot(page, "scorecards-02-director-desktop")


def test_manager_splits_a_reps_target_to_key_customers(
    phone_page, live_server, login, screenshot, director, manager, rep, org, password
):
    from tests.factories import CustomerFactory

    quarter = periods.containing("quarter", timezone.localdate())
    target_services.team_targets_set(
        by=director, period=quarter, values={(org["team_a"].pk, Metric.SALES_AMOUNT): "900000"}
    )
    target_services.rep_targets_set(
        by=manager,
        team=org["team_a"],
        period=quarter,
        values={(rep.pk, Metric.SALES_AMOUNT): "400000"},
    )
    big = CustomerFactory(owner=rep, grade="A", name="上海华东精密机械有限公司")
    CustomerFactory(owner=rep, grade="A", name="苏州新材料科技有限公司")
    phone = phone_page
    login(phone, live_server, manager, password)
    phone.goto(
        f"{live_server.url}/analytics/targets/split/?period={quarter.code}&team={org['team_a'].pk}"
    )
    with phone.expect_navigation():
        phone.locator(f".key-customers-link[href*='rep={rep.pk}']").tap()
    expect(phone.locator("#split-status .split-not-started")).to_be_visible()
    phone.get_by_label(f"{big.name} 销售额", exact=True).fill("250000")
    with phone.expect_navigation():
        phone.locator("#save-split").tap()
    expect(phone.locator("#split-status .split-incomplete")).to_be_visible()
    expect(phone.locator(".split-difference[data-metric=sales_amount]")).to_have_text("150,000.00")
    _fits_the_phone(phone)
    screenshot(phone, "targets-04-key-customers-incomplete-phone")
    with phone.expect_navigation():
        phone.locator("#back-to-team").tap()
    expect(phone.locator("#split-table")).to_be_visible()
