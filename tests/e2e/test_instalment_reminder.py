"""A rep's morning on a phone: the bell counts two reminders; the one about an instalment,
sent a few working days ago and now overdue, opens the contract on that instalment (its row
highlighted, the state "overdue"); back in the notification centre the rep marks the other
one read and the bell has nothing left to count."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from contracts.models import Instalment
from customers.models import Customer
from notifications import engine
from notifications.models import Notification
from teams import workdays
from tests.factories import ContractFactory, CustomerFactory, InstalmentFactory
from tests.factories.contracts import default_steps


def _working_morning(before):
    """09:00 of the last working day at or before `before` (a rule sends nothing on a day
    off)."""
    day = before
    while not workdays.is_working_day(day):
        day -= timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time(9)))


def test_a_rep_opens_an_instalment_reminder_and_marks_the_other_read_on_a_phone(
    phone_page, live_server, login, screenshot, rep, manager, password
):
    default_steps()
    today = timezone.localdate()
    sent_at = _working_morning(today - timedelta(days=3))
    due = timezone.localdate(sent_at) + timedelta(days=2)  # in 2 days then, overdue now
    customer = CustomerFactory(owner=rep, name="华东精密机械有限公司")
    contract = ContractFactory(customer=customer, number="HT2026110001", signed=True)
    InstalmentFactory(contract=contract, position=1, due_date=due, amount=Decimal("30000"))
    InstalmentFactory(
        contract=contract, position=2, due_date=today + timedelta(days=60), amount=Decimal("83000")
    )
    assert engine.run("contracts.instalments_due", now=sent_at).created == 1
    other = CustomerFactory(owner=rep, name="杭州远景机械有限公司")
    Customer.objects.filter(pk=other.pk).update(next_followup_due=timezone.localdate(sent_at))
    assert engine.run("customers.followups_due", now=sent_at).created == 1

    page = phone_page
    login(page, live_server, rep, password)
    expect(page.locator("#notification-count.notification-count")).to_have_text("2 条未读通知")
    screenshot(page, "instalment-reminder-01-bell-phone")

    page.locator("#notification-bell").tap()
    item = page.locator("#notification-latest .notification-item", has_text="HT2026110001")
    expect(item).to_be_visible()
    expect(item).to_contain_text("华东精密机械有限公司")
    screenshot(page, "instalment-reminder-02-dropdown-phone")
    with page.expect_navigation():
        item.tap()
    assert page.url == f"{live_server.url}/contracts/{contract.pk}/#instalment-1"
    row = page.locator("#instalment-1")
    expect(row).to_be_in_viewport()
    days = (today - due).days
    expect(row).to_contain_text(f"逾期 {days} 天")
    assert Instalment.objects.get(contract=contract, position=1).outstanding == Decimal("30000")
    highlighted = row.evaluate("el => getComputedStyle(el).backgroundColor")
    plain = page.locator("#instalment-2").evaluate("el => getComputedStyle(el).backgroundColor")
    assert highlighted != plain, "the instalment the reminder is about is not highlighted"
    screenshot(page, "instalment-reminder-03-contract-phone")
    expect(page.locator("#notification-count.notification-count")).to_have_text("1 条未读通知")
    assert Notification.objects.get(kind="instalment_due").read_at is not None

    page.goto(f"{live_server.url}/notifications/")
    unread = page.locator(".notification-unread")
    expect(unread).to_have_count(1)
    expect(unread).to_contain_text("杭州远景机械有限公司")
    with page.expect_navigation():
        unread.get_by_role("button", name="标为已读").tap()
    expect(page.locator(".notification-unread")).to_have_count(0)
    expect(page.locator(".notification-count")).to_have_count(0)
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "sideways scrolling"
    screenshot(page, "instalment-reminder-04-all-read-phone")
