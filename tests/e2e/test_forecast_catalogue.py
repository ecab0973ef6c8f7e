"""On a phone: a manager opens the forecast from the menu and commits the month for the
team; a director finds a product in the catalogue and deactivates it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from opportunities.models import ForecastCommit, Product
from tests.factories import CustomerFactory, OpportunityFactory, ProductFactory
from tests.factories.opportunities import default_stages


def _fits_the_phone(page):
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "sideways scrolling"


def _open_from_the_menu(page, href):
    page.locator(".navbar-toggler").tap()
    link = page.locator(f"#main-nav a[href='{href}']")
    page.locator("#main-nav .dropdown", has=page.locator(f"a[href='{href}']")).locator(
        ".dropdown-toggle"
    ).tap()
    expect(link).to_be_visible()
    with page.expect_navigation():
        link.tap()


@pytest.fixture
def pipeline(rep, manager):
    default_stages()
    month = timezone.localdate().replace(day=1)
    for amount, probability in ((Decimal("120000"), 40), (Decimal("80000"), 60)):
        OpportunityFactory(
            customer=CustomerFactory(owner=rep),
            expected_amount=amount,
            probability=probability,
            expected_close_date=month + timedelta(days=12),
        )
    OpportunityFactory(
        customer=CustomerFactory(owner=rep), won=True, expected_amount=Decimal("50000")
    )


def test_manager_commits_the_forecast_on_a_phone(
    phone_page, live_server, login, screenshot, manager, org, password, pipeline
):
    page = phone_page
    login(page, live_server, manager, password)
    _open_from_the_menu(page, "/opportunities/forecast/")
    total = page.locator(".forecast-month-total").filter(
        has_text=timezone.localdate().strftime("%Y-%m")
    )
    expect(total).to_contain_text("96,000.00")  # 120,000 × 40% + 80,000 × 60%
    page.locator("#id_team").select_option(str(org["team_a"].pk))
    page.locator("#id_best_case").fill("150000")
    page.locator("#id_commit").fill("900000")
    with page.expect_navigation():
        page.locator("#forecast-commit").tap()
    expect(page.locator("#forecast-commit-form")).to_contain_text("不能高于")
    page.locator("#id_commit").fill("90000")
    with page.expect_navigation():
        page.locator("#forecast-commit").tap()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#commit-table")).to_contain_text("90,000.00")
    _fits_the_phone(page)
    screenshot(page, "forecast-01-manager-phone")
    assert ForecastCommit.objects.get().commit == Decimal("90000.00")


def test_director_deactivates_a_product_on_a_phone(
    phone_page, live_server, login, screenshot, director, password
):
    ProductFactory(code="CRM-STD", name="CRM 标准版授权")
    ProductFactory(code="IMPL", name="实施服务", category="服务")
    page = phone_page
    login(page, live_server, director, password)
    _open_from_the_menu(page, "/opportunities/products/")
    page.locator("#id_q").fill("标准版")
    with page.expect_navigation():
        page.locator("#product-filters button[type=submit]").tap()
    expect(page.locator("#product-table tbody tr")).to_have_count(1)
    _fits_the_phone(page)
    screenshot(page, "catalogue-01-list-phone")
    with page.expect_navigation():
        page.locator("#product-table a").first.tap()
    page.locator("#id_is_active").uncheck()
    _fits_the_phone(page)
    screenshot(page, "catalogue-02-edit-phone")
    with page.expect_navigation():
        page.locator("#product-save").tap()
    expect(page.locator(".alert-success")).to_be_visible()
    assert not Product.objects.get(code="CRM-STD").is_active
