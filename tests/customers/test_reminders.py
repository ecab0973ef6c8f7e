"""The customers app's reminder rules, each as a table of cases at a fixed `now` (Asia/Shanghai)
on the official calendar: 2026-12-02 is a Wednesday; 2026-10-01 to 10-07 is the National Day
holiday with 10-10 (a Saturday) a make-up working day."""

from datetime import date

import pytest

from customers.models import Customer, Task
from tests.factories import CustomerFactory, TaskFactory, UserFactory
from tests.notifications.helpers import at, run

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("official_calendar")]

WED = at(2026, 12, 2)


def _customer(owner, due, name="Acme"):
    customer = CustomerFactory(owner=owner, name=name)
    Customer.objects.filter(pk=customer.pk).update(next_followup_due=due)
    return customer


@pytest.mark.parametrize(
    ("now", "due", "expected"),
    [
        (WED, date(2026, 12, 2), ["Follow-up due today: Acme"]),
        (WED, date(2026, 11, 20), ["Follow-up overdue since 2026-11-20: Acme"]),
        (WED, date(2026, 12, 3), []),
        (at(2026, 12, 5), date(2026, 12, 4), []),  # a Saturday: nothing goes out
        (at(2026, 10, 3), date(2026, 10, 2), []),  # the holiday week
        (at(2026, 10, 8), date(2026, 10, 2), ["Follow-up overdue since 2026-10-02: Acme"]),
        (at(2026, 10, 10), date(2026, 10, 10), ["Follow-up due today: Acme"]),  # make-up day
    ],
)
def test_followups_due_go_to_the_owner(rep, now, due, expected):
    _customer(rep, due)
    assert run("customers.followups_due", now) == [("rep", title) for title in expected]


def test_a_followup_is_reminded_once_per_due_date(rep):
    customer = _customer(rep, date(2026, 12, 1))
    assert len(run("customers.followups_due", WED)) == 1
    assert run("customers.followups_due", at(2026, 12, 3)) == []  # still the same due date
    Customer.objects.filter(pk=customer.pk).update(next_followup_due=date(2026, 12, 3))
    assert run("customers.followups_due", at(2026, 12, 3)) == [("rep", "Follow-up due today: Acme")]


def test_a_deactivated_owners_followups_go_to_their_manager(rep, manager):
    _customer(rep, date(2026, 12, 2))
    rep.is_active = False
    rep.save()
    assert run("customers.followups_due", WED) == [("manager", "Follow-up due today: Acme")]


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (date(2026, 11, 20), ["Customers of your team overdue by more than 7 days: 1"]),
        (date(2026, 11, 25), []),  # overdue 7 days: not more than 7
        (date(2026, 12, 1), []),
    ],
)
def test_long_overdue_followups_reach_the_manager(rep, manager, due, expected):
    _customer(rep, due)
    assert run("customers.followups_overdue_team", WED) == [
        ("manager", title) for title in expected
    ]


def test_the_managers_digest_is_weekly(rep, manager):
    _customer(rep, date(2026, 11, 1), name="Acme")
    _customer(rep, date(2026, 11, 2), name="Beta")
    [(who, title)] = run("customers.followups_overdue_team", at(2026, 11, 30))  # Monday
    assert (who, title) == ("manager", "Customers of your team overdue by more than 7 days: 2")
    assert run("customers.followups_overdue_team", WED) == []  # the same week
    assert len(run("customers.followups_overdue_team", at(2026, 12, 7))) == 1  # next week


def test_the_digest_waits_for_the_first_working_day_of_a_holiday_week(rep, manager):
    _customer(rep, date(2026, 9, 1))
    for holiday in (at(2026, 10, 5), at(2026, 10, 6), at(2026, 10, 7)):
        assert run("customers.followups_overdue_team", holiday) == []
    assert len(run("customers.followups_overdue_team", at(2026, 10, 8))) == 1


def test_the_digest_threshold_is_an_admin_setting(rep, manager):
    from notifications.models import ReminderSettings

    _customer(rep, date(2026, 11, 28))
    assert run("customers.followups_overdue_team", WED) == []
    ReminderSettings.objects.update_or_create(pk=1, defaults={"followup_manager_days": 3})
    assert run("customers.followups_overdue_team", WED) == [
        ("manager", "Customers of your team overdue by more than 3 days: 1")
    ]


@pytest.mark.parametrize(
    ("now", "due", "expected"),
    [
        (WED, date(2026, 12, 3), ["Task due 2026-12-03: Send the offer (Acme)"]),
        (WED, date(2026, 12, 2), ["Task due 2026-12-02: Send the offer (Acme)"]),
        (WED, date(2026, 11, 30), ["Task overdue since 2026-11-30: Send the offer (Acme)"]),
        (WED, date(2026, 12, 4), []),
        # Friday: the next working day is Monday
        (at(2026, 12, 4), date(2026, 12, 7), ["Task due 2026-12-07: Send the offer (Acme)"]),
        (at(2026, 12, 4), date(2026, 12, 8), []),
        # the last working day before the holiday covers it and the first day back
        (at(2026, 9, 30), date(2026, 10, 8), ["Task due 2026-10-08: Send the offer (Acme)"]),
        (at(2026, 9, 30), date(2026, 10, 9), []),
        (at(2026, 10, 5), date(2026, 10, 1), []),  # a holiday: nothing goes out
    ],
)
def test_tasks_due_go_to_their_owner(rep, now, due, expected):
    TaskFactory(
        customer=CustomerFactory(owner=rep, name="Acme"), title="Send the offer", due_date=due
    )
    assert run("customers.tasks_due", now) == [("rep", title) for title in expected]


def test_done_tasks_are_not_reminded_and_the_owner_is_the_tasks(rep, manager):
    customer = CustomerFactory(owner=rep, name="Acme")
    TaskFactory(customer=customer, title="Done", due_date=date(2026, 12, 1), done_at=WED)
    TaskFactory(customer=customer, owner=manager, title="Visit", due_date=date(2026, 12, 2))
    assert run("customers.tasks_due", WED) == [("manager", "Task due 2026-12-02: Visit (Acme)")]
    assert Task.objects.count() == 2


def test_a_free_standing_task_is_reminded_without_a_customer(rep):
    TaskFactory(customer=None, owner=rep, title="Write the report", due_date=date(2026, 12, 2))
    assert run("customers.tasks_due", WED) == [("rep", "Task due 2026-12-02: Write the report")]


def test_a_deactivated_user_with_no_manager_is_skipped(org):
    loner = UserFactory(username="loner", team=org["team_c"], is_active=False)
    TaskFactory(customer=CustomerFactory(owner=loner), due_date=date(2026, 12, 2))
    assert run("customers.tasks_due", WED) == []
