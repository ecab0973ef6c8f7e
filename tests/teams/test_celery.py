"""A real Celery worker runs a real task end to end against the configured broker.

In CI the broker is Redis and the database PostgreSQL; on a fresh machine both are the
embedded defaults (kombu's filesystem transport, SQLite), and the same test runs there.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from crm_site.celery import app
from teams.tasks import clear_expired_sessions_task


def test_worker_runs_the_session_cleanup_task(worker):
    now = timezone.now()
    Session.objects.create(session_key="old", session_data="x", expire_date=now - timedelta(1))
    Session.objects.create(session_key="live", session_data="x", expire_date=now + timedelta(1))

    result = clear_expired_sessions_task.apply_async(queue=worker)
    assert result.get(timeout=60) == 1

    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]


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
