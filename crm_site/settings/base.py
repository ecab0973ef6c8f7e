"""Settings shared by every environment; values come from the environment (or `.env`)."""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "crm_site.apps.CrmAdminConfig",  # django.contrib.admin, superusers only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "template_partials",
    "rules",
    "simple_history",
    "axes",
    "csp",
    "teams",
    "customers",
    "opportunities",
    "contracts",
    "delivery",
    "aftersales",
    "analytics",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The roles and their capabilities as they are when the request starts (one cache read).
    "teams.access.RoleAccessMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so a lockout answers before any view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "crm_site.urls"
WSGI_APPLICATION = "crm_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "teams.context_processors.navigation",
            ],
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'crm.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite has no row locks, one writer at a time: a transaction that begins IMMEDIATE takes
    # the write lock first, so a second one waits for it (select_for_update's part) instead of
    # failing halfway with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
# A read replica for analytics (analytics/router.py); without one its reads use `default`.
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["analytics.router.AnalyticsRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "teams.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "teams.backends.LoginBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes: 5 failures for one username from one address lock that pair for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
# WhiteNoise warns on every start when the folder is missing (before the first collectstatic).
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "/media/"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# No inline script anywhere: every script is a file under /static/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)
X_FRAME_OPTIONS = "DENY"

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="crm@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where emails and group-robot messages link to (no request there to build the address from).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# A team's group robot (WeCom, DingTalk) that does not answer within this is retried later.
NOTIFICATION_WEBHOOK_TIMEOUT_SECONDS = env.float("NOTIFICATION_WEBHOOK_TIMEOUT_SECONDS", default=5)

# Celery. Without REDIS_URL/CELERY_BROKER_URL the broker is kombu's filesystem transport under
# var/, so a fresh machine runs web, worker and beat with no server to install.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    for _folder in ("queue", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    _default_results = f"file://{VAR_DIR / 'celery-results'}"
    (VAR_DIR / "celery-results").mkdir(parents=True, exist_ok=True)
else:
    # Nothing waits on Redis without a bound: a hung Redis (accepting, never answering) fails a
    # command after socket_timeout instead of holding the worker or beat for ever.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": 2,
        "socket_timeout": 10,
        "socket_keepalive": True,
    }
    _default_results = REDIS_URL or CELERY_BROKER_URL
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=_default_results)

# Shared by every process (web workers, Celery), so a value such as the working-day calendar's
# version reaches them all: Redis when there is one, else files under var/ (one machine).
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "crm",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
CELERY_RESULT_EXPIRES = timedelta(days=1)
# No task's result is read (work is enqueued through teams.outbox, which returns no result), so
# none is stored and nothing in a request touches the result store. A caller that does read
# one (a test) asks for it with apply_async(ignore_result=False); these bound its waits.
CELERY_TASK_IGNORE_RESULT = True
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_REDIS_SOCKET_TIMEOUT = 10
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {"max_retries": 2}}
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    # What a request enqueued while the broker was down (teams.outbox).
    "outbox-flush": {
        "task": "teams.tasks.outbox_flush_task",
        "schedule": timedelta(minutes=1),
        "options": {"expires": 50},
    },
    "outbox-purge": {
        "task": "teams.tasks.outbox_purge_task",
        "schedule": crontab(hour=3, minute=45),
    },
    # Notifications whose readers chose the morning digest email.
    "notification-digest": {
        "task": "notifications.tasks.send_digests_task",
        "schedule": crontab(hour=7, minute=30),
    },
    "clear-expired-sessions": {
        "task": "teams.tasks.clear_expired_sessions_task",
        "schedule": crontab(hour=3, minute=30),
    },
    "purge-customer-exports": {
        "task": "customers.tasks.purge_exports_task",
        "schedule": crontab(minute=15),
    },
    # The customer pools' reclaim (公海回收) and its warnings, before the working day.
    "pool-reclaim": {
        "task": "customers.tasks.pool_reclaim_task",
        "schedule": crontab(hour=4, minute=30),
    },
    # The quarterly grade review, for the quarter that just ended.
    "grade-review": {
        "task": "customers.tasks.grade_review_task",
        "schedule": crontab(minute=0, hour=2, day_of_month=1, month_of_year="1,4,7,10"),
    },
    # After-sales: region assignments for new customers, then the quarter's revisits and the
    # anniversaries, renewals 90 days ahead; complaint breaches every ten minutes.
    "aftersales-regions": {
        "task": "aftersales.tasks.apply_regions_task",
        "schedule": crontab(minute=40, hour=5),
    },
    "aftersales-revisits": {
        "task": "aftersales.tasks.schedule_revisits_task",
        "schedule": crontab(minute=0, hour=6),
    },
    "aftersales-renewals": {
        "task": "aftersales.tasks.propose_renewals_task",
        "schedule": crontab(minute=20, hour=6),
    },
    "aftersales-breaches": {
        "task": "aftersales.tasks.flag_breaches_task",
        "schedule": crontab(minute="*/10"),
        "options": {"expires": 9 * 60},
    },
    # The KPI dashboard's summaries: what changed, every five minutes (the dashboard shows
    # "data as of"); everything rebuilt at night (deleted rows, dates edited back).
    "analytics-summaries-refresh": {
        "task": "analytics.tasks.refresh_summaries_task",
        "schedule": timedelta(minutes=5),
        "options": {"expires": 4 * 60},
    },
    "analytics-summaries-rebuild": {
        "task": "analytics.tasks.rebuild_summaries_task",
        "schedule": crontab(hour=2, minute=30),
    },
}

