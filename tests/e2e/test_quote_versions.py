"""On a phone: a rep compares two versions of a quote (the changes highlighted) and asks for
more time on an overdue solution (延期申请); the manager approves it on a desktop."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from opportunities.models import ExtensionRequest
from teams import workdays
from tests.factories import (
    CustomerFactory,
    OpportunityFactory,
    ProductFactory,
    QuoteFactory,
    QuoteLineFactory,
)
from tests.factories.opportunities import default_stages


def _fits_the_phone(page):
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "sideways scrolling"


@pytest.fixture
def deal(rep):
    default_stages()
    return OpportunityFactory(
        customer=CustomerFactory(owner=rep, name="杭州远景机械有限公司"),
        owner=rep,
        name="仓储系统升级",
        proposal=True,
        needs_confirmed_on=timezone.localdate() - timedelta(days=14),
        solution_due=timezone.localdate() - timedelta(days=2),
    )


def test_rep_compares_two_versions(phone_page, live_server, login, screenshot, rep, password, deal):
    licence = ProductFactory(code="WMS-01", name="仓储管理授权", list_price=Decimal("22600"))
    training = ProductFactory(code="TRN-01", name="上线培训", list_price=Decimal("5300"))
    first = QuoteFactory(opportunity=deal, rejected=True, lines=0, implementation_period="60 天")
    QuoteLineFactory(quote=first, product=licence, quantity=Decimal("1"))
    QuoteLineFactory(quote=first, product=training, quantity=Decimal("2"))
    second = QuoteFactory(opportunity=deal, lines=0, implementation_period="45 天")
    QuoteLineFactory(quote=second, product=licence, quantity=Decimal("1"), discount_percent=15)
    QuoteLineFactory(quote=second, product=None, description="数据迁移", unit_price=Decimal("3000"))
    page = phone_page
    login(page, live_server, rep, password)
    page.goto(f"{live_server.url}/opportunities/quotes/{second.pk}/")
    with page.expect_navigation():
        page.locator("#quote-compare").tap()
    expect(page.locator("#compare-header .compare-changed")).to_contain_text("45 天")
    expect(
        page.locator("#compare-lines tr.compare-changed .compare-new .compare-mark")
    ).to_contain_text("15")
    expect(page.locator("#compare-lines tr.compare-added")).to_contain_text("数据迁移")
    expect(page.locator("#compare-lines tr.compare-removed")).to_contain_text("上线培训")
    _fits_the_phone(page)
    screenshot(page, "quote-compare-phone")


def test_rep_asks_for_more_time_and_the_manager_approves(
    phone_page, page, live_server, login, screenshot, rep, manager, password, deal
):
    new_due = workdays.add_working_days(timezone.localdate(), 3)
    phone = phone_page
    login(phone, live_server, rep, password)
    phone.goto(f"{live_server.url}/opportunities/{deal.pk}/extension/")
    expect(phone.locator("#solution-due")).to_contain_text("逾期")
    phone.locator("#id_new_due").fill(new_due.isoformat())
    phone.locator("#id_reason").fill("客户下周才能确认机房条件")
    _fits_the_phone(phone)
    screenshot(phone, "extension-01-request-phone")
    with phone.expect_navigation():
        phone.locator("#extension-submit").tap()
    extension = ExtensionRequest.objects.get()
    expect(phone.locator("#extension")).to_contain_text("待主管审批")

    login(page, live_server, manager, password)
    page.goto(f"{live_server.url}/opportunities/extensions/{extension.pk}/")
    page.locator("#extension-comment").fill("同意，下周三前提交")
    with page.expect_navigation():
        page.locator("#extension-approve").click()
    expect(page.locator("#extension")).to_contain_text("已批准")
    screenshot(page, "extension-02-approved")
    deal.refresh_from_db()
    assert deal.solution_due == new_due
