"""An administrator creates a user in the browser; that user logs in; phone layout; languages."""

import re

from django.utils import translation
from playwright.sync_api import expect

from teams.models import Role, User
from tests.factories.teams import PASSWORD

NEW_PASSWORD = "Lantern-Orchard-2741"


def _zh(text):
    """The Simplified Chinese the UI should show for an English msgid."""
    with translation.override("zh-hans"):
        return str(translation.gettext(text))


def _zh_translated(text):
    """Like _zh, but the string must really be translated (not fall back to English)."""
    chinese = _zh(text)
    assert chinese != text, (
        f"no Simplified Chinese translation for {text!r} "
        "(is locale/zh_Hans/LC_MESSAGES/django.po missing or not compiled?)"
    )
    return chinese


def _nav_link(page, label):
    """A navbar link by its visible text (its accessible name also holds the icon's glyph)."""
    name = re.compile(r"^\W*" + re.escape(label) + "$")
    return page.locator("#main-nav").get_by_role("link", name=name)


def _open_user_menu(page):
    page.locator("#user-menu").click()
    expect(page.locator("#user-menu + .dropdown-menu")).to_be_visible()


def _log_out(page, live_server):
    _open_user_menu(page)
    with page.expect_navigation():
        page.locator("#user-menu + .dropdown-menu form[action='/accounts/logout/'] button").click()
    assert page.url.startswith(f"{live_server.url}/accounts/login/")


