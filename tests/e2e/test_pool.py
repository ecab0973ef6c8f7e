"""On a phone, a rep claims a masked customer from the pool (公海), sees the phone number
unmasked, logs a visit and later returns the customer with a reason; a manager assigns a pool
customer to a rep of the team."""

import pytest
from playwright.sync_api import expect

from customers.models import FollowUp, OwnershipChange
from tests.factories import ContactFactory, PoolFactory, pooled

PHONE_NUMBER, MASKED = "13812345678", "138****5678"


@pytest.fixture
def waiting(org):
    pool = PoolFactory(name="华东公海", teams=[org["team_a"]])
    customer = pooled(pool, name="青禾食品有限公司")
    ContactFactory(customer=customer, name="张伟", phone=PHONE_NUMBER, is_key=True)
    return customer


def _fits(page):
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "sideways scrolling"


def test_a_rep_claims_works_and_returns_a_pool_customer_on_a_phone(
    phone_page, live_server, login, screenshot, rep, password, waiting
):
    page = phone_page
    login(page, live_server, rep, password)
    page.goto(f"{live_server.url}/customers/pool/")
    row = page.locator(f".pool-row[data-customer='{waiting.pk}']")
    expect(row).to_contain_text(MASKED)
    expect(page.locator("body")).not_to_contain_text(PHONE_NUMBER)
    _fits(page)
    screenshot(page, "pool-01-list-masked")

    with page.expect_navigation():
        row.locator(".pool-claim").tap()
    expect(page).to_have_url(f"{live_server.url}/customers/{waiting.pk}/")
    expect(page.locator("body")).to_contain_text(PHONE_NUMBER)
    _fits(page)
    screenshot(page, "pool-02-claimed-unmasked")

    page.goto(f"{live_server.url}/customers/quick-log/")
    page.locator("#customer-search").fill("青禾")
    radio = f"input[name=customer][value='{waiting.pk}']"
    expect(page.locator(f"#customer-results {radio}")).to_be_attached()
    page.locator("#customer-results label", has=page.locator(radio)).tap()
    page.locator("label[for=method-visit]").tap()
    page.locator("#id_summary").fill("上门拜访张总，了解包装线升级需求。")
    with page.expect_navigation():
        page.locator("#quick-log-submit").tap()
    assert FollowUp.objects.filter(customer=waiting, author=rep).exists()

    page.goto(f"{live_server.url}/customers/{waiting.pk}/return/")
    page.locator("#id_reason").fill("客户今年无预算，明年再跟")
    screenshot(page, "pool-03-return")
    with page.expect_navigation():
        page.locator("#return-submit").tap()
    expect(page).to_have_url(f"{live_server.url}/customers/pool/")
    expect(page.locator(".alert-success")).to_be_visible()
    _fits(page)
    screenshot(page, "pool-04-returned")
    waiting.refresh_from_db()
    assert waiting.owner is None and waiting.pool is not None
    hows = list(OwnershipChange.objects.filter(customer=waiting).values_list("how", flat=True))
    assert sorted(hows) == sorted([OwnershipChange.How.CLAIM, OwnershipChange.How.RETURN])


def test_a_manager_assigns_a_pool_customer(
    phone_page, live_server, login, screenshot, manager, rep, password, waiting
):
    page = phone_page
    login(page, live_server, manager, password)
    page.goto(f"{live_server.url}/customers/pool/")
    with page.expect_navigation():
        page.locator(f".pool-row[data-customer='{waiting.pk}'] .pool-assign").tap()
    page.locator("#id_to_user").select_option(str(rep.pk))
    page.locator("#id_note").fill("新客户，先电话联系")
    screenshot(page, "pool-05-assign")
    with page.expect_navigation():
        page.locator("#assign-submit").tap()
    expect(page.locator(".alert-success")).to_be_visible()
    waiting.refresh_from_db()
    assert waiting.owner == rep
