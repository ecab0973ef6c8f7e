"""The navbar on a laptop: every role's areas fit one row, their words whole, the areas of a
stage grouped in menus; on a phone they fold into the menu button."""

import pytest
from playwright.sync_api import expect


@pytest.mark.parametrize("who", ["director", "admin_user", "rep"])
def test_the_navbar_fits_one_row_on_a_laptop(
    request, page, live_server, login, screenshot, password, who
):
    user = request.getfixturevalue(who)
    login(page, live_server, user, password)
    for width in (1280, 1366):
        page.set_viewport_size({"width": width, "height": 800})
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the page scrolls sideways by {overflow} px at {width} px"
        bar = page.locator("nav.navbar").bounding_box()
        assert bar["height"] < 70, f"the navbar wraps at {width} px: {bar['height']} px high"
        for link in page.locator("#main-nav .nav-link").all():
            box = link.bounding_box()
            assert box["height"] < 45, f"{link.inner_text()!r} breaks over lines at {width} px"
    screenshot(page, f"navbar-{who}-1366")


def test_a_director_opens_the_pool_from_the_customers_menu(
    page, live_server, login, screenshot, director, password
):
    login(page, live_server, director, password)
    menu = page.locator("#main-nav .dropdown-toggle", has_text="客户")
    menu.click()
    expect(page.locator("#main-nav .dropdown-menu.show")).to_contain_text("公海")
    screenshot(page, "navbar-customers-menu")
    with page.expect_navigation():
        page.locator("#main-nav .dropdown-menu.show").get_by_text("公海").click()
    assert page.url == f"{live_server.url}/customers/pool/"
    # The menu of the page's area reads as the active one.
    expect(page.locator("#main-nav .dropdown-toggle.active")).to_contain_text("客户")


def test_on_a_phone_the_areas_fold_into_the_menu_button(
    phone_page, live_server, login, screenshot, director, password
):
    page = phone_page
    login(page, live_server, director, password)
    expect(page.locator("#main-nav")).to_be_hidden()
    page.locator(".navbar-toggler").tap()
    expect(page.locator("#main-nav")).to_be_visible()
    page.locator("#main-nav .dropdown-toggle", has_text="合同").tap()
    expect(page.locator("#main-nav .dropdown-menu.show")).to_contain_text("应收账款")
    screenshot(page, "navbar-phone-contracts-menu")
