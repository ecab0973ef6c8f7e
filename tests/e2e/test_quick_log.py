"""A rep on a phone logs a visit from the quick-log page and sees the next due date move."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from customers.models import Customer, FollowUp, Task
from tests.factories import ContactFactory, CustomerFactory

from .conftest import CSP_LISTENER, PHONE, TIMEOUT_MS

SHANGHAI = {"latitude": 31.230416, "longitude": 121.473701, "accuracy": 35}


@pytest.fixture
def phone_context(browser, browser_errors):
    """Make a phone-sized context (390×844, touch, Chinese browser), optionally with a location."""
    contexts = []

    def make(**options):
        context = browser.new_context(**PHONE, **options)
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(CSP_LISTENER)
        context.on("page", browser_errors.watch)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
    assert not browser_errors.errors, "the browser reported errors:\n" + "\n".join(
        browser_errors.errors
    )


@pytest.fixture
def overdue_customer(rep):
    """A C customer entered 40 days ago, never contacted: overdue since 10 days."""
    customer = CustomerFactory(owner=rep, name="杭州远景机械有限公司", grade="C")
    ContactFactory(customer=customer, name="周总")
    entered = timezone.now() - timedelta(days=40)
    due = timezone.localdate(entered) + timedelta(days=30)
    Customer.objects.filter(pk=customer.pk).update(created_at=entered, next_followup_due=due)
    customer.refresh_from_db()
    return customer


def _assert_fits_the_phone(page):
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "sideways scrolling"


def _open_quick_log_from_the_menu(page, live_server):
    page.locator(".navbar-toggler").tap()
    link = page.locator("#main-nav a[href='/customers/quick-log/']")
    page.locator(
        "#main-nav .dropdown", has=page.locator("a[href='/customers/quick-log/']")
    ).locator(".dropdown-toggle").tap()
    expect(link).to_be_visible()
    with page.expect_navigation():
        link.tap()
    expect(page).to_have_url(f"{live_server.url}/customers/quick-log/")


def _pick_customer(page, customer, search):
    page.locator("#customer-search").fill(search)
    radio = f"input[name=customer][value='{customer.pk}']"
    option = page.locator(f"#customer-results {radio}")
    expect(option).to_be_attached()
    page.locator("#customer-results label", has=page.locator(radio)).tap()
    expect(option).to_be_checked()


def test_rep_logs_a_visit_with_check_in_and_sees_the_next_due_date_move(
    phone_context, live_server, login, screenshot, rep, password, overdue_customer
):
    customer = overdue_customer
    old_due = customer.next_followup_due
    new_due = timezone.localdate() + timedelta(days=30)
    next_action_due = timezone.localdate() + timedelta(days=3)
    page = phone_context(geolocation=SHANGHAI, permissions=["geolocation"])
    login(page, live_server, rep, password)

    _open_quick_log_from_the_menu(page, live_server)
    expect(page.locator("#checkin")).to_be_hidden()  # only for a visit
    screenshot(page, "quick-log-01-empty")

    _pick_customer(page, customer, "周总")  # by the contact's name
    expect(page.locator("#customer-results")).to_contain_text(old_due.isoformat())
    page.locator("label[for=method-visit]").tap()
    expect(page.locator("#method-visit")).to_be_checked()
    expect(page.locator("#checkin")).to_be_visible()
    button = page.locator("#checkin-button")
    box = button.bounding_box()
    assert box["height"] >= 44, f"the check-in button is {box['height']}px high"

    button.tap()
    expect(page.locator("#checkin-status")).to_contain_text("±35")
    expect(page.locator("input[name=latitude]")).to_have_value("31.230416")
    expect(page.locator("input[name=longitude]")).to_have_value("121.473701")
    expect(page.locator("input[name=location_accuracy]")).to_have_value("35")
    page.locator("#id_executive").check()
    page.locator("#id_summary").fill("拜访周总，确认二期产线的设备清单。")
    page.locator("#id_next_action").fill("发送二期报价")
    page.locator("#id_next_action_due").fill(next_action_due.isoformat())
    _assert_fits_the_phone(page)
    for selector in ("#quick-log-submit", "#customer-search", "#id_summary"):
        box = page.locator(selector).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, f"{selector} overflows"
    screenshot(page, "quick-log-02-visit-checked-in")

    with page.expect_navigation():
        page.locator("#quick-log-submit").tap()

    expect(page).to_have_url(f"{live_server.url}/customers/{customer.pk}/")
    success = page.locator(".alert-success")
    expect(success).to_contain_text(old_due.isoformat())
    expect(success).to_contain_text(new_due.isoformat())
    expect(page.locator("#next-due")).to_contain_text(new_due.isoformat())
    expect(page.locator("body")).to_contain_text("±35")  # the check-in on the timeline
    _assert_fits_the_phone(page)
    screenshot(page, "quick-log-03-customer-page")

    followup = FollowUp.objects.get(customer=customer)
    assert followup.method == FollowUp.Method.VISIT
    assert followup.executive is True
    assert followup.latitude == Decimal("31.230416")
    assert followup.longitude == Decimal("121.473701")
    assert followup.location_accuracy == 35
    assert not followup.is_late
    task = Task.objects.get(customer=customer)
    assert (task.owner, task.title, task.due_date) == (rep, "发送二期报价", next_action_due)
    customer.refresh_from_db()
    assert customer.next_followup_due == new_due

    with page.expect_navigation():
        page.locator(f"a[href='/customers/followups/{followup.pk}/']").first.tap()
    expect(page.locator("#checkin-display")).to_contain_text("±35")
    expect(page.locator("#checkin-coordinates")).to_have_text("31.230416, 121.473701")
    _assert_fits_the_phone(page)
    screenshot(page, "quick-log-04-followup-check-in")


def test_refused_location_still_logs_the_visit(
    phone_context, live_server, login, screenshot, rep, password, overdue_customer
):
    customer = overdue_customer
    old_due = customer.next_followup_due
    new_due = timezone.localdate() + timedelta(days=30)
    page = phone_context()  # no geolocation permission: the browser refuses
    login(page, live_server, rep, password)
    page.goto(f"{live_server.url}/customers/quick-log/")

    _pick_customer(page, customer, "远景")
    page.locator("label[for=method-visit]").tap()
    page.locator("#checkin-button").tap()
    status = page.locator("#checkin-status")
    expect(status).to_have_class(re.compile(r"text-warning-emphasis"))
    expect(page.locator("#checkin-button")).to_be_enabled()
    expect(page.locator("input[name=latitude]")).to_have_value("")
    screenshot(page, "quick-log-05-location-refused")

    page.locator("#id_summary").fill("拜访，未能获取定位。")
    with page.expect_navigation():
        page.locator("#quick-log-submit").tap()

    expect(page).to_have_url(f"{live_server.url}/customers/{customer.pk}/")
    expect(page.locator(".alert-success")).to_contain_text(new_due.isoformat())
    expect(page.locator(".alert-success")).to_contain_text(old_due.isoformat())
    screenshot(page, "quick-log-06-logged-without-location")
    followup = FollowUp.objects.get(customer=customer)
    assert followup.method == FollowUp.Method.VISIT
    assert not followup.has_location
    assert not Task.objects.exists()


def test_missing_key_points_keeps_the_choices(
    phone_context, live_server, login, screenshot, rep, password, overdue_customer
):
    page = phone_context()
    login(page, live_server, rep, password)
    page.goto(f"{live_server.url}/customers/quick-log/")
    _pick_customer(page, overdue_customer, "远景")
    page.locator("label[for=method-phone]").tap()
    with page.expect_navigation():
        page.locator("#quick-log-submit").tap()
    expect(page.locator("#summary-error")).to_be_visible()
    expect(page.locator(f"input[name=customer][value='{overdue_customer.pk}']")).to_be_checked()
    expect(page.locator("#method-phone")).to_be_checked()
    _assert_fits_the_phone(page)
    screenshot(page, "quick-log-07-missing-key-points")
    assert not FollowUp.objects.exists()
