"""Delegation: an approver away names a delegate for a date range.

    delegation_create(*, approver, delegate, starts_on, ends_on, by, today=None) -> Delegation

The approver themself (or an admin) names it; the delegate is another active user; the range
is in order and does not end in the past. The delegate decides the approver's steps in that
range, and each decision records both names (permissions.acting_as)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from teams import roles

from ..errors import InvalidInput
from ..models import Delegation
from ..querysets import forget_delegations


@transaction.atomic
def delegation_create(*, approver, delegate, starts_on, ends_on, by, today=None):
    if by.pk != approver.pk and not roles.has_role(by, roles.ADMIN_ROLES):
        raise PermissionDenied
    today = today or timezone.localdate()
    errors = {}
    if delegate is None or not delegate.is_active:
        errors["delegate"] = [_("Choose an active colleague as the delegate.")]
    elif delegate.pk == approver.pk:
        errors["delegate"] = [_("Nobody delegates to themself.")]
    if starts_on is None or ends_on is None:
        errors["ends_on"] = [_("Enter the first and the last day.")]
    elif ends_on < starts_on:
        errors["ends_on"] = [_("The last day is before the first.")]
    elif ends_on < today:
        errors["ends_on"] = [_("This range is over already.")]
    if errors:
        raise InvalidInput(errors)
    forget_delegations(delegate)
    return Delegation.objects.create(
        approver=approver, delegate=delegate, starts_on=starts_on, ends_on=ends_on
    )
