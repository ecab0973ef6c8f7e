"""The customers app's domain error: what its services raise when a rule is broken."""

from crm_site.errors import DomainError


class CustomerError(DomainError):
    """A rule was broken; the message is for the user."""
