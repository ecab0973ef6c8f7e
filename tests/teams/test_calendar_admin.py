"""Admins keep the working-day calendar on /manage/calendar/; nobody else reaches it."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from teams import workdays
from teams.models import CalendarDay
from tests.conftest import ROLE_FIXTURES

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("official_calendar")]

NON_ADMIN_ROLES = [r for r in ROLE_FIXTURES if r != "admin_user"]
NATIONAL_DAY = date(2026, 10, 1)


def entry(day):
    return CalendarDay.objects.get(date=day)


def add(client, **data):
    return client.post(reverse("teams:calendarday-create"), {"note": "", "last": "", **data})


def errors(response):
    return " ".join(response.context["form"].non_field_errors())


@pytest.mark.parametrize("role_fixture", NON_ADMIN_ROLES)
def test_every_other_role_gets_403_and_changes_nothing(request, client, role_fixture):
    client.force_login(request.getfixturevalue(role_fixture))
    day = entry(NATIONAL_DAY)
    before = CalendarDay.objects.count()
    for url in [
        reverse("teams:calendar"),
        reverse("teams:calendar-year", args=[2026]),
        reverse("teams:calendarday-create"),
        reverse("teams:calendarday-update", args=[day.pk]),
    ]:
        assert client.get(url).status_code == 403, url
    new = {"kind": CalendarDay.Kind.HOLIDAY, "name": "x", "date": "2027-05-03"}
    assert add(client, **new).status_code == 403
    edit = reverse("teams:calendarday-update", args=[day.pk])
    assert client.post(edit, {**new, "date": "2026-10-01"}).status_code == 403
    delete = reverse("teams:calendarday-delete", args=[day.pk])
    assert client.post(delete).status_code == 403
    assert CalendarDay.objects.count() == before
    assert entry(NATIONAL_DAY).name == "国庆节"


def test_the_navbar_offers_the_calendar_to_admins_only(client, admin_user, rep):
    url = reverse("teams:calendar")
    client.force_login(rep)
    assert url not in client.get(reverse("home")).content.decode()
    client.force_login(admin_user)
    assert f'href="{url}"' in client.get(reverse("home")).content.decode()


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("teams:calendar"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_year_page_lists_the_year_and_grids_its_months(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("teams:calendar-year", args=[2026]))
    assert response.status_code == 200
    assert [e.date for e in response.context["entries"]][:3] == [
        date(2026, 1, 1),
        date(2026, 1, 2),
        date(2026, 1, 3),
    ]
    assert response.context["working_days"] == 248
    october = response.context["months"][9]
    cells = {cell["day"]: cell for week in october["weeks"] for cell in week if cell}
    assert cells[date(2026, 10, 1)]["css"] == "cal-holiday"
    assert cells[date(2026, 10, 10)]["css"] == "cal-workday"
    assert cells[date(2026, 10, 11)]["css"] == "cal-weekend"
    assert cells[date(2026, 10, 12)]["css"] == "cal-working"
    assert response.context["notices"] == []
    html = response.content.decode()
    assert "国庆节调休上班" in html
    assert 'id="calendar-grid"' in html


def test_2027_asks_for_its_make_up_days(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("teams:calendar-year", args=[2027]))
    assert "No make-up working day is listed for 2027" in response.content.decode()
    empty = client.get(reverse("teams:calendar-year", args=[2031]))
    assert "Nothing is listed for 2031" in empty.content.decode()


def test_years_outside_the_calendar_are_not_found(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("teams:calendar-year", args=[1999])).status_code == 404
    assert client.get(reverse("teams:calendar-year", args=[2101])).status_code == 404


def test_year_page_query_count_does_not_grow_with_entries(
    client, admin_user, django_assert_num_queries
):
    client.force_login(admin_user)
    client.get(reverse("teams:calendar-year", args=[2031]))  # warm the session
    with django_assert_num_queries(4) as empty:
        client.get(reverse("teams:calendar-year", args=[2031]))
    with django_assert_num_queries(len(empty.captured_queries)):
        client.get(reverse("teams:calendar-year", args=[2026]))


def test_admin_adds_a_range_that_counts_at_once(
    client, admin_user, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    assert workdays.is_working_day(date(2027, 5, 3))
    with django_capture_on_commit_callbacks(execute=True):
        response = add(
            client,
            kind=CalendarDay.Kind.HOLIDAY,
            name="劳动节",
            date="2027-05-03",
            last="2027-05-05",
            note="test",
        )
    assert response.status_code == 302
    assert response.url == reverse("teams:calendar-year", args=[2027])
    added = CalendarDay.objects.filter(date__range=(date(2027, 5, 3), date(2027, 5, 5)))
    assert [(e.name, e.kind) for e in added] == [("劳动节", CalendarDay.Kind.HOLIDAY)] * 3
    assert {e.history.get().history_user for e in added} == {admin_user}
    # The calendar every app counts with has it now (the cached copy was renewed).
    assert not workdays.is_working_day(date(2027, 5, 3))
    assert workdays.add_working_days(date(2027, 4, 30), 1) == date(2027, 5, 6)

    page = client.get(response.url)
    assert "3 days were added to the calendar." in page.content.decode()
    assert [row["name"] for row in page.context["history"][:3]] == ["劳动节"] * 3
    assert page.context["history"][0]["who"] == admin_user


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"kind": CalendarDay.Kind.WORKDAY, "date": "2027-02-10"},
            "is a weekday and so a working day already: a make-up working day is a Saturday "
            "or Sunday.",
        ),
        (
            {"kind": CalendarDay.Kind.HOLIDAY, "date": "2026-10-01"},
            "is already listed as Public holiday (国庆节): change that entry instead.",
        ),
        (
            # One listed day in a range refuses the whole range.
            {"kind": CalendarDay.Kind.HOLIDAY, "date": "2026-09-28", "last": "2026-10-02"},
            "is already listed as Public holiday (国庆节)",
        ),
        (
            {"kind": CalendarDay.Kind.HOLIDAY, "date": "1999-12-31"},
            "The calendar holds dates from 2000 to 2100;",
        ),
        (
            {"kind": CalendarDay.Kind.HOLIDAY, "date": "2101-01-01"},
            "The calendar holds dates from 2000 to 2100;",
        ),
        (
            {"kind": CalendarDay.Kind.HOLIDAY, "date": "2027-05-05", "last": "2027-05-03"},
            "The last day is before the first day.",
        ),
        (
            {"kind": CalendarDay.Kind.HOLIDAY, "date": "2027-01-01", "last": "2027-03-01"},
            "One entry covers at most 31 days; this range has 60.",
        ),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(client, admin_user, data, message):
    client.force_login(admin_user)
    before = list(CalendarDay.objects.values_list("date", "kind", "name"))
    response = add(client, name="测试", **data)
    assert response.status_code == 200
    assert message in errors(response)
    assert list(CalendarDay.objects.values_list("date", "kind", "name")) == before


def test_an_edit_onto_a_listed_date_is_refused(client, admin_user):
    client.force_login(admin_user)
    day = entry(date(2026, 10, 10))
    url = reverse("teams:calendarday-update", args=[day.pk])
    data = {"kind": CalendarDay.Kind.HOLIDAY, "name": "国庆节", "note": ""}
    response = client.post(url, {**data, "date": "2026-10-07"})
    assert "is already listed as Public holiday (国庆节)" in errors(response)
    assert entry(date(2026, 10, 10)).kind == CalendarDay.Kind.WORKDAY
    # Keeping its own date is no conflict; a make-up day cannot be moved onto a weekday.
    response = client.post(url, {**data, "kind": CalendarDay.Kind.WORKDAY, "date": "2026-10-09"})
    assert "is a weekday and so a working day already" in errors(response)
    response = client.post(url, {**data, "date": "2026-10-10"})
    assert response.status_code == 302
    assert entry(date(2026, 10, 10)).kind == CalendarDay.Kind.HOLIDAY


def test_admin_edits_and_removes_with_history(
    client, admin_user, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    day = entry(date(2027, 6, 9))
    form = client.get(reverse("teams:calendarday-update", args=[day.pk]))
    assert form.context["form"].initial["name"] == "端午节"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("teams:calendarday-update", args=[day.pk]),
            {"kind": CalendarDay.Kind.HOLIDAY, "name": "端午节", "date": "2027-06-09", "note": ""},
        )
        response = client.post(reverse("teams:calendarday-delete", args=[day.pk]))
    assert response.url == reverse("teams:calendar-year", args=[2027])
    assert not CalendarDay.objects.filter(pk=day.pk).exists()
    assert workdays.is_working_day(date(2027, 6, 9))
    history = client.get(response.url).context["history"]
    assert [(row["kind"], row["who"]) for row in history[:2]] == [
        ("Deleted", admin_user),
        ("Changed", admin_user),
    ]


def test_the_chinese_page(admin_user):
    client = Client(headers={"accept-language": "zh-hans"})
    client.force_login(admin_user)
    html = client.get(reverse("teams:calendar-year", args=[2026])).content.decode()
    with translation.override("zh-hans"):
        for text in ["Working days", "Make-up working day", "Public holiday", "Weekend"]:
            assert translation.gettext(text) != text, text
            assert translation.gettext(text) in html, text
        assert translation.pgettext("calendar mark", "off") == "休"
        assert translation.pgettext("calendar mark", "work") == "班"
    assert '<span class="cal-mark">班</span>' in html
    assert "十月" in html
    form = client.get(reverse("teams:calendarday-create")).content.decode()
    assert "调休上班日" in form
