"""A rep on a phone builds a three-line quote (two catalogue products, one free line), the
manager approves it on a desktop, the rep marks it sent and accepted; the accepted version
then lets the rep win the deal on the opportunity page."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from opportunities.models import Opportunity, Quote
from tests.factories import ContactFactory, CustomerFactory, OpportunityFactory, ProductFactory
from tests.factories.opportunities import default_stages


@pytest.fixture
def deal(rep):
    default_stages()
    customer = CustomerFactory(owner=rep, name="华东精密制造有限公司")
    ContactFactory(customer=customer, name="王建国")
    return OpportunityFactory(customer=customer, owner=rep, name="二期产线 CRM", negotiation=True)


@pytest.fixture
def products(db):
    return (
        ProductFactory(code="CRM-STD", name="CRM 标准版授权", list_price=Decimal("11300.00")),
        ProductFactory(
            code="CRM-MOB",
            name="移动端模块",
            list_price=Decimal("5650.00"),
            unit_cost=Decimal("1000"),
        ),
        ProductFactory(code="OLD-01", name="旧版授权", inactive=True),
    )


def _fits_the_phone(page):
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "sideways scrolling"


def _settled(page):
    """htmx has swapped in and processed the new row (its triggers are live after the settle,
    a few ms after the row shows): a choice made before would go unheard."""
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling')")


def _choose(page, index, product):
    _settled(page)
    page.locator(f"#id_lines-{index}-product").select_option(str(product.pk))
    expect(page.locator(f"#id_lines-{index}-unit_price")).to_have_value(f"{product.list_price}")


def _tap(page, selector):
    """Tap on the phone, click on the desktop, and wait for the next page."""
    with page.expect_navigation():
        if page.viewport_size["width"] < 600:
            page.locator(selector).tap()
        else:
            page.locator(selector).click()


def test_rep_builds_a_quote_manager_approves_customer_accepts(
    browser,
    phone_page,
    page,
    live_server,
    login,
    screenshot,
    rep,
    manager,
    password,
    deal,
    products,
):
    standard, mobile, retired = products
    phone = phone_page
    login(phone, live_server, rep, password)
    phone.goto(f"{live_server.url}/opportunities/{deal.pk}/quotes/")
    expect(phone.locator("h1")).to_contain_text("解决方案定制表")
    _tap(phone, "#quote-new")
    quote = Quote.objects.get(opportunity=deal)
    expect(phone).to_have_url(f"{live_server.url}/opportunities/quotes/{quote.pk}/edit/")
    assert retired.code not in phone.locator("#id_lines-0-product").inner_text()

    phone.locator("#id_implementation_period").fill("签约后 45 天")
    phone.locator("#id_valid_until").fill((timezone.localdate() + timedelta(days=30)).isoformat())
    phone.locator("#id_highlights").fill("本地化部署，数据不出厂区")
    _choose(phone, 0, standard)
    phone.locator("#id_lines-0-quantity").fill("2")
    phone.locator("#quote-add-line").tap()
    expect(phone.locator("#id_lines-1-product")).to_be_visible()
    _choose(phone, 1, mobile)
    phone.locator("#id_lines-1-quantity").fill("2")
    phone.locator("#id_lines-1-discount_percent").fill("10")
    phone.locator("#quote-add-line").tap()
    phone.locator("#id_lines-2-description").fill("实施与培训服务")
    phone.locator("#id_lines-2-unit").fill("人天")
    phone.locator("#id_lines-2-quantity").fill("5")
    phone.locator("#id_lines-2-unit_price").fill("1060")
    phone.locator("#id_lines-2-vat_rate").select_option("6")
    # a fourth line added and removed again is not saved
    phone.locator("#quote-add-line").tap()
    expect(phone.locator("#id_lines-3-product")).to_be_visible()
    phone.locator("#quote-line-lines-3 .quote-line-remove").tap()
    expect(phone.locator("#id_lines-3-product")).to_have_count(0)
    expect(phone.locator("input[name=unit_cost], [name$=unit_cost]")).to_have_count(0)
    _fits_the_phone(phone)
    screenshot(phone, "quote-01-editor-phone")

    _tap(phone, "#quote-save")
    expect(phone.locator(".alert-success")).to_be_visible()
    # 2 × 11,300 + 2 × 5,650 × 90% + 5 × 1,060 = 22,600 + 10,170 + 5,300
    expect(phone.locator("#quote-total")).to_have_text("38,070.00")
    expect(phone.locator(".quote-margin")).to_have_count(0)
    screenshot(phone, "quote-02-saved-phone")

    _tap(phone, "#quote-save-done")
    _tap(phone, "#quote-submit")
    expect(phone.locator("#quote-status")).to_contain_text("评审中")
    _fits_the_phone(phone)
    screenshot(phone, "quote-03-submitted-phone")

    login(page, live_server, manager, password)
    page.goto(f"{live_server.url}/opportunities/quotes/{quote.pk}/")
    expect(page.locator(".quote-margin")).to_be_visible()  # managers see the margin
    screenshot(page, "quote-04-manager-review")
    page.locator("#decision-comment").fill("价格合理，可以发给客户")
    _tap(page, "#quote-approve")
    expect(page.locator("#quote-status")).to_contain_text("已批准")
    expect(page.locator("#quote-reviews")).to_contain_text("价格合理")

    phone.reload()
    _tap(phone, "#quote-mark-sent")
    expect(phone.locator("#quote-status")).to_contain_text("已发送")
    _tap(phone, "#quote-mark-accepted")
    expect(phone.locator("#quote-status")).to_contain_text("客户已接受")
    _fits_the_phone(phone)
    screenshot(phone, "quote-05-accepted-phone")

    with phone.expect_navigation():
        phone.locator("#quote-print").tap()
    expect(phone.locator("#print-lines tbody tr")).to_have_count(3)
    expect(phone.locator("body")).not_to_contain_text("成本")
    _fits_the_phone(phone)
    screenshot(phone, "quote-06-print-phone")
    page.goto(f"{live_server.url}/opportunities/quotes/{quote.pk}/print/")
    expect(page.locator("body")).not_to_contain_text("毛利")
    screenshot(page, "quote-07-print-desktop")

    quote.refresh_from_db()
    assert quote.status == Quote.Status.ACCEPTED
    assert quote.total_amount == Decimal("38070.00")
    assert quote.lines.count() == 3

    # The rep wins the deal on the opportunity page (the stage menu).
    phone.goto(f"{live_server.url}/opportunities/{deal.pk}/")
    expect(phone.locator("#quotes")).to_contain_text("客户已接受")
    phone.locator("#move-menu").tap()
    won = phone.locator("#moves .dropdown-menu button", has_text="赢单")
    expect(won).to_be_visible()
    with phone.expect_navigation():
        won.tap()
    expect(phone.locator("#current-stage")).to_contain_text("赢单")
    _fits_the_phone(phone)
    screenshot(phone, "quote-08-deal-won-phone")
    deal.refresh_from_db()
    assert deal.status == Opportunity.Status.WON
    assert deal.expected_amount == Decimal("38070.00")
