"""What the delivery services raise when a rule is broken; `str(error)` is the message for the
user (translated). Views catch `crm_site.errors.DomainError`."""

from crm_site.errors import DomainError
from crm_site.transitions import InvalidTransition

__all__ = ["DeliveryError", "InvalidInput", "InvalidTransition"]


class DeliveryError(DomainError):
    """A rule of delivery was broken."""


class InvalidInput(DeliveryError):
    """Values that break a rule of `validation.py`: `errors` is {field: [messages]}."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__(" ".join(str(m) for messages in errors.values() for m in messages))
