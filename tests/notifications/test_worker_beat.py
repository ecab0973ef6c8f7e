"""Reminders end to end on the real parts: a `celery beat` process schedules a rule, a real
worker runs it against the test database, and the reminder exists once however often beat
fires; with the broker down, "run now" answers at once, the work waits in the outbox, and the
reminder appears once the broker answers again.

In CI the broker is Redis and the database PostgreSQL; on a fresh machine the embedded
defaults (kombu's filesystem transport, SQLite) run the same tests."""

import importlib
import io
import subprocess
import sys
import textwrap
import time

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from notifications.kinds import Kind
from notifications.models import Notification, RuleRun
from teams import outbox, workdays
from teams.models import CalendarDay
from tests.conftest import REFUSING_BROKER, ROOT, _worker_env, broker_at, wait_until
from tests.factories import CustomerFactory

RULE = "customers.followups_due"


@pytest.fixture
def working_today(transactional_db):
    """The follow-up rule sends nothing on a day off: a run on a weekend makes today a
    make-up working day (调休), as an admin would."""
    today = timezone.localdate()
    if not workdays.is_working_day(today):
        CalendarDay.objects.create(date=today, kind=CalendarDay.Kind.WORKDAY, name="test")
        workdays.calendar_changed()
    yield today
    workdays.forget()


@pytest.fixture
def beat(worker, tmp_path):
    """A `celery beat` process that sends the rule to the worker's queue every second."""
    code = textwrap.dedent(
        f"""
        from crm_site.celery import app
        app.conf.beat_schedule = {{
            "test-rule": {{
                "task": "notifications.tasks.run_rule_task",
                "schedule": 1.0,
                "args": [{RULE!r}],
                "options": {{"queue": {worker!r}}},
            }}
        }}
        app.Beat(schedule={str(tmp_path / "beat-schedule")!r}, max_interval=1,
                 loglevel="INFO").run()
        """
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_worker_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield process
    process.terminate()
    try:
        output, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    print(output)


def _reminders(user):
    return Notification.objects.filter(recipient=user, kind=Kind.FOLLOWUP_DUE)


def test_beat_and_a_worker_send_a_due_follow_up_once(working_today, beat, rep):
    customer = CustomerFactory(owner=rep, name="节拍客户", overdue=True)

    def sent():
        """the worker created the reminder"""
        return _reminders(rep).exists()

    wait_until(sent)
    first = RuleRun.objects.filter(rule=RULE).count()

    def ran_again():
        """beat fired the rule twice more"""
        return RuleRun.objects.filter(rule=RULE, finished_at__isnull=False).count() >= first + 2

    wait_until(ran_again)
    reminder = _reminders(rep).get()
    assert reminder.args["customer"] == customer.name
    assert reminder.url == reverse("customers:customer-detail", args=[customer.pk])


def test_with_the_broker_down_run_now_answers_at_once_and_the_reminder_follows(
    working_today, worker, client, admin_user, rep
):
    CustomerFactory(owner=rep, overdue=True)
    client.force_login(admin_user)
    # Warm (templates compiled, catalogues loaded, and on the embedded default the Redis
    # transport imported for the unreachable address): what is timed is the broker's share.
    importlib.import_module("kombu.transport.redis")
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("notifications:rule-list")).status_code == 200
    with broker_at(REFUSING_BROKER):
        started = time.monotonic()
        response = client.post(reverse("notifications:rule-run", args=[RULE]))
        assert time.monotonic() - started < 1
        assert response.status_code == 302
        started = time.monotonic()
        assert client.get(reverse("home")).status_code == 200
        assert time.monotonic() - started < 1
        waiting = [(message.task, message.args) for message in outbox.waiting()]
        assert waiting == [("notifications.tasks.run_rule_task", [RULE])]
    assert not _reminders(rep).exists()

    call_command("outbox_flush", stdout=io.StringIO())
    assert list(outbox.waiting()) == []

    def sent():
        """the worker ran the rule once the broker answered"""
        return _reminders(rep).exists()

    wait_until(sent)
    assert _reminders(rep).count() == 1
