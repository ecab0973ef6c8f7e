"""A real Celery worker runs a real task end to end against the configured broker.

In CI the broker is Redis and the database PostgreSQL; on a fresh machine both are the
embedded defaults (kombu's filesystem transport, SQLite), and the same test runs there.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from crm_site.celery import app
from teams import outbox
from teams.tasks import clear_expired_sessions_task, outbox_flush_task
from tests.conftest import REFUSING_BROKER, broker_at, wait_until


def test_worker_runs_the_session_cleanup_task(worker):
    now = timezone.now()
    Session.objects.create(session_key="old", session_data="x", expire_date=now - timedelta(1))
    Session.objects.create(session_key="live", session_data="x", expire_date=now + timedelta(1))

    # Results are not stored unless asked for (CELERY_TASK_IGNORE_RESULT).
    result = clear_expired_sessions_task.apply_async(queue=worker, ignore_result=False)
    assert result.get(timeout=60) == 1

    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]


def test_a_task_enqueued_through_the_outbox_runs_on_a_real_worker(worker):
    """Published when the transaction commits, with the result store unreachable: nothing
    on the way to the broker touches it."""
    Session.objects.create(
        session_key="old", session_data="x", expire_date=timezone.now() - timedelta(1)
    )
    with (
        broker_at(settings.CELERY_BROKER_URL, results=REFUSING_BROKER),
        transaction.atomic(),
    ):
        message = outbox.enqueue(clear_expired_sessions_task)
        assert message.published_at is None
    message.refresh_from_db()
    assert message.published_at is not None
    assert (message.attempts, message.last_error) == (1, "")

    def cleared():
        """the worker deleted the expired session"""
        return not Session.objects.exists()

    wait_until(cleared)


def test_task_is_idempotent(db):
    Session.objects.create(
        session_key="old", session_data="x", expire_date=timezone.now() - timedelta(1)
    )
    assert clear_expired_sessions_task() == 1
    assert clear_expired_sessions_task() == 0


def test_beat_schedule_names_registered_tasks():
    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]


def test_beat_flushes_the_outbox_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["outbox-flush"]
    assert entry["task"] == outbox_flush_task.name
    assert entry["schedule"] == timedelta(minutes=1)