# The reminder rules (REMINDER_RULES hooks): when each runs, as crontab fields in Asia/Shanghai.
# A rule reads the database, so a missed run is caught up by the next one; on a day off the
# rules send nothing and the next working day's run catches up.
REMINDER_SCHEDULES = {
    "customers.followups_due": {"hour": "8", "minute": "0"},
    "customers.followups_overdue_team": {"hour": "8", "minute": "30"},
    "customers.tasks_due": {"hour": "8", "minute": "5"},
    "customers.leads_unscreened": {"hour": "8", "minute": "35"},
    # After the pools' reclaim (04:30), which writes the warnings this rule reads.
    "customers.reclaim_warnings": {"hour": "8", "minute": "40"},
    "customers.grade_review_ready": {"hour": "8", "minute": "45"},
    "opportunities.solutions_overdue": {"hour": "8", "minute": "10"},
    "opportunities.approvals_waiting": {"hour": "9-18", "minute": "20"},
    "contracts.instalments_due": {"hour": "8", "minute": "15"},
    "contracts.instalments_overdue": {"hour": "8", "minute": "20"},
    "contracts.approvals_waiting": {"hour": "9-18", "minute": "25"},
    # Hourly, every day: a complaint's reply deadline runs through weekends too.
    "aftersales.complaint_deadlines": {"hour": "*", "minute": "35"},
    "aftersales.revisits_due": {"hour": "8", "minute": "50"},
    "delivery.phases_late": {"hour": "8", "minute": "55"},
}
for _rule, _schedule in REMINDER_SCHEDULES.items():
    CELERY_BEAT_SCHEDULE[f"reminder-{_rule}"] = {
        "task": "notifications.tasks.run_rule_task",
        "schedule": crontab(**_schedule),
        "args": [_rule],
        "options": {"expires": 60 * 60},
    }

HEALTHZ_TIMEOUT_SECONDS = 1.5
# A request's publish to the broker (teams.outbox) gives up after this, per connect or read, and
# leaves the task in the outbox for the flush; a broker that never answers costs about this.
OUTBOX_PUBLISH_TIMEOUT_SECONDS = 0.5
# A customer export of more rows than this is written by a Celery worker, not in the request.
CUSTOMER_EXPORT_DIRECT_ROWS = env.int("CUSTOMER_EXPORT_DIRECT_ROWS", default=2000)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # axes logs every successful login at INFO.
    "loggers": {"axes": {"level": "WARNING"}},
}

# Covering indexes (INCLUDE) serve PostgreSQL's index-only scans; the embedded SQLite default
# builds them without the extra columns, which is all it needs.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
