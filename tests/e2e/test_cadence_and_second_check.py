"""Issue 9's journeys: a rep on a phone logs a visit to an overdue A customer and reads what is
still due; a manager rejects an A-grade check with a comment."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from customers import services
from customers.models import Customer, FollowUp
from notifications.models import Notification
from tests.factories import ContactFactory, CustomerFactory


@pytest.fixture
def overdue_a_customer(rep):
    """Grade A, entered 53 days ago and never contacted: its routine contact is 38 days
    overdue and its executive visit 23 days."""
    customer = CustomerFactory(owner=rep, name="华夏重工集团有限公司", grade_a=True)
    ContactFactory(customer=customer, name="周总")
    Customer.objects.filter(pk=customer.pk).update(created_at=timezone.now() - timedelta(days=53))
    customer.refresh_from_db()
    services.customer_refresh_cadence(customer=customer)
    customer.refresh_from_db()
    return customer


def _fits_the_phone(page):
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "sideways scrolling"


def test_a_rep_on_a_phone_logs_a_visit_and_reads_what_is_still_due(
    phone_page, live_server, login, screenshot, rep, password, overdue_a_customer
):
    customer = overdue_a_customer
    today = timezone.localdate()
    executive_since = (today - timedelta(days=23)).isoformat()
    page = login(phone_page, live_server, rep, password)

    page.goto(f"{live_server.url}/customers/")
    row = page.locator(f"#customer-{customer.pk}")
    expect(row).to_contain_text("常规联系逾期 38 天")
    screenshot(page, "cadence-01-phone-list-says-what-is-overdue")

    page.goto(f"{live_server.url}/customers/quick-log/?customer={customer.pk}")
    expect(page.locator("body")).to_contain_text("常规联系逾期 38 天")
    page.locator("label[for=method-visit]").tap()
    page.locator("#id_summary").fill("拜访采购部，确认二期设备清单。")
    _fits_the_phone(page)
    screenshot(page, "cadence-02-phone-quick-log")
    with page.expect_navigation():
        page.locator("#quick-log-submit").tap()

    expect(page).to_have_url(f"{live_server.url}/customers/{customer.pk}/")
    success = page.locator(".alert-success")
    expect(success).to_contain_text(f"已记录；高层拜访仍逾期，自 {executive_since} 起。")
    expect(success).to_contain_text("常规联系 2 次中已完成 1 次")
    due = page.locator("#next-due")
    expect(due).to_contain_text(f"高层拜访逾期 23 天，自 {executive_since} 起")
    expect(due.locator("[data-requirement=routine_contact]")).to_contain_text(
        "常规联系 2 次中已完成 1 次"
    )
    _fits_the_phone(page)
    screenshot(page, "cadence-03-phone-customer-page-still-due")
    assert FollowUp.objects.get(customer=customer).method == FollowUp.Method.VISIT
    customer.refresh_from_db()
    assert customer.next_followup_for == Customer.DueFor.EXECUTIVE_VISIT


def test_a_manager_rejects_an_a_grade_check_with_a_comment(
    page, live_server, login, screenshot, rep, manager, password
):
    customer = CustomerFactory(owner=rep, name="东方精密机械有限公司", grade_b=True)
    customer = services.customer_update(
        by=rep, customer=customer, annual_purchase_estimate=Decimal("180")
    )
    assert customer.second_check == Customer.SecondCheck.PENDING
    login(page, live_server, manager, password)

    panel = page.locator("#panel-pending-a-checks")
    expect(panel).to_contain_text(customer.name)
    screenshot(page, "second-check-01-home-panel")
    with page.expect_navigation():
        panel.locator(f"#pending-check-{customer.pk} a", has_text="去核对").click()
    card = page.locator("#second-check")
    expect(card).to_be_visible()
    expect(card).to_contain_text("驳回（恢复为 B）")
    screenshot(page, "second-check-02-customer-page")

    # Without a comment nothing changes.
    with page.expect_navigation():
        page.locator("#reject-second-check").click()
    expect(page.locator(".alert-danger")).to_contain_text("请说明驳回 A 级的原因。")
    page.locator("#second-check-comment").fill("年采购额只是估算，尚无框架协议。")
    with page.expect_navigation():
        page.locator("#reject-second-check").click()

    expect(page.locator(".alert-success")).to_contain_text(
        f"{customer.name} 的 A 级已驳回：恢复为 B 级。"
    )
    expect(page.locator("#second-check")).to_have_count(0)
    expect(page.locator("#customer-badges .grade-badge")).to_contain_text("B")
    expect(page.locator("#grade-history")).to_contain_text(
        "二次核对驳回：年采购额只是估算，尚无框架协议。"
    )
    screenshot(page, "second-check-03-rejected")
    customer.refresh_from_db()
    assert (customer.grade, customer.second_check) == ("B", Customer.SecondCheck.CONFIRMED)
    assert Notification.objects.filter(recipient=rep).count() == 1

    # The rep's list on a 1366-pixel laptop: what is due, and days overdue as a column whose
    # header stays whole and on screen.
    late = CustomerFactory(owner=rep, name="逾期的客户有限公司", grade_a=True)
    Customer.objects.filter(pk=late.pk).update(created_at=timezone.now() - timedelta(days=53))
    late.refresh_from_db()
    services.customer_refresh_cadence(customer=late)
    login(page, live_server, rep, password)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/customers/?o=-overdue_days")
    row = page.locator(f"#customer-{late.pk}")
    expect(row.locator("td.col-due .due-for")).to_have_text("常规联系")
    expect(row.locator("td.col-overdue-days")).to_have_text("38")
    expect(row.locator("td.col-overdue-days span")).to_have_attribute("title", "常规联系逾期 38 天")
    header = page.locator("th.col-overdue-days")
    expect(header).to_have_text("逾期天数")
    box = header.bounding_box()
    assert box["x"] + box["width"] <= 1366, "the days-overdue header is off screen"
    assert box["height"] < 40, "the days-overdue header wraps"
    screenshot(page, "cadence-04-laptop-list-days-overdue")

    page.goto(f"{live_server.url}/notifications/")
    expect(page.locator("body")).to_contain_text(f"{customer.name} 的 A 级被")
    screenshot(page, "second-check-04-rep-notified")
