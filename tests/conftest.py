"""Shared fixtures: the team tree and one user per role."""

import importlib
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from crm_site.celery import app as celery_app
from teams import access, workdays
from teams.models import CalendarDay, Role, Team

from .factories import TeamFactory, UserFactory
from .factories.teams import PASSWORD

# Playwright's sync API runs an event loop in the test thread; the ORM calls beside it are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def pytest_configure(config):
    """With REQUIRE_SERVICES=1 (CI) a missing PostgreSQL, Redis or Chromium fails the run."""
    if os.environ.get("REQUIRE_SERVICES") != "1":
        return

    problems = []
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        problems.append(f"DATABASE_URL must point at PostgreSQL, the engine is {engine}")
    else:
        import psycopg

        db = settings.DATABASES["default"]
        try:
            psycopg.connect(
                host=db["HOST"],
                port=db["PORT"] or 5432,
                user=db["USER"],
                dbname="postgres",
                password=db["PASSWORD"],
                connect_timeout=3,
            ).close()
        except psycopg.Error as error:
            problems.append(f"PostgreSQL does not answer: {error}")
    broker = settings.CELERY_BROKER_URL
    if not broker.startswith("redis://"):
        problems.append(f"the Celery broker must be Redis, it is {broker}")
    else:
        import redis

        try:
            redis.Redis.from_url(broker, socket_connect_timeout=3).ping()
        except redis.RedisError as error:
            problems.append(f"Redis does not answer: {error}")
    if not os.path.exists(CHROMIUM):
        problems.append("Debian's chromium is not installed")
    if problems:
        raise pytest.UsageError("REQUIRE_SERVICES=1 but " + "; ".join(problems))


# Tests that start a server or a process, or drive the browser: `make test` runs them in a
# second, single-process pass after the parallel one (see pyproject's `serial` marker).
SERIAL_FIXTURES = {"worker", "live_server"}
E2E_DIR = Path(__file__).resolve().parent / "e2e"


def pytest_collection_modifyitems(config, items):
    for item in items:
        uses = set(getattr(item, "fixturenames", ()))
        if uses & SERIAL_FIXTURES or E2E_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.serial)


@pytest.fixture
def org(db):
    """Company → east (team A, team B) and south (team C)."""
    company = TeamFactory(name="Company", kind=Team.Kind.COMPANY)
    east = TeamFactory(name="East", kind=Team.Kind.REGION, parent=company)
    south = TeamFactory(name="South", kind=Team.Kind.REGION, parent=company)
    return {
        "company": company,
        "east": east,
        "south": south,
        "team_a": TeamFactory(name="Team A", parent=east),
        "team_b": TeamFactory(name="Team B", parent=east),
        "team_c": TeamFactory(name="Team C", parent=south),
    }


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def rep(org):
    return UserFactory(username="rep", role=Role.SALES_REP, team=org["team_a"])


@pytest.fixture
def other_rep(org):
    """A rep in a sibling team: nothing of theirs is visible to `rep` or `manager`."""
    return UserFactory(username="other_rep", role=Role.SALES_REP, team=org["team_c"])


@pytest.fixture
def manager(org):
    user = UserFactory(username="manager", role=Role.SALES_MANAGER, team=org["team_a"])
    org["team_a"].manager = user
    org["team_a"].save()
    return user


@pytest.fixture
def legal(org):
    return UserFactory(username="legal", role=Role.LEGAL, team=org["company"])


@pytest.fixture
def general_manager(org):
    return UserFactory(username="gm", role=Role.GENERAL_MANAGER, team=org["company"])


@pytest.fixture
def director(org):
    return UserFactory(username="director", role=Role.DIRECTOR, team=org["company"])


@pytest.fixture
def delivery(org):
    return UserFactory(username="delivery", role=Role.DELIVERY, team=org["company"])


@pytest.fixture
def aftersales(org):
    return UserFactory(username="aftersales", role=Role.AFTERSALES, team=org["company"])


@pytest.fixture
def admin_user(org):
    return UserFactory(username="admin", role=Role.ADMIN, team=org["company"])


ROLE_FIXTURES = [
    "rep",
    "manager",
    "legal",
    "general_manager",
    "director",
    "delivery",
    "aftersales",
    "admin_user",
]


@pytest.fixture(autouse=True, scope="session")
def partial_contexts():
    """The test client records the context a django-template-partials partial rendered with
    (`page.html#rows`, `customers/partials.html#name`), as Django's test setup does for a
    whole template, so `response.context` works for the answers htmx gets too."""
    from django.test.signals import template_rendered
    from template_partials.templatetags.partials import TemplateProxy

    render = TemplateProxy._render

    def instrumented(self, context):
        template_rendered.send(sender=self, template=self, context=context)
        return render(self, context)

    TemplateProxy._render = instrumented
    yield
    TemplateProxy._render = render


