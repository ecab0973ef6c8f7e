"""The working-day calendar every app counts with, on the official 2026 arrangement."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from teams import services, workdays
from teams.models import CalendarDay
from teams.workdays import CHINA, Calendar

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("official_calendar")]

D = date


def end_of(day):
    return datetime.combine(day, time.max, tzinfo=CHINA)


# Hand-made from 国务院办公厅关于2026年部分节假日安排的通知 and a wall calendar.
IS_WORKING_DAY = [
    (D(2026, 3, 6), True, "a plain Friday"),
    (D(2026, 3, 7), False, "a plain Saturday"),
    (D(2026, 3, 8), False, "a plain Sunday"),
    (D(2026, 1, 1), False, "元旦"),
    (D(2026, 1, 4), True, "Sunday worked for 元旦"),
    (D(2026, 2, 14), True, "Saturday worked before 春节"),
    (D(2026, 2, 16), False, "春节 (Monday)"),
    (D(2026, 2, 23), False, "春节's last day (Monday)"),
    (D(2026, 2, 24), True, "back after 春节"),
    (D(2026, 2, 28), True, "Saturday worked after 春节"),
    (D(2026, 4, 6), False, "清明节 (Monday)"),
    (D(2026, 5, 5), False, "劳动节 (Tuesday)"),
    (D(2026, 5, 9), True, "Saturday worked for 劳动节"),
    (D(2026, 6, 19), False, "端午节 (Friday)"),
    (D(2026, 9, 20), True, "Sunday worked for 国庆节"),
    (D(2026, 9, 25), False, "中秋节 (Friday)"),
    (D(2026, 10, 1), False, "国庆节"),
    (D(2026, 10, 3), False, "国庆节 on a Saturday"),
    (D(2026, 10, 7), False, "国庆节's last day (Wednesday)"),
    (D(2026, 10, 8), True, "back after 国庆节"),
    (D(2026, 10, 10), True, "Saturday worked for 国庆节"),
    (D(2026, 10, 11), False, "the Sunday after"),
    (D(2027, 2, 8), False, "春节 2027, statutory (Monday)"),
    (D(2027, 6, 9), False, "端午节 2027, statutory (Wednesday)"),
    (D(2027, 9, 15), False, "中秋节 2027, statutory (Wednesday)"),
]


@pytest.mark.parametrize(("day", "working", "why"), IS_WORKING_DAY)
def test_is_working_day(day, working, why):
    assert workdays.is_working_day(day) is working, why


ADD_WORKING_DAYS = [
    # (start, days, expected, why)
    (D(2026, 9, 30), 1, D(2026, 10, 8), "across the National Day week"),
    (D(2026, 9, 30), 2, D(2026, 10, 9), "the Friday after it"),
    (D(2026, 9, 30), 3, D(2026, 10, 10), "the make-up Saturday counts"),
    (D(2026, 9, 30), 4, D(2026, 10, 12), "then the Sunday does not"),
    (D(2026, 9, 29), 3, D(2026, 10, 9), "lead screening entered the Tuesday before"),
    (D(2026, 9, 18), 1, D(2026, 9, 20), "Friday + 1 is the make-up Sunday"),
    (D(2026, 10, 3), 1, D(2026, 10, 8), "a start on a holiday counts from the next working day"),
    (D(2026, 2, 13), 1, D(2026, 2, 14), "Friday + 1 is the make-up Saturday before 春节"),
    (D(2026, 2, 13), 2, D(2026, 2, 24), "then the whole Spring Festival is skipped"),
    (D(2026, 2, 14), 1, D(2026, 2, 24), "from the make-up Saturday"),
    (D(2026, 2, 27), 1, D(2026, 2, 28), "the second make-up Saturday"),
    (D(2026, 4, 30), 5, D(2026, 5, 11), "a solution due across 劳动节 and its make-up Saturday"),
    (D(2025, 12, 31), 1, D(2026, 1, 4), "元旦, then the make-up Sunday"),
    (D(2026, 3, 6), 1, D(2026, 3, 9), "a plain weekend: Friday + 1 is Monday"),
    (D(2026, 3, 7), 1, D(2026, 3, 9), "Saturday + 1 is Monday too"),
    (D(2026, 3, 8), 3, D(2026, 3, 11), "Sunday + 3 is Wednesday, as Friday + 3"),
    (D(2026, 3, 6), 0, D(2026, 3, 6), "0 days from a working day is that day"),
    (D(2026, 3, 7), 0, D(2026, 3, 9), "0 days from a day off is the next working day"),
    (D(2026, 10, 1), 0, D(2026, 10, 8), "0 days from a holiday too"),
    (D(2026, 3, 2), 10, D(2026, 3, 16), "two plain weeks"),
]


@pytest.mark.parametrize(("start", "days", "expected", "why"), ADD_WORKING_DAYS)
def test_add_working_days(start, days, expected, why):
    assert workdays.add_working_days(start, days) == expected, why


def test_next_working_day_is_never_the_day_itself():
    assert workdays.next_working_day(D(2026, 3, 6)) == D(2026, 3, 9)
    assert workdays.next_working_day(D(2026, 9, 30)) == D(2026, 10, 8)
    assert workdays.next_working_day(D(2026, 10, 9)) == D(2026, 10, 10)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2026, 9, 30), D(2026, 9, 30), 0),
        (D(2026, 9, 30), D(2026, 10, 8), 1),
        (D(2026, 9, 30), D(2026, 10, 12), 4),
        (D(2026, 10, 12), D(2026, 9, 30), -4),
        (D(2026, 2, 13), D(2026, 2, 28), 6),  # 14th, 24th to 27th, 28th
        (D(2026, 3, 6), D(2026, 3, 8), 0),  # a weekend
        # 2026 has 261 weekdays; 19 of them are holidays and 6 weekend days are worked.
        (D(2025, 12, 31), D(2026, 12, 31), 248),
    ],
)
def test_working_days_between(start, end, expected):
    assert workdays.working_days_between(start, end) == expected


def test_counting_agrees_with_itself_day_by_day():
    """The arithmetic of working_days_between and the day-by-day add_working_days agree on
    every start of 2026 and 2027 (holidays, make-up days and year ends included)."""
    calendar = workdays.current()
    start = D(2026, 1, 1)
    while start.year < 2028:
        for days in (1, 3, 5, 15):
            end = calendar.add_working_days(start, days)
            assert calendar.working_days_between(start, end) == days, (start, days)
            assert calendar.is_working_day(end)
            walked = sum(
                calendar.is_working_day(start + timedelta(n))
                for n in range(1, (end - start).days + 1)
            )
            assert walked == days, (start, days)
        start += timedelta(days=1)


# Complaint deadlines: the end (24:00, Asia/Shanghai) of the N-th working day after the day
# the complaint was received; the hour it came in does not shorten or lengthen it.
DEADLINES = [
    # (received, working days, due day, why)
    (datetime(2026, 2, 13, 23, 50, tzinfo=CHINA), 1, D(2026, 2, 14), "critical, 23:50 Friday"),
    (datetime(2026, 2, 13, 23, 50, tzinfo=CHINA), 3, D(2026, 2, 25), "across 春节"),
    (datetime(2026, 2, 13, 23, 50, tzinfo=CHINA), 7, D(2026, 3, 2), "and the make-up 28th"),
    (datetime(2026, 2, 13, 23, 50, tzinfo=CHINA), 15, D(2026, 3, 12), "minor"),
    (datetime(2026, 2, 13, 9, 0, tzinfo=CHINA), 1, D(2026, 2, 14), "09:00 the same day"),
    (datetime(2026, 9, 30, 23, 50, tzinfo=CHINA), 1, D(2026, 10, 8), "before 国庆节"),
    (datetime(2026, 3, 6, 23, 50, tzinfo=CHINA), 1, D(2026, 3, 9), "across a plain weekend"),
    (datetime(2026, 3, 7, 10, 0, tzinfo=CHINA), 1, D(2026, 3, 9), "received on a Saturday"),
    # 15:50 UTC is 23:50 in Shanghai, still Friday; 16:30 UTC is already Saturday there.
    (datetime(2026, 2, 13, 15, 50, tzinfo=UTC), 1, D(2026, 2, 14), "given in UTC"),
    (datetime(2026, 2, 13, 16, 30, tzinfo=UTC), 1, D(2026, 2, 24), "after midnight in China"),
]


@pytest.mark.parametrize(("received", "days", "due", "why"), DEADLINES)
def test_deadline_after_working_days(received, days, due, why):
    deadline = workdays.deadline_after_working_days(received, days)
    assert deadline == end_of(due), why
    assert deadline.tzinfo == CHINA


def test_a_deadline_is_missed_only_after_the_day_ends():
    deadline = workdays.deadline_after_working_days(datetime(2026, 9, 30, 23, 50, tzinfo=CHINA), 1)
    assert datetime(2026, 10, 8, 23, 59, 59, tzinfo=CHINA) <= deadline
    assert datetime(2026, 10, 9, 0, 0, tzinfo=CHINA) > deadline


def test_wrong_arguments_are_refused():
    with pytest.raises(ValueError, match="0 or more"):
        workdays.add_working_days(D(2026, 3, 6), -1)
    with pytest.raises(ValueError, match="aware"):
        workdays.deadline_after_working_days(datetime(2026, 3, 6, 9, 0), 1)  # noqa: DTZ001
    # A datetime would never equal a listed date: refused rather than counted wrongly.
    with pytest.raises(TypeError):
        workdays.is_working_day(datetime(2026, 10, 1, 9, 0, tzinfo=CHINA))


def test_a_calendar_of_ones_own_needs_no_database(django_assert_num_queries):
    calendar = Calendar(holidays=frozenset({D(2030, 1, 1)}), workdays=frozenset({D(2030, 1, 5)}))
    with django_assert_num_queries(0):
        assert not workdays.is_working_day(D(2030, 1, 1), calendar=calendar)
        assert workdays.is_working_day(D(2030, 1, 5), calendar=calendar)
        assert workdays.add_working_days(D(2029, 12, 31), 1, calendar=calendar) == D(2030, 1, 2)
        assert workdays.working_days_between(D(2030, 1, 1), D(2030, 1, 7), calendar=calendar) == 5
        assert workdays.next_working_day(D(2030, 1, 4), calendar=calendar) == D(2030, 1, 5)
        received = datetime(2030, 1, 4, 23, 50, tzinfo=CHINA)
        deadline = workdays.deadline_after_working_days(received, 1, calendar=calendar)
        assert deadline == end_of(D(2030, 1, 5))


def test_many_calls_cost_one_query(django_assert_num_queries):
    start = D(2026, 9, 1)
    with django_assert_num_queries(1):
        due_dates = [workdays.add_working_days(start + timedelta(n), 3) for n in range(25)]
        for day in due_dates:
            workdays.is_working_day(day)
            workdays.working_days_between(start, day)
            workdays.deadline_after_working_days(datetime.combine(day, time(9), CHINA), 1)
    # Later pages (the same process) read nothing while the calendar is unchanged.
    workdays._loaded = workdays._loaded._replace(checked=0.0)  # long ago: compare versions
    with django_assert_num_queries(0):
        workdays.add_working_days(start, 3)


def test_a_change_reaches_every_caller_once_committed(
    admin_user, django_assert_num_queries, django_capture_on_commit_callbacks
):
    saturday = D(2027, 2, 20)
    assert not workdays.is_working_day(saturday)
    with django_capture_on_commit_callbacks() as callbacks:
        services.calendar_days_add(
            by=admin_user, first=saturday, kind=CalendarDay.Kind.WORKDAY, name="春节调休上班"
        )
        # Until the transaction commits, the calendar in force is the committed one.
        assert not workdays.is_working_day(saturday)
    for callback in callbacks:
        callback()
    with django_assert_num_queries(1):
        assert workdays.is_working_day(saturday)
        assert workdays.add_working_days(D(2027, 2, 19), 1) == saturday


def test_another_process_sees_the_change_within_seconds(
    admin_user, monkeypatch, django_capture_on_commit_callbacks
):
    """A process holding the old calendar (a web worker, a Celery worker) compares its version
    with the shared one every RECHECK_SECONDS and re-reads the calendar when it changed."""
    clock = [1000.0]
    monkeypatch.setattr(workdays.time, "monotonic", lambda: clock[0])
    day = D(2027, 5, 3)
    assert workdays.is_working_day(day)
    stale = workdays._loaded
    with django_capture_on_commit_callbacks(execute=True):
        services.calendar_days_add(
            by=admin_user, first=day, kind=CalendarDay.Kind.HOLIDAY, name="劳动节"
        )
    assert not workdays.is_working_day(day)  # the process that made the change: at once

    workdays._loaded = stale  # a process that read the calendar before the change
    clock[0] += workdays.RECHECK_SECONDS - 0.5
    assert workdays.is_working_day(day)
    clock[0] += 1
    assert not workdays.is_working_day(day)

    with django_capture_on_commit_callbacks(execute=True):
        services.calendar_day_delete(by=admin_user, day=CalendarDay.objects.get(date=day))
    assert workdays.is_working_day(day)


def test_edits_are_recorded_and_reach_the_calendar(admin_user, django_capture_on_commit_callbacks):
    entry = CalendarDay.objects.get(date=D(2026, 10, 10))
    with django_capture_on_commit_callbacks(execute=True):
        services.calendar_day_update(
            by=admin_user,
            day=entry,
            date=D(2026, 10, 11),
            kind=CalendarDay.Kind.WORKDAY,
            name="国庆节调休上班",
            note="",
        )
    assert not workdays.is_working_day(D(2026, 10, 10))
    assert workdays.is_working_day(D(2026, 10, 11))
    latest = entry.history.first()
    assert latest.history_user == admin_user
    assert latest.get_history_type_display() == "Changed"


def test_the_seed_is_the_official_2026_arrangement():
    holidays = set(
        CalendarDay.objects.filter(date__year=2026, kind=CalendarDay.Kind.HOLIDAY).values_list(
            "date", "name"
        )
    )

    def span(first, last, name):
        return {(first + timedelta(n), name) for n in range((last - first).days + 1)}

    assert holidays == (
        span(D(2026, 1, 1), D(2026, 1, 3), "元旦")
        | span(D(2026, 2, 15), D(2026, 2, 23), "春节")
        | span(D(2026, 4, 4), D(2026, 4, 6), "清明节")
        | span(D(2026, 5, 1), D(2026, 5, 5), "劳动节")
        | span(D(2026, 6, 19), D(2026, 6, 21), "端午节")
        | span(D(2026, 9, 25), D(2026, 9, 27), "中秋节")
        | span(D(2026, 10, 1), D(2026, 10, 7), "国庆节")
    )
    made_up = CalendarDay.objects.filter(date__year=2026, kind=CalendarDay.Kind.WORKDAY)
    assert sorted(made_up.values_list("date", flat=True)) == [
        D(2026, 1, 4),
        D(2026, 2, 14),
        D(2026, 2, 28),
        D(2026, 5, 9),
        D(2026, 9, 20),
        D(2026, 10, 10),
    ]


def test_2027_has_its_statutory_holidays_and_no_invented_make_up_day():
    entries = CalendarDay.objects.filter(date__year=2027)
    assert not entries.filter(kind=CalendarDay.Kind.WORKDAY).exists()
    assert sorted(entries.values_list("date", flat=True)) == [
        D(2027, 1, 1),
        D(2027, 2, 5),  # 除夕
        D(2027, 2, 6),  # 初一
        D(2027, 2, 7),
        D(2027, 2, 8),  # 初三
        D(2027, 4, 5),  # 清明
        D(2027, 5, 1),
        D(2027, 5, 2),
        D(2027, 6, 9),  # 端午 (五月初五)
        D(2027, 9, 15),  # 中秋 (八月十五)
        D(2027, 10, 1),
        D(2027, 10, 2),
        D(2027, 10, 3),
    ]
    # Each says that the State Council's 调休 for 2027 is still to be entered.
    assert all("须由管理员补录" in entry.note for entry in entries)
