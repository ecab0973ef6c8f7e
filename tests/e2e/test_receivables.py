"""A manager reads the team's receivables on a phone and filters the overdue ones; the home
page shows the team's overdue total and the navbar the approvals waiting."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from contracts.services import approval
from tests.factories import ContractFactory, CustomerFactory, InstalmentFactory
from tests.factories.contracts import default_steps


def test_a_manager_reads_the_receivables_on_a_phone(
    phone_page, live_server, login, screenshot, rep, manager, password
):
    default_steps()
    today = timezone.localdate()
    customer = CustomerFactory(owner=rep, name="华东精密机械")
    contract = ContractFactory(customer=customer, signed=True)
    InstalmentFactory(
        contract=contract, position=1, due_date=today - timedelta(days=45), amount=Decimal("30000")
    )
    InstalmentFactory(
        contract=contract, position=2, due_date=today + timedelta(days=10), amount=Decimal("83000")
    )
    approval.contract_submit(contract=ContractFactory(customer=customer), by=rep)

    page = phone_page
    login(page, live_server, manager, password)
    expect(page.locator("#panel-team-overdue")).to_contain_text("30,000.00")
    expect(page.locator("#approval-count")).to_have_text("1")
    screenshot(page, "receivables-01-home-phone")

    page.goto(f"{live_server.url}/contracts/receivables/")
    expect(page.locator("#total-outstanding")).to_contain_text("113,000.00")
    expect(page.locator("#receivable-rows")).to_contain_text("45 天")
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "sideways scrolling"
    screenshot(page, "receivables-02-page-phone")

    page.locator("#id_bucket").select_option("d31_60")
    with page.expect_navigation():
        page.locator("#receivables-filters button[type=submit]").tap()
    expect(page.locator(".receivable-row")).to_have_count(1)
    screenshot(page, "receivables-03-filtered-phone")
