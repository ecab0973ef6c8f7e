"""A real Celery worker runs a real task end to end against the configured broker.

In CI the broker is Redis and the database PostgreSQL; on a fresh machine both are the
embedded defaults (kombu's filesystem transport, SQLite), and the same test runs there.
"""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from crm_site.celery import app
from teams.tasks import clear_expired_sessions_task

ROOT = Path(__file__).resolve().parents[2]


def _worker_env():
    env = dict(os.environ)
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        env["DATABASE_URL"] = f"sqlite:///{db['NAME']}"
    else:
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        )
    env["CELERY_BROKER_URL"] = settings.CELERY_BROKER_URL
    env["CELERY_RESULT_BACKEND"] = settings.CELERY_RESULT_BACKEND
    env["DJANGO_SETTINGS_MODULE"] = "crm_site.settings.test"
    return env


@pytest.fixture
def worker(transactional_db):
    """A `celery worker` process on the test database; stopped after the test."""
    # A queue of its own, so a developer's running worker cannot take the task.
    queue = f"test-{os.getpid()}"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "crm_site",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "-Q",
            queue,
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=ROOT,
        env=_worker_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield queue
    process.terminate()
    try:
        output, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    print(output)


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
