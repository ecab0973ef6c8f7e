"""An amount an approved change (需求变更, the delivery app) adds to a signed contract.

    contract_amend(*, contract, by, amount, reason) -> ContractAmendment
    payment_plan_gap(contract) -> Decimal

The contract amount grows (or shrinks) by it and its version moves on; the payment plan is
left as it was, so it no longer adds up: the rep re-balances it (`payment_plan_set`), never
this service silently."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from ..errors import ContractError, InvalidInput
from ..models import Contract, ContractAmendment, Instalment
from ..permissions import can_progress_contract, manages_contract
from .common import bump, lock_contract

ZERO = Decimal("0.00")


@transaction.atomic
def contract_amend(*, contract, by, amount, reason):
    """Who may move the contract through delivery amends it, while signed or in delivery."""
    contract = lock_contract(contract, by)
    if not can_progress_contract(by, contract):
        if contract.status not in Contract.SIGNED_STATES and manages_contract(by, contract):
            raise ContractError(
                _("The amount of a contract that is “%(status)s” cannot change.")
                % {"status": contract.get_status_display()}
            )
        raise PermissionDenied
    amount = Decimal(amount or 0).quantize(Decimal("0.01"))
    if not amount:
        raise InvalidInput({"amount": [_("An amendment changes the amount; enter it.")]})
    if contract.amount + amount < 0:
        raise InvalidInput(
            {"amount": [_("The amendment would take the contract amount below zero.")]}
        )
    amendment = ContractAmendment.objects.create(
        contract=contract, amount=amount, amount_before=contract.amount, reason=reason, by=by
    )
    contract.amount += amount
    bump(contract, "amount")
    return amendment


def payment_plan_gap(contract):
    """The contract amount less its instalments: what the plan must still absorb (zero when
    it adds up, or when there is no plan yet)."""
    planned = Instalment.objects.filter(contract=contract).aggregate(total=Sum("amount"))["total"]
    return ZERO if planned is None else contract.amount - planned
