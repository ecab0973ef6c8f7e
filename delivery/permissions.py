"""Who may do what in delivery. Which records a user sees at all is `visible_to(user)` (who
sees the contract); these predicates decide actions on what the user already sees. Services
check them again; templates use them for buttons.

- mark delivery leads: admins;
- assign a signed contract's delivery owner and team: a delivery lead;
- plan, phases, progress notes, change requests, acceptance, completing the contract: the
  contract's delivery owner and team members, and the leads, while the contract is signed or
  in delivery;
- approve or reject a change request: a delivery lead (the delivery manager);
- the rep, their manager, directors, the general manager and admins read only.
"""

import rules

from teams import access, roles

from . import capabilities
from .models import Assignment, DeliveryLead


def is_delivery_lead(user):
    """A delivery-role user an admin marked as lead (read once per request and kept on the
    user object)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    if user.role not in roles.DELIVERS:
        return False
    cached = getattr(user, "_delivery_lead", None)
    if cached is None:
        cached = DeliveryLead.objects.filter(user=user).exists()
        user._delivery_lead = cached
    return cached


def seat_of(user, contract, seats=None):
    """The user's Assignment.Kind on the contract, or None. `seats` ({user id: kind}) saves
    the query when the page has read the team already."""
    if not user.is_authenticated or contract is None:
        return None
    if seats is None:
        seats = dict(
            Assignment.objects.filter(contract=contract, user=user).values_list("user_id", "kind")
        )
    return seats.get(user.pk)


def _working(contract):
    return contract is not None and contract.status in (
        contract.Status.SIGNED,
        contract.Status.IN_DELIVERY,
    )


@rules.predicate
def works_in_delivery(user):
    """The delivery area in the navbar: delivery staff, and who sees all."""
    return access.has_capability(user, capabilities.VIEW)


@rules.predicate
def can_mark_leads(user):
    return access.has_capability(user, capabilities.MARK_LEADS)


@rules.predicate
def can_assign(user, contract):
    return _working(contract) and is_delivery_lead(user)


def delivers(user, contract, seats=None):
    """On the contract's delivery team, or a lead (whatever the contract's status)."""
    if not roles.has_role(user, roles.DELIVERS):
        return False
    return is_delivery_lead(user) or seat_of(user, contract, seats) is not None


def can_work_on(user, contract, seats=None):
    """Plan, phases, notes, change requests, acceptance, completion."""
    return _working(contract) and delivers(user, contract, seats)


@rules.predicate
def can_decide_change(user, change):
    return (
        change is not None
        and change.is_pending
        and _working(change.plan.contract)
        and is_delivery_lead(user)
    )


def can_record_acceptance(user, contract, seats=None):
    return (
        contract is not None
        and contract.status == contract.Status.IN_DELIVERY
        and delivers(user, contract, seats)
    )


rules.add_perm("delivery.view_delivery", works_in_delivery)
rules.add_perm("delivery.mark_leads", can_mark_leads)
rules.add_perm("delivery.assign", can_assign)
rules.add_perm(
    "delivery.work_on", rules.predicate(lambda user, contract: can_work_on(user, contract))
)
rules.add_perm("delivery.decide_change", can_decide_change)