def test_admin_creates_user_who_then_logs_in(
    page, live_server, login, screenshot, admin_user, org, password
):
    login(page, live_server, admin_user, password)
    screenshot(page, "admin-01-home")

    page.locator("#main-nav .dropdown-toggle", has_text=_zh("Administration")).click()
    _nav_link(page, _zh("Users")).click()
    expect(page).to_have_url(f"{live_server.url}/manage/users/")
    expect(page.get_by_role("heading", level=1)).to_have_text(_zh("Users"))
    expect(page.locator("#user-rows tbody tr")).to_have_count(1)  # only the admin so far
    screenshot(page, "admin-02-user-list")

    page.locator("#new-user").click()
    expect(page).to_have_url(f"{live_server.url}/manage/users/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text(_zh("New user"))
    page.locator("#id_username").fill("liwei")
    page.locator("#id_first_name").fill("伟")
    page.locator("#id_last_name").fill("李")
    page.locator("#id_email").fill("liwei@example.com")
    page.locator("#id_phone").fill("13800138000")
    page.locator("#id_role").select_option(Role.SALES_REP.value)
    page.locator("#id_team").select_option(label=org["team_b"].name)
    page.locator("#id_password1").fill(NEW_PASSWORD)
    page.locator("#id_password2").fill(NEW_PASSWORD)
    screenshot(page, "admin-03-new-user-form")
    with page.expect_navigation():
        page.locator("#user-form-card").get_by_role("button", name=_zh("Create user")).click()

    new_user = User.objects.get(username="liwei")
    assert new_user.role == Role.SALES_REP
    assert new_user.team == org["team_b"]
    expect(page).to_have_url(f"{live_server.url}/manage/users/{new_user.pk}/")
    success = page.locator(".alert-success")
    expect(success).to_contain_text(new_user.display_name)
    with translation.override("zh-hans"):
        message = translation.gettext("User %(name)s was created.") % {
            "name": new_user.display_name
        }
    expect(success).to_contain_text(message)
    expect(page.get_by_role("heading", level=1)).to_have_text(new_user.display_name)
    screenshot(page, "admin-04-new-user-detail")

    _log_out(page, live_server)
    screenshot(page, "admin-05-logged-out")

    login(page, live_server, new_user, NEW_PASSWORD)
    expect(page.locator("#greeting")).to_contain_text(new_user.display_name)
    with translation.override("zh-hans"):
        greeting = translation.gettext("Hello, %(name)s") % {"name": new_user.display_name}
        role = str(Role.SALES_REP.label)
    expect(page.locator("#greeting")).to_have_text(greeting)
    expect(page.locator("#role-badge")).to_have_text(role)
    expect(_nav_link(page, _zh("Users"))).to_have_count(0)
    screenshot(page, "admin-06-new-user-home")


def test_rep_on_phone(phone_page, live_server, login, screenshot, browser_errors, rep, password):
    page = phone_page
    login(page, live_server, rep, password)

    expect(page.locator("#greeting")).to_contain_text(rep.display_name)
    toggler = page.locator(".navbar-toggler")
    expect(toggler).to_be_visible()
    expect(page.locator("#main-nav")).to_be_hidden()
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "sideways scrolling"
    for selector in ("#greeting", "#role-badge"):
        box = page.locator(selector).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"{selector} overflows"
    font_size = page.locator("main").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert font_size >= 14, f"body text is {font_size}px"
    screenshot(page, "phone-01-rep-home")

    toggler.tap()
    expect(page.locator("#main-nav")).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(_nav_link(page, _zh("Home"))).to_be_visible()
    expect(_nav_link(page, _zh("Users"))).to_have_count(0)
    expect(_nav_link(page, _zh("Teams"))).to_have_count(0)
    screenshot(page, "phone-02-rep-menu-open")

    # Chromium logs the status of the page we deliberately open without permission.
    forbidden_url = f"{live_server.url}/manage/users/"
    browser_errors.allow(
        r"status of 403 \(Forbidden\) \(" + re.escape(forbidden_url) + r"(\?.*)?\)$"
    )
    response = page.goto(forbidden_url)
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text(
        _zh("You do not have access to this page")
    )
    expect(page.locator("#user-rows")).to_have_count(0)
    expect(page.get_by_role("link", name=_zh("Back to home"))).to_be_visible()
    screenshot(page, "phone-03-rep-forbidden")


def test_language_switch(page, live_server, login, screenshot, manager, password):
    page.goto(f"{live_server.url}/accounts/login/")
    submit = page.locator("form[action='/accounts/login/'] button[type=submit]")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(submit).to_have_text(_zh_translated("Log in"))
    screenshot(page, "lang-01-login-zh")

    page.locator("#language-menu").click()
    with page.expect_navigation():
        page.locator("button[name=language][value=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(submit).to_have_text("Log in")
    expect(page.locator("#language-menu")).to_contain_text("English")
    screenshot(page, "lang-02-login-en")

    login(page, live_server, manager, password)
    greeting = page.locator("#greeting")
    expect(_nav_link(page, "Home")).to_be_visible()
    expect(greeting).to_have_text(f"Hello, {manager.display_name}")
    expect(page.locator("#role-badge")).to_have_text("Sales manager")
    screenshot(page, "lang-03-home-en")

    page.locator("#language-menu").click()
    with page.expect_navigation():
        page.locator("button[name=language][value=zh-hans]").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("#language-menu")).to_contain_text("简体中文")
    screenshot(page, "lang-04-home-zh")
    expect(_nav_link(page, _zh_translated("Home"))).to_be_visible()
    hello = _zh_translated("Hello, %(name)s") % {"name": manager.display_name}
    expect(greeting).to_have_text(hello)
    expect(page.locator("#role-badge")).to_have_text(_zh_translated("Sales manager"))


def test_admin_sees_a_superuser_read_only(page, live_server, login, screenshot, admin_user):
    from tests.factories import UserFactory

    root = UserFactory(
        username="root", first_name="超", last_name="管", is_staff=True, is_superuser=True
    )
    login(page, live_server, admin_user, PASSWORD)
    page.goto(f"{live_server.url}/manage/users/{root.pk}/")
    expect(page.locator("#superuser-badge")).to_have_text(_zh_translated("Superuser"))
    expect(page.locator("#protected-account")).to_have_text(
        _zh_translated("Only a superuser can change this account.")
    )
    for label in ("Edit", "Reset password", "Deactivate"):
        expect(page.get_by_role("link", name=_zh(label))).to_have_count(0)
        expect(page.get_by_role("button", name=_zh(label))).to_have_count(0)
    screenshot(page, "admin-07-superuser-read-only")
    page.goto(f"{live_server.url}/manage/users/{admin_user.pk}/")  # an ordinary account
    expect(page.locator("#protected-account")).to_have_count(0)
    for label in ("Edit", "Reset password"):
        expect(page.get_by_role("link", name=_zh(label))).to_have_count(1)
