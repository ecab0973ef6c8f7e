"""A manager reads the team's receivables on a phone and filters the overdue ones; the home
page shows the team's overdue total and the navbar the approvals waiting."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from contracts.services import approval
from customers.models import ExportLog
from customers.tasks import export_customers_task
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


def test_a_director_exports_more_receivables_than_a_download_holds(
    page, live_server, login, screenshot, rep, director, password, monkeypatch
):
    """Beyond the rows a request writes, the export is queued: the director follows it on its
    page until the worker has written the file, then downloads it."""
    monkeypatch.setattr("contracts.receivables_export.DIRECT_ROWS", 2)
    today = timezone.localdate()
    contract = ContractFactory(
        customer=CustomerFactory(owner=rep, name="华东精密机械"), signed=True
    )
    for position in (1, 2, 3):
        InstalmentFactory(
            contract=contract,
            position=position,
            due_date=today + timedelta(days=30 * position - 60),
            amount=Decimal("10000"),
        )
    login(page, live_server, director, password)
    page.goto(f"{live_server.url}/contracts/receivables/")
    page.locator("#receivables-export").click()
    log = ExportLog.objects.get(status="queued")
    expect(page).to_have_url(f"{live_server.url}/customers/exports/{log.pk}/")
    expect(page.locator("h1")).to_contain_text("应收账款导出")
    expect(page.locator("#export-status")).to_contain_text("匹配：3 期未收款项")
    screenshot(page, "receivables-04-export-queued")

    export_customers_task(log.pk)  # what the Celery worker does
    download = page.locator("#export-download")
    expect(download).to_be_visible()  # the page polled and swapped in the finished status
    expect(page.locator("#export-status")).to_contain_text("文件包含 3 期未收款项")
    screenshot(page, "receivables-05-export-ready")
    with page.expect_download() as file:
        download.click()
    assert file.value.suggested_filename.startswith("receivables-")
