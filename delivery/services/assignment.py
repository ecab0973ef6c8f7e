"""Delivery leads and the delivery team of a contract.

delivery_lead_set(*, user, by, lead) -> bool
delivery_assign(*, contract, by, owner, members) -> [Assignment]
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from teams import roles

from ..errors import DeliveryError, InvalidInput
from ..models import Assignment, DeliveryLead
from ..permissions import can_assign, can_mark_leads
from .common import locked


def _is_delivery_user(user):
    return user is not None and user.is_active and user.role in roles.DELIVERS


@transaction.atomic
def delivery_lead_set(*, user, by, lead):
    """Mark (`lead=True`) or unmark a delivery user as lead; an admin's action."""
    if not can_mark_leads(by):
        raise PermissionDenied
    if lead:
        if not _is_delivery_user(user):
            raise DeliveryError(_("Only an active delivery user can be a delivery lead."))
        DeliveryLead.objects.get_or_create(user=user, defaults={"marked_by": by})
    else:
        DeliveryLead.objects.filter(user=user).delete()
    return lead


@transaction.atomic
def delivery_assign(*, contract, by, owner, members=()):
    """A lead sets the contract's delivery owner and team members (the whole team at once:
    who is left out loses the seat, and with it the sight of the contract)."""
    contract = locked(contract, by)
    if not can_assign(by, contract):
        if not roles.has_role(by, roles.DELIVERS):
            raise PermissionDenied
        raise DeliveryError(
            _("Only a delivery lead assigns a signed contract; this one is “%(status)s”.")
            % {"status": contract.get_status_display()}
        )
    members = [m for m in dict.fromkeys(members) if owner is None or m.pk != owner.pk]
    errors = {}
    if not _is_delivery_user(owner):
        errors["owner"] = [_("Choose an active delivery user as the delivery owner.")]
    if any(not _is_delivery_user(member) for member in members):
        errors["members"] = [_("Team members are active delivery users.")]
    if errors:
        raise InvalidInput(errors)
    wanted = {owner.pk: Assignment.Kind.OWNER} | {m.pk: Assignment.Kind.MEMBER for m in members}
    current = {a.user_id: a for a in Assignment.objects.filter(contract=contract)}
    Assignment.objects.filter(contract=contract).exclude(user_id__in=wanted).delete()
    # The owner's seat first freed, then taken: one owner per contract at every moment.
    Assignment.objects.filter(contract=contract, kind=Assignment.Kind.OWNER).exclude(
        user_id=owner.pk
    ).update(kind=Assignment.Kind.MEMBER)
    for user_id, kind in wanted.items():
        seat = current.get(user_id)
        if seat is None:
            Assignment.objects.create(contract=contract, user_id=user_id, kind=kind, assigned_by=by)
        elif seat.kind != kind:
            Assignment.objects.filter(pk=seat.pk).update(kind=kind, assigned_by=by)
    return list(Assignment.objects.filter(contract=contract).select_related("user"))
