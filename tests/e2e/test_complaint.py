"""An after-sales user, on a phone, logs a critical complaint a customer rang the 400 hotline
about, acknowledges it, works on it, resolves it, tells the customer and closes it with the
customer's satisfaction; the customer page then shows the score."""

from django.utils import timezone
from playwright.sync_api import expect

from aftersales.models import AftersalesAssignment, Complaint
from tests.factories import CustomerFactory


def test_an_after_sales_user_handles_a_critical_complaint_on_a_phone(
    phone_page, live_server, login, screenshot, aftersales, rep, password
):
    customer = CustomerFactory(owner=rep, name="华东精密制造有限公司")
    AftersalesAssignment.objects.create(customer=customer, user=aftersales)
    page = phone_page
    login(page, live_server, aftersales, password)
    screenshot(page, "complaint-01-home-phone")

    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    section = page.locator("#section-aftersales")
    expect(section).to_contain_text("售后专员")
    with page.expect_navigation():
        section.locator("#new-complaint").tap()
    page.locator("#id_subject").fill("生产线系统宕机")
    page.locator("#id_severity").select_option("critical")
    page.locator("#id_channel").select_option("hotline")
    page.locator("#id_category").select_option("product")
    page.locator("#id_description").fill("客户来电：早班生产线系统无法登录，影响出货。")
    screenshot(page, "complaint-02-form-phone")
    with page.expect_navigation():
        page.locator("#complaint-submit").tap()

    complaint = Complaint.objects.get()
    expect(page.locator("#complaint-status")).to_contain_text("紧急")
    expect(page.locator("#complaint-status")).to_contain_text("新登记")
    expect(page.locator(".alert-success")).to_contain_text("须在")
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "sideways scrolling"
    screenshot(page, "complaint-03-logged-phone")

    with page.expect_navigation():
        page.locator("#acknowledge").tap()
    expect(page.locator("#complaint-status")).to_contain_text("已受理")
    with page.expect_navigation():
        page.locator("#start").tap()
    expect(page.locator("#complaint-status")).to_contain_text("处理中")

    page.locator("#resolve_resolution").fill("远程重启认证服务并修复配置，已恢复登录。")
    page.locator("#resolve_told_how").select_option("phone")
    page.locator("#resolve_told_at").fill(timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    screenshot(page, "complaint-04-resolve-phone")
    with page.expect_navigation():
        page.locator("#resolve").tap()
    expect(page.locator("#complaint-status")).to_contain_text("已解决")

    # A score outside 1-5 is refused with its message and nothing changes.
    page.locator("#close_score").fill("6")
    with page.expect_navigation():
        page.locator("#close").tap()
    expect(page.locator("#close-form")).to_contain_text("满意度为 1 到 5 分")
    expect(page.locator("#complaint-status")).to_contain_text("已解决")
    screenshot(page, "complaint-05-bad-score-phone")

    page.locator("#close_score").fill("5")
    page.locator("#close_comment").fill("响应及时，问题彻底解决")
    with page.expect_navigation():
        page.locator("#close").tap()
    expect(page.locator("#complaint-status")).to_contain_text("已关闭")
    expect(page.locator("#complaint-satisfaction")).to_contain_text("5/5")
    screenshot(page, "complaint-06-closed-phone")
    complaint.refresh_from_db()
    assert complaint.is_closed and not complaint.is_breached

    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    expect(page.locator("#satisfaction-summary")).to_contain_text("5/5")
    page.locator("#section-aftersales").scroll_into_view_if_needed()
    screenshot(page, "complaint-07-customer-phone")
