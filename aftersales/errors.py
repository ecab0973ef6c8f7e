"""What the after-sales services raise when a rule is broken; `str(error)` is the message for
the user (translated). Views catch `crm_site.errors.DomainError`."""

from crm_site.errors import DomainError
from crm_site.transitions import InvalidTransition

__all__ = ["AftersalesError", "InvalidTransition"]


class AftersalesError(DomainError):
    """A rule of assignments, revisits, complaints or satisfaction was broken."""
