"""The contracts app's models, one module per area (imported here for Django and for
`from contracts.models import …`)."""

from .approval import ApprovalDecision, ApprovalRound, ApprovalStep, Delegation
from .contract import (
    Attachment,
    Contract,
    ContractAmendment,
    ContractCounter,
    ContractLine,
    ContractStatusChange,
)
from .payments import CollectionChange, Instalment, Invoice, Payment

__all__ = [
    "ApprovalDecision",
    "ApprovalRound",
    "ApprovalStep",
    "Attachment",
    "CollectionChange",
    "Contract",
    "ContractAmendment",
    "ContractCounter",
    "ContractLine",
    "ContractStatusChange",
    "Delegation",
    "Instalment",
    "Invoice",
    "Payment",
]
