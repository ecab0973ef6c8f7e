"""The outbox: work enqueued from a request is written with the change that calls for it,
published once that commits, and kept until the broker takes it."""

import io
import logging
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from crm_site.celery import app
from teams import outbox
from teams.models import OutboxMessage
from teams.tasks import clear_expired_sessions_task, outbox_flush_task, outbox_purge_task
from tests.conftest import REFUSING_BROKER, broker_at

pytestmark = pytest.mark.django_db

TASK = clear_expired_sessions_task.name


def test_enqueued_work_is_written_in_the_transaction_and_sent_once_it_commits(
    sent_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        message = outbox.enqueue(clear_expired_sessions_task, 7, "x", day="2026-03-31")
        assert sent_tasks == []  # never from inside the open transaction
    assert sent_tasks == [(TASK, [7, "x"], {"day": "2026-03-31"})]
    message.refresh_from_db()
    assert message.published_at is not None
    assert (message.attempts, message.last_error) == (1, "")
    assert list(outbox.waiting()) == []


def test_work_of_a_rolled_back_change_is_neither_kept_nor_sent(
    sent_tasks, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ZeroDivisionError),
        transaction.atomic(),
    ):
        outbox.enqueue(clear_expired_sessions_task)
        1 / 0  # noqa: B018
    assert sent_tasks == []
    assert not OutboxMessage.objects.exists()


def test_an_unreachable_broker_leaves_the_work_waiting_without_an_error(
    unreachable_broker, django_capture_on_commit_callbacks, caplog
):
    with broker_at(unreachable_broker):
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            message = outbox.enqueue(clear_expired_sessions_task)
        seconds = time.monotonic() - started
    assert seconds < 1.5
    message.refresh_from_db()
    assert message.published_at is None
    assert message.attempts == 1
    assert message.last_error.startswith("OperationalError: ")
    assert list(outbox.waiting()) == [message]
    assert "waits: the broker did not take it" in caplog.text


def test_the_flush_sends_what_waits_oldest_first_and_only_once(sent_tasks):
    first = outbox.enqueue(clear_expired_sessions_task, 1)  # the test's transaction never
    second = outbox.enqueue(clear_expired_sessions_task, 2)  # commits: both wait
    assert outbox.flush() == 2
    assert [args for _, args, _ in sent_tasks] == [[1], [2]]
    for message in (first, second):
        message.refresh_from_db()
        assert message.published_at is not None
    assert outbox.flush() == 0  # published rows are not sent again
    assert len(sent_tasks) == 2


def test_the_flush_stops_at_the_first_broker_error_and_keeps_the_rest(monkeypatch):
    messages = [outbox.enqueue(clear_expired_sessions_task, n) for n in range(3)]
    calls = []

    def send_task(name, args=None, **options):
        calls.append(args)
        if len(calls) == 2:
            raise OperationalError("Connection refused")

    monkeypatch.setattr(app, "send_task", send_task)
    assert outbox.flush() == 1
    assert calls == [[0], [1]]  # the third was not tried against a failing broker
    for message in messages:
        message.refresh_from_db()
    assert [m.published_at is not None for m in messages] == [True, False, False]
    assert (messages[1].attempts, messages[1].last_error) == (
        1,
        "OperationalError: Connection refused",
    )
    assert messages[2].attempts == 0


def test_a_message_that_fails_for_another_reason_does_not_hold_up_the_rest(monkeypatch, caplog):
    broken, fine = (outbox.enqueue(clear_expired_sessions_task, n) for n in range(2))

    def send_task(name, args=None, **options):
        if args == [0]:
            raise ValueError("cannot encode")

    monkeypatch.setattr(app, "send_task", send_task)
    with caplog.at_level(logging.ERROR):
        assert outbox.flush() == 1
    broken.refresh_from_db()
    fine.refresh_from_db()
    assert (broken.published_at, broken.last_error) == (None, "ValueError: cannot encode")
    assert fine.published_at is not None


def test_the_flush_reaches_every_waiting_row_in_batches(sent_tasks):
    for n in range(5):
        outbox.enqueue(clear_expired_sessions_task, n)
    assert outbox.flush(batch_size=2) == 5
    assert [args for _, args, _ in sent_tasks] == [[n] for n in range(5)]


def test_the_flush_task_and_command_publish_what_waits(sent_tasks):
    outbox.enqueue(clear_expired_sessions_task, 1)
    assert outbox_flush_task() == 1
    outbox.enqueue(clear_expired_sessions_task, 2)
    out = io.StringIO()
    call_command("outbox_flush", stdout=out)
    assert "1 published; none waiting." in out.getvalue()
    assert len(sent_tasks) == 2


def test_the_command_fails_while_the_broker_does_not_answer():
    outbox.enqueue(clear_expired_sessions_task)
    with broker_at(REFUSING_BROKER), pytest.raises(CommandError) as error:
        call_command("outbox_flush", stdout=io.StringIO())
    assert "0 published; 1 still waiting, the broker did not take them: " in str(error.value)
    assert "Connection refused" in str(error.value)


def test_published_rows_are_forgotten_after_a_week(sent_tasks):
    old, recent = (outbox.enqueue(clear_expired_sessions_task, n) for n in range(2))
    outbox.flush()
    OutboxMessage.objects.filter(pk=old.pk).update(published_at=timezone.now() - timedelta(days=8))
    waiting = outbox.enqueue(clear_expired_sessions_task, 3)
    OutboxMessage.objects.filter(pk=waiting.pk).update(
        created_at=timezone.now() - timedelta(days=30)
    )
    assert outbox_purge_task() == 1
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}


ROOT = Path(__file__).resolve().parents[2]


def test_apps_hand_work_to_celery_only_through_the_outbox():
    """A `.delay()` or `apply_async()` from app code would wait on the broker in a request and
    lose the work when it is down."""
    direct = re.compile(r"\.(delay|apply_async|send_task)(_on_commit)?\b")
    folders = [ROOT / "crm_site"] + [
        Path(config.path)
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(ROOT)
    ]
    assert ROOT / "customers" in folders
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in folders
        for path in sorted(folder.rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if direct.search(line) and path != ROOT / "teams" / "outbox.py"
    ]
    assert found == []
