"""The test suite: SQLite under var/ unless DATABASE_URL says otherwise."""

import os

from .base import *  # noqa: F403
from .base import CACHES, DATABASES, VAR_DIR, env

DEBUG = False
SECRET_KEY = env("SECRET_KEY", default="test-only-not-secret-0b8e4c1d")  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["*"]

# Each pytest-xdist process keeps its own cache: every test forgets the working-day calendar's
# cached version, and another process doing so mid-test made a cached read query again.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker:
    if "LOCATION" in CACHES["default"] and "filebased" in CACHES["default"]["BACKEND"]:
        CACHES["default"]["LOCATION"] = str(VAR_DIR / "cache" / _worker)
    CACHES["default"]["KEY_PREFIX"] = f"{CACHES['default'].get('KEY_PREFIX', '')}{_worker}"

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not :memory:, so a real Celery worker process can open the same test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

# The analytics replica as a mirror of the test database, so that the tests see the dashboard's
# reads go to it (analytics/router.py); a test reading it declares both databases. PostgreSQL
# only, as in production: on SQLite a test's transaction on a second connection to the same
# file waits for the first one's write lock, and the dashboard reads `default`.
if not DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}

# Serve static files straight from the source folders (no collectstatic in tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
