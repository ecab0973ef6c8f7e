"""A rep sees the bell's count, opens the reminder from the dropdown, lands on the customer
and finds the notification read; on a phone and on a desktop. An admin's rules page."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from customers.models import Customer
from notifications import engine
from notifications.models import Notification
from tests.factories import CustomerFactory


@pytest.fixture
def reminded(rep):
    customer = CustomerFactory(owner=rep, name="杭州远景机械有限公司")
    Customer.objects.filter(pk=customer.pk).update(
        next_followup_due=timezone.localdate() - timedelta(days=3)
    )
    # The rule runs as on a working morning (a weekday), whatever day the test runs.
    now = timezone.now()
    while now.weekday() >= 5:
        now += timedelta(days=1)
    Customer.objects.filter(pk=customer.pk).update(
        next_followup_due=timezone.localdate(now) - timedelta(days=3)
    )
    assert engine.run("customers.followups_due", now=now).created == 1
    return customer


@pytest.mark.parametrize("device", ["phone_page", "page"])
def test_a_rep_opens_a_reminder_from_the_bell(
    request, device, live_server, login, rep, password, reminded, screenshot
):
    page = request.getfixturevalue(device)
    login(page, live_server, rep, password)
    expect(page.locator("#notification-count.notification-count")).to_have_text("1 条未读通知")
    bell = page.locator("#notification-bell")
    expect(bell).to_be_visible()  # outside the collapsed menu on a phone
    bell.click()
    item = page.locator("#notification-latest .notification-item")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("杭州远景机械有限公司")
    expect(item).to_contain_text("跟进自")
    width = page.evaluate("window.innerWidth")
    box = page.locator("#notification-latest").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, "the dropdown leaves the screen"
    screenshot(page, f"notifications-dropdown-{device}")
    with page.expect_navigation():
        item.click()
    assert page.url.endswith(f"/customers/{reminded.pk}/")
    expect(page.locator("#notification-count[hx-get]")).to_have_count(0)  # the count came back
    expect(page.locator(".notification-count")).to_have_count(0)  # and it is none
    assert Notification.objects.get().read_at is not None
    page.goto(f"{live_server.url}/notifications/")
    expect(page.locator("h1")).to_contain_text("通知")
    screenshot(page, f"notifications-list-{device}")


def test_an_admin_sees_the_rules(page, live_server, login, admin_user, password, screenshot):
    login(page, live_server, admin_user, password)
    page.goto(f"{live_server.url}/notifications/rules/")
    expect(page.locator("#reminder-rules tbody tr")).to_have_count(len(engine.all_rules()))
    page.locator("tr[data-rule='customers.followups_due'] button").click()
    expect(page.locator(".alert-success")).to_contain_text("已加入队列")
    screenshot(page, "notifications-rules-admin")
