"""What the delivery services share: the contract locked, the plan made on first use."""

from contracts.services.common import lock_contract

from ..models import Plan


def locked(contract, by):
    """The contract, locked and read again (PermissionDenied when `by` cannot see it)."""
    return lock_contract(contract, by)


def plan_of(contract, by):
    plan, _created = Plan.objects.get_or_create(contract=contract, defaults={"created_by": by})
    return plan
