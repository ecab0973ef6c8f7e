"""Analytics reads go to the `replica` database (a PostgreSQL streaming replica) when one is
configured (DATABASE_REPLICA_URL), so that a director's year-long dashboard never competes
with the reps' writes; without one they stay on `default`.

Only what runs inside `replica_reads()` is routed (the dashboard and the analysis export):
the rest of a request (session, user, messages) and every write use `default`."""

import contextvars
from contextlib import contextmanager

from django.conf import settings

REPLICA = "replica"

_reading = contextvars.ContextVar("analytics_replica_reads", default=False)


@contextmanager
def replica_reads():
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def read_alias():
    """The alias analytics reads use now: `replica` inside replica_reads() when configured."""
    return REPLICA if _reading.get() and REPLICA in settings.DATABASES else "default"


class AnalyticsRouter:
    def db_for_read(self, model, **hints):
        alias = read_alias()
        return alias if alias == REPLICA else None

    def db_for_write(self, model, **hints):
        return None

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary.
        if {obj1._state.db, obj2._state.db} <= {"default", REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db == REPLICA else None
