"""A rep finds a customer from the global search: on a phone through the search icon, on a
laptop in the navbar's box, results appearing as they type."""

from playwright.sync_api import expect

from tests.factories import ContactFactory, CustomerFactory, OpportunityFactory


def _data(rep):
    customer = CustomerFactory(owner=rep, name="华东精密机械有限公司")
    ContactFactory(customer=customer, name="王华东", title="采购经理", phone="13912345678")
    OpportunityFactory(customer=customer, owner=rep, name="华东产线升级")
    return customer


def test_a_rep_finds_a_customer_on_a_phone(
    phone_page, live_server, login, screenshot, rep, password
):
    customer = _data(rep)
    page = phone_page
    login(page, live_server, rep, password)
    with page.expect_navigation():
        page.locator("#search-icon").tap()
    box = page.locator("#search-page-q")
    expect(box).to_be_focused()
    box.fill("华东")
    results = page.locator("#search-page-results")
    expect(results.locator("#search-customers")).to_contain_text("华东精密机械有限公司")
    expect(results.locator("#search-contacts")).to_contain_text("王华东")
    expect(results.locator("#search-opportunities")).to_contain_text("华东产线升级")
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "sideways scrolling"
    screenshot(page, "search-01-results-phone")

    box.fill("1391234")
    expect(results.locator("#search-contacts")).to_contain_text("王华东")
    with page.expect_navigation():
        results.locator("#search-customers").get_by_role("link").first.tap()
    expect(page).to_have_url(f"{live_server.url}/customers/{customer.pk}/")


def test_the_navbar_box_drops_down_results_on_a_laptop(
    page, live_server, login, screenshot, rep, password
):
    _data(rep)
    login(page, live_server, rep, password)
    page.locator("#global-search-q").fill("华东")
    menu = page.locator("#global-search-results")
    expect(menu).to_be_visible()
    expect(menu).to_contain_text("华东精密机械有限公司")
    screenshot(page, "search-02-navbar-laptop")
