"""Exporting from the customer list in the browser: a small export downloads at once; a large
one is followed on its own page until the worker has written the file."""

from playwright.sync_api import expect

from customers.models import ExportLog
from customers.tasks import export_customers_task
from tests.factories import CustomerFactory


def test_rep_exports_a_small_list_at_once_and_follows_a_large_one(
    page, live_server, login, screenshot, rep, password, settings
):
    settings.CUSTOMER_EXPORT_DIRECT_ROWS = 3
    for i in range(2):
        CustomerFactory(name=f"苏州精工{i}有限公司", owner=rep, grade="A")
    for i in range(3):
        CustomerFactory(name=f"杭州贸易{i}有限公司", owner=rep, grade="C")
    login(page, live_server, rep, password)

    page.goto(f"{live_server.url}/customers/?grade=A")
    with page.expect_download() as small:
        page.locator("#export-link").click()
    assert small.value.suggested_filename.startswith("customers-")
    assert page.url == f"{live_server.url}/customers/?grade=A"  # the list stays

    page.goto(f"{live_server.url}/customers/")
    page.locator("#export-link").click()
    log = ExportLog.objects.get(status="queued")
    expect(page).to_have_url(f"{live_server.url}/customers/exports/{log.pk}/")
    expect(page.locator("#export-status progress")).to_be_visible()
    expect(page.locator("#export-status progress")).to_have_attribute("max", "5")
    screenshot(page, "export-01-queued")

    export_customers_task(log.pk)  # what the Celery worker does
    download = page.locator("#export-download")
    expect(download).to_be_visible()  # the page polled and swapped in the finished status
    expect(page.locator("#export-status progress")).to_have_count(0)
    screenshot(page, "export-02-ready")
    with page.expect_download() as large:
        download.click()
    assert large.value.suggested_filename.startswith("customers-")

    page.goto(f"{live_server.url}/customers/exports/")
    expect(page.locator("#export-list li")).to_have_count(2)
    screenshot(page, "export-03-my-exports")
