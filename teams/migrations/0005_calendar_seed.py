"""The official holiday arrangements the calendar starts with.

2026: 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04), holidays and make-up working days
as published. 2027: the State Council's notice could not be obtained when this was written, so
only the statutory holidays of the 2024 revision of 《全国年节及纪念日放假办法》 are seeded (lunar
dates checked against a lunar calendar: 除夕 2月5日, 端午 6月9日, 中秋 9月15日; 清明 4月5日).
No 2027 make-up working day or day off in lieu is invented: an admin enters them from the notice.
"""

from datetime import date, timedelta

from django.db import migrations
from django.utils import timezone
from django.utils.translation import gettext_noop

from teams.roles import sync_role_groups

NOTICE_2026 = "国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）"
STATUTORY_2027 = (
    "按《全国年节及纪念日放假办法》（2024年修订）录入的法定假日；国务院2027年放假调休安排"
    "（调休上班日、补假）录入时未能取得，公布后须由管理员补录。"
)


def _days(first, last=None):
    last = last or first
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


# (date, kind, name, note); kinds are CalendarDay.Kind values, frozen here.
SEED = [
    *[(d, "holiday", "元旦", NOTICE_2026) for d in _days(date(2026, 1, 1), date(2026, 1, 3))],
    (date(2026, 1, 4), "workday", "元旦调休上班", NOTICE_2026),
    *[(d, "holiday", "春节", NOTICE_2026) for d in _days(date(2026, 2, 15), date(2026, 2, 23))],
    (date(2026, 2, 14), "workday", "春节调休上班", NOTICE_2026),
    (date(2026, 2, 28), "workday", "春节调休上班", NOTICE_2026),
    *[(d, "holiday", "清明节", NOTICE_2026) for d in _days(date(2026, 4, 4), date(2026, 4, 6))],
    *[(d, "holiday", "劳动节", NOTICE_2026) for d in _days(date(2026, 5, 1), date(2026, 5, 5))],
    (date(2026, 5, 9), "workday", "劳动节调休上班", NOTICE_2026),
    *[(d, "holiday", "端午节", NOTICE_2026) for d in _days(date(2026, 6, 19), date(2026, 6, 21))],
    *[(d, "holiday", "中秋节", NOTICE_2026) for d in _days(date(2026, 9, 25), date(2026, 9, 27))],
    *[(d, "holiday", "国庆节", NOTICE_2026) for d in _days(date(2026, 10, 1), date(2026, 10, 7))],
    (date(2026, 9, 20), "workday", "国庆节调休上班", NOTICE_2026),
    (date(2026, 10, 10), "workday", "国庆节调休上班", NOTICE_2026),
    (date(2027, 1, 1), "holiday", "元旦", STATUTORY_2027),
    *[(d, "holiday", "春节", STATUTORY_2027) for d in _days(date(2027, 2, 5), date(2027, 2, 8))],
    (date(2027, 4, 5), "holiday", "清明节", STATUTORY_2027),
    *[(d, "holiday", "劳动节", STATUTORY_2027) for d in _days(date(2027, 5, 1), date(2027, 5, 2))],
    (date(2027, 6, 9), "holiday", "端午节", STATUTORY_2027),
    (date(2027, 9, 15), "holiday", "中秋节", STATUTORY_2027),
    *[(d, "holiday", "国庆节", STATUTORY_2027) for d in _days(date(2027, 10, 1), date(2027, 10, 3))],
]

# Stored untranslated, translated when shown (as the services' change reasons).
REASONS = {
    2026: gettext_noop("Official 2026 arrangement"),
    2027: gettext_noop("Statutory 2027 holidays; make-up working days still to be entered"),
}

PERMISSIONS = {
    "admin": [
        "teams.view_calendarday",
        "teams.add_calendarday",
        "teams.change_calendarday",
        "teams.delete_calendarday",
    ]
}


def seed_days(apps):
    """Also used by tests whose database was flushed by an earlier transactional test."""
    calendar_day = apps.get_model("teams", "CalendarDay")
    historical = apps.get_model("teams", "HistoricalCalendarDay")
    now = timezone.now()
    for day, kind, name, note in SEED:
        row, created = calendar_day.objects.get_or_create(
            date=day, defaults={"kind": kind, "name": name, "note": note}
        )
        if created:
            # The audit trail starts with where each row came from.
            historical.objects.create(
                id=row.pk,
                date=day,
                kind=kind,
                name=name,
                note=note,
                history_date=now,
                history_type="+",
                history_change_reason=REASONS[day.year],
            )


def seed(apps, schema_editor):
    seed_days(apps)
    sync_role_groups(apps, PERMISSIONS)


def unseed(apps, schema_editor):
    apps.get_model("teams", "CalendarDay").objects.filter(
        date__in=[day for day, *_ in SEED]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("teams", "0004_calendar_day")]

    operations = [migrations.RunPython(seed, unseed)]
