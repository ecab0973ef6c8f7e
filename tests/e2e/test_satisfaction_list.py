"""Satisfaction on the customer list in the browser: a rep on a phone reads each customer's
latest score and 12-month average, and keeps only the unhappy ones with the filter."""

from django.utils import timezone
from playwright.sync_api import expect

from aftersales import services
from aftersales.models import AftersalesAssignment
from tests.factories import CustomerFactory


def _scored(aftersales, rep, name, *scores):
    customer = CustomerFactory(name=name, owner=rep)
    AftersalesAssignment.objects.create(customer=customer, user=aftersales)
    for score in scores:
        services.record_create(
            by=aftersales,
            customer=customer,
            date=timezone.localdate(),
            method="phone",
            feedback="季度回访",
            score=score,
        )
    return customer


def test_rep_reads_and_filters_satisfaction_on_a_phone(
    phone_page, live_server, login, screenshot, rep, aftersales, password
):
    page = phone_page
    _scored(aftersales, rep, "华东精密机械有限公司", 5, 4)
    _scored(aftersales, rep, "华南物流有限公司", 3, 1)
    _scored(aftersales, rep, "西北能源有限公司")
    login(page, live_server, rep, password)
    page.goto(f"{live_server.url}/customers/")
    rows = page.locator("#customer-rows tbody tr")
    expect(rows).to_have_count(3)
    unhappy = rows.filter(has_text="华南物流")
    expect(unhappy.locator("td.col-satisfaction")).to_contain_text("1/5")
    expect(unhappy.locator("td.col-satisfaction")).to_contain_text("平均 2.0")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "satisfaction-list-01-phone")

    page.locator("#show-filters").click()
    page.locator("#id_satisfaction").select_option("low")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("华南物流有限公司")
    screenshot(page, "satisfaction-list-02-phone-filters")
    page.locator("#customer-filter button[type=submit]").click()
    assert "satisfaction=low" in page.url
    expect(page.locator("#filter-chips")).to_contain_text("满意度（近 12 个月）")
    screenshot(page, "satisfaction-list-03-phone-unhappy")
