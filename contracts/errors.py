"""What the contracts services raise when a rule is broken; `str(error)` is the message for
the user (translated). Views catch `crm_site.errors.DomainError`."""

from crm_site.errors import DomainError
from crm_site.transitions import InvalidTransition

__all__ = ["ContractError", "InvalidInput", "InvalidTransition", "NotYourTurn", "StaleContract"]


class ContractError(DomainError):
    """A rule of contracts, their approval, payment plan or payments was broken."""


class InvalidInput(ContractError):
    """Values that break a rule of `validation.py`: `errors` is {field: [messages]}."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__(" ".join(str(m) for messages in errors.values() for m in messages))


class NotYourTurn(ContractError):
    """The contract is not waiting for this user's decision (out of turn, own contract, acted
    already in this round, or not an approver of the step)."""


class StaleContract(ContractError):
    """The contract or its approval round changed since the user saw it."""
