"""Two calls at the same moment, each in its own thread on its own database connection.

The first pauses inside its transaction, right after `module.name` returned (it holds the row
locks taken so far), until the second is seen waiting for a lock (pg_stat_activity on
PostgreSQL, which CI runs; SQLite lets one writing transaction in at a time, so there the
first pauses a moment instead). Used by the race tests of opportunities and contracts."""

import threading
import time

from django.db import connection, connections
from django.utils import translation

TIMEOUT = 10


def _another_connection_waits_on_a_lock():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def _hold_until_the_other_waits():
    if connection.vendor != "postgresql":
        time.sleep(0.5)
        return
    deadline = time.monotonic() + TIMEOUT
    while not _another_connection_waits_on_a_lock():
        if time.monotonic() > deadline:
            return  # it never waited: the assertions tell whether it should have
        time.sleep(0.02)


def at_once(monkeypatch, module, name, first, second, *, hold=True):
    """Run `first` and `second` in two threads; returns what each returned or raised. With
    `hold=False` the first does not wait for the second to wait (they touch no common row)."""
    original = getattr(module, name)
    holding = threading.Event()

    def paused(*args, **kwargs):
        result = original(*args, **kwargs)
        if threading.current_thread().name == "first" and not holding.is_set():
            holding.set()
            if hold:
                _hold_until_the_other_waits()
        return result

    monkeypatch.setattr(module, name, paused)
    start = threading.Barrier(2, timeout=TIMEOUT)
    results = {}

    def run(label, action):
        try:
            connection.ensure_connection()
            start.wait()
            if label == "second" and not holding.wait(TIMEOUT):
                raise AssertionError("the first never reached its pause")
            with translation.override("en"):
                results[label] = action()
        except Exception as error:  # noqa: BLE001 - the test looks at what was raised
            results[label] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(label, action), name=label)
        for label, action in (("first", first), ("second", second))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT * 3)
        assert not thread.is_alive(), "a thread hung"
    return results["first"], results["second"]
