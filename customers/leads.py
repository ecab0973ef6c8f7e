"""When a lead is due for screening: 3 working days after the day it was entered (the entry
day not counted), on the working-day calendar (teams/workdays.py)."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from teams import workdays

SCREENING_DAYS = 3


def due_on(created_at):
    return workdays.add_working_days(timezone.localdate(created_at), SCREENING_DAYS)


def overdue_before(today):
    """The moment before which a lead entered is overdue today: the start of the day after
    the last entry day whose due date is before `today` (due dates only grow with the day)."""
    day = today
    while workdays.add_working_days(day, SCREENING_DAYS) >= today:
        day -= timedelta(days=1)
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
