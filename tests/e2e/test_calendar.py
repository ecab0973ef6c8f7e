"""An admin enters a make-up working day for 2027 from a phone; a mistake is explained."""

from datetime import date

import pytest
from django.utils import translation
from playwright.sync_api import expect

from teams import workdays
from teams.models import CalendarDay

pytestmark = pytest.mark.usefixtures("official_calendar")


def _zh(text, context=None):
    with translation.override("zh-hans"):
        if context:
            return str(translation.pgettext(context, text))
        return str(translation.gettext(text))


def test_admin_adds_a_make_up_day_on_a_phone(
    phone_page, live_server, login, screenshot, admin_user, password, open_area
):
    page = phone_page
    login(page, live_server, admin_user, password)
    open_area(page, "/manage/calendar/")
    expect(page).to_have_url(f"{live_server.url}/manage/calendar/")

    page.goto(f"{live_server.url}/manage/calendar/2027/")
    expect(page.locator("#calendar-notice")).to_be_visible()
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "sideways scrolling"
    screenshot(page, "calendar-01-2027-phone")

    with page.expect_navigation():
        page.get_by_role("link", name=_zh("Add holiday or make-up day")).tap()
    page.get_by_label(_zh("Make-up working day")).check()
    page.locator("#id_name").fill("春节调休上班")
    page.locator("#id_date").fill("2027-02-10")  # a Wednesday: refused
    with page.expect_navigation():
        page.get_by_role("button", name=_zh("Add")).tap()
    expect(page.locator(".alert-danger, .alert-block")).to_contain_text("2027")
    screenshot(page, "calendar-02-refused")
    assert not CalendarDay.objects.filter(date__year=2027, kind=CalendarDay.Kind.WORKDAY).exists()

    page.locator("#id_date").fill("2027-02-20")
    with page.expect_navigation():
        page.get_by_role("button", name=_zh("Add")).tap()
    expect(page).to_have_url(f"{live_server.url}/manage/calendar/2027/")
    expect(page.locator(".alert-success")).to_be_visible()
    group = page.locator("#calendar-entries .calendar-group", has_text="春节调休上班")
    expect(group).to_have_count(1)
    february = page.locator("#calendar-grid .col").nth(1)
    expect(february.locator("td.cal-workday")).to_have_text("20" + _zh("work", "calendar mark"))
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "sideways scrolling"
    screenshot(page, "calendar-03-added")
    assert CalendarDay.objects.get(date__year=2027, name="春节调休上班").date.day == 20
    assert workdays.is_working_day(date(2027, 2, 20))

    with page.expect_navigation():
        group.locator(".calendar-day-link").tap()
    expect(page.locator("#id_name")).to_have_value("春节调休上班")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.locator("#calendar-day-delete button").tap()
    expect(page).to_have_url(f"{live_server.url}/manage/calendar/2027/")
    expect(page.locator(".calendar-group", has_text="春节调休上班")).to_have_count(0)
    assert not CalendarDay.objects.filter(date__year=2027, name="春节调休上班").exists()
    assert not workdays.is_working_day(date(2027, 2, 20))
