"""A rep opens my agenda (我的日程) on a phone: overdue work first on today, the week's work by
day, and the calendar address for the phone's own calendar."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import ContractFactory, CustomerFactory, InstalmentFactory, TaskFactory


def test_a_rep_reads_the_week_and_subscribes_on_a_phone(
    phone_page, live_server, login, screenshot, rep, password
):
    today = timezone.localdate()
    overdue = CustomerFactory(
        owner=rep, name="华东精密机械", next_followup_due=today - timedelta(days=5)
    )
    TaskFactory(customer=overdue, title="发送方案", due_date=today)
    contract = ContractFactory(customer=overdue, number="HT2026120003", signed=True)
    InstalmentFactory(contract=contract, position=1, due_date=today + timedelta(days=1))

    page = phone_page
    login(page, live_server, rep, password)
    page.goto(f"{live_server.url}/notifications/agenda/")
    todays = page.locator(f"#agenda-{today:%Y-%m-%d}")
    expect(todays.locator(".agenda-overdue")).to_contain_text("华东精密机械")
    expect(todays.locator(".agenda-overdue")).to_contain_text("逾期 5 天")
    expect(todays).to_contain_text("发送方案")
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "sideways scrolling"
    screenshot(page, "agenda-01-week-phone")

    with page.expect_navigation():
        page.locator("#feed-renew").tap()
    expect(page.locator("#feed-url")).to_have_value(
        re.compile(r"/notifications/agenda/[\w-]+\.ics$")
    )
    screenshot(page, "agenda-02-feed-phone")

    with page.expect_navigation():
        todays.get_by_role("link", name="华东精密机械", exact=True).tap()
    expect(page).to_have_url(f"{live_server.url}/customers/{overdue.pk}/")
