"""The reminder engine: every registered rule has a schedule and a beat entry, `run_reminders`
runs all or one (or only lists them with --dry-run), a failing reminder is recorded in the run
while the others go out, and two runs at the same moment on two database connections create
each notification once."""

import threading
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.utils import timezone, translation

from crm_site import hooks
from customers.models import Customer
from notifications import engine
from notifications.kinds import Kind
from notifications.models import Notification, RuleRun
from notifications.tasks import run_rule_task
from tests.factories import CustomerFactory

from .helpers import at

WED = at(2026, 12, 2)


def _due_today(owner, count=1):
    customers = CustomerFactory.create_batch(count, owner=owner)
    Customer.objects.filter(pk__in=[c.pk for c in customers]).update(
        next_followup_due=timezone.localdate()
    )
    return customers


def test_every_rule_has_a_schedule_and_a_beat_entry():
    names = set(engine.all_rules())
    assert names >= {
        "customers.followups_due",
        "customers.followups_overdue_team",
        "customers.tasks_due",
        "opportunities.solutions_overdue",
        "opportunities.approvals_waiting",
    }
    assert set(settings.REMINDER_SCHEDULES) == names
    for name in names:
        entry = settings.CELERY_BEAT_SCHEDULE[f"reminder-{name}"]
        assert entry["task"] == run_rule_task.name and entry["args"] == [name]
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai"


@pytest.mark.django_db
def test_the_command_runs_every_rule_once(rep):
    _due_today(rep, 2)
    out = StringIO()
    call_command("run_reminders", "--dry-run", stdout=out)
    assert "customers.followups_due: 2 to send, 0 sent" in out.getvalue()
    assert not Notification.objects.exists() and not RuleRun.objects.exists()
    call_command("run_reminders", stdout=StringIO())
    call_command("run_reminders", "--rule", "customers.followups_due", stdout=StringIO())
    assert Notification.objects.filter(kind=Kind.FOLLOWUP_DUE).count() == 2
    runs = RuleRun.objects.filter(rule="customers.followups_due").order_by("pk")
    assert [r.created for r in runs] == [2, 0]
    assert RuleRun.objects.count() == len(engine.all_rules()) + 1
    out = StringIO()
    call_command("run_reminders", "--dry-run", "--rule", "customers.followups_due", stdout=out)
    assert "0 to send, 2 sent" in out.getvalue()
    with pytest.raises(CommandError, match="unknown rule"):
        call_command("run_reminders", "--rule", "nonsense")


@pytest.mark.django_db
def test_a_failing_reminder_is_recorded_and_the_others_go_out(rep):
    def flaky(*, now, thresholds):
        yield hooks.Reminder(rep, Kind.TASK_DUE, "good", "Task due: %(task)s", {"task": "a"})
        yield hooks.Reminder(rep, Kind.TASK_DUE, "bad", "Task due: %(task)s", {"task": object()})
        yield hooks.Reminder(rep, Kind.TASK_DUE, "also-good", "Task due: %(task)s", {"task": "c"})
        raise RuntimeError("the rule broke")

    rule = hooks.ReminderRule("test.flaky", "flaky", flaky)
    with hooks.register_temporarily(hooks.REMINDER_RULES, rule):
        record = engine.run("test.flaky", now=WED)
        with pytest.raises(CommandError):
            call_command(
                "run_reminders", "--rule", "test.flaky", stdout=StringIO(), stderr=StringIO()
            )
    assert record.created == 2
    assert "test.flaky/bad/" in record.errors and "the rule broke" in record.errors
    assert Notification.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 50])
def test_a_rerun_costs_the_same_few_queries_however_many_were_sent(
    rep, rows, django_assert_num_queries
):
    _due_today(rep, rows)
    engine.run("customers.followups_due")
    # the settings row, the run's insert and update, the customers, the existing keys
    with django_assert_num_queries(5):
        assert engine.run("customers.followups_due").created == 0


@pytest.mark.django_db
def test_the_task_runs_a_rule(rep):
    _due_today(rep)
    assert run_rule_task.apply(args=["customers.followups_due"]).get() == 1
    assert run_rule_task.apply(args=["customers.followups_due"]).get() == 0


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_create_each_notification_once(rep):
    """Two beats (or a beat and an admin's "run now") on two real connections."""
    _due_today(rep, 40)
    start = threading.Barrier(2, timeout=10)
    results = {}

    def run(label):
        try:
            connection.ensure_connection()
            start.wait()
            with translation.override("en"):
                results[label] = engine.run("customers.followups_due").created
        except Exception as error:  # noqa: BLE001 - the test looks at it
            results[label] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(label,)) for label in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
        assert not thread.is_alive()
    assert all(isinstance(count, int) for count in results.values()), results
    assert results["a"] + results["b"] == 40
    assert Notification.objects.count() == 40
    assert Notification.objects.values("key").distinct().count() == 40
