"""Development on one machine: `make run`. Works with no environment at all."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
# Only for a developer's machine; production.py has no default.
SECRET_KEY = env("SECRET_KEY", default="local-dev-only-not-secret-5f1c9e2b7a4d")  # noqa: S105