@pytest.fixture(autouse=True)
def english():
    """Code outside a request (services, tasks) speaks English in tests; pages pick their
    language per request as for a user (see `client`)."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fresh_workdays():
    """The working-day calendar is read afresh in each test: the database rolls back after a
    test, the process's copy and the cached version would not."""
    workdays.forget()
    yield
    workdays.forget()


@pytest.fixture(scope="session")
def role_table(django_db_setup, django_db_blocker):
    """The roles as the migrations seed them, read once per process (so no page's pinned query
    count pays for the first read)."""
    with django_db_blocker.unblock():
        access.refresh()
        access.table()
    return access.snapshot()


@pytest.fixture(autouse=True)
def fresh_roles(role_table):
    """A test that changed roles leaves the seeded ones behind it: the database rolls back (or
    is flushed and seeded again), the process's copy and the cached version would not."""
    access.restore(role_table)
    yield
    if access.snapshot() is not role_table:
        access.restore(role_table)


@pytest.fixture
def official_calendar(db):
    """The holidays and make-up working days the migrations seed (2026 as published, 2027's
    statutory holidays). An earlier transactional test (live server, worker) flushes them."""
    if not CalendarDay.objects.exists():
        importlib.import_module("teams.migrations.0005_calendar_seed").seed_days(django_apps)


@pytest.fixture
def client():
    """The test client reads English pages; tests of the Chinese default make their own."""
    return Client(headers={"accept-language": "en"})


@pytest.fixture(autouse=True)
def media_root(tmp_path):
    """Files the app writes (queued exports) go to a folder of each test's own."""
    path = tmp_path / "media"
    with override_settings(MEDIA_ROOT=path):
        yield path


@pytest.fixture
def sent_tasks(monkeypatch):
    """What the outbox hands to the broker, recorded instead of sent: (task, args, kwargs)."""
    sent = []

    def send_task(name, args=None, kwargs=None, **options):
        sent.append((name, list(args or ()), dict(kwargs or {})))

    monkeypatch.setattr(celery_app, "send_task", send_task)
    return sent


def login_through_form(client, username, password):
    """Log in the way a person does (through axes and the login form)."""
    return client.post(reverse("login"), {"username": username, "password": password})


ROOT = Path(__file__).resolve().parents[1]


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
    env["MEDIA_ROOT"] = str(settings.MEDIA_ROOT)
    env["DJANGO_SETTINGS_MODULE"] = "crm_site.settings.test"
    return env


@pytest.fixture
def worker(transactional_db):
    """A `celery worker` process on the test database; stopped after the test.

    What this process publishes without naming a queue (the outbox) goes to the worker's
    queue while the test runs."""
    # A queue of its own, so a developer's running worker cannot take the task, and no message
    # left over from an earlier test reaches this one.
    queue = f"test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    default_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
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
    celery_app.conf.task_default_queue = default_queue
    process.terminate()
    try:
        output, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    print(output)


def wait_until(condition, timeout=60):
    """Poll `condition` (what a worker process does shows up in the database) until it holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still not true after {timeout} s: {condition.__doc__ or ''}")
        time.sleep(0.2)


# An address where nothing listens: connecting is refused at once.
REFUSING_BROKER = "redis://127.0.0.1:1/0"


@pytest.fixture
def silent_broker():
    """A broker address that accepts connections and never answers (a hung Redis, a
    firewall eating packets)."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)
    held, stop = [], threading.Event()

    def accept():
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


@pytest.fixture(params=["refusing", "silent"])
def unreachable_broker(request):
    """Each broker failure in turn: one that refuses connections, one that never answers."""
    if request.param == "refusing":
        return REFUSING_BROKER
    return request.getfixturevalue("silent_broker")


@contextmanager
def broker_at(url, *, results=None):
    """This process's Celery broker at `url` and its result store at `results` (by default the
    same); a worker process started by the `worker` fixture keeps the real ones."""
    conf = celery_app.conf
    saved = {"broker_url": conf.broker_url, "result_backend": conf.result_backend}
    conf.update(broker_url=url, result_backend=results or url)
    _forget_celery_connections()
    try:
        yield
    finally:
        conf.update(saved)
        _forget_celery_connections()


def _forget_celery_connections():
    # The app keeps its producer pool and its result store (per thread) from the first use.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app._backend_cache = None
    celery_app._local.__dict__.pop("backend", None)
