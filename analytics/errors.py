"""What the analytics services raise; `str(error)` is the message for the user."""

from django.core.exceptions import PermissionDenied

from crm_site.errors import DomainError


class AnalyticsError(DomainError):
    """A rule of targets, expenses, budgets or scorecards was broken."""


class InvalidInput(AnalyticsError):
    """Values that break a rule of `validation.py`: `errors` is {field: [messages]}."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__(" ".join(str(m) for messages in errors.values() for m in messages))


class NotAllowed(AnalyticsError, PermissionDenied):
    """The user may not do this (a rep deciding on an expense): the view answers 403."""
