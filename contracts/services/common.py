"""What the services share: reading a contract again under its lock."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from ..errors import ContractError, StaleContract
from ..models import Contract


def pk_of(value):
    return getattr(value, "pk", value)


def lock_contract(contract, by):
    """The contract locked and read again; one `by` may not see is PermissionDenied (the
    views have answered 404 already)."""
    # Lock first, then read with the joins: a row locked after waiting is re-checked by
    # PostgreSQL against the joined rows of the old snapshot, which would read a changed
    # foreign key (the current step) as empty.
    pk = pk_of(contract)
    if not list(Contract.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True)):
        raise ContractError(_("This contract no longer exists."))
    locked = (
        Contract.objects.select_related("owner", "customer", "current_step").filter(pk=pk).first()
    )
    if locked is None:
        raise ContractError(_("This contract no longer exists."))
    if not Contract.objects.visible_to(by).filter(pk=locked.pk).exists():
        raise PermissionDenied
    return locked


def check_version(contract, version):
    """A change made on what the user saw at `version` (None: not checked)."""
    if version is not None and int(version) != contract.version:
        raise StaleContract(
            _("The contract changed since you opened it; reload it and check again.")
        )


def bump(contract, *fields):
    """Save `fields` and one more version."""
    contract.version += 1
    contract.save(update_fields=[*fields, "version", "updated_at"])
