"""Who may do what in after-sales: predicates only, over the groupings of teams/roles.py.
Which rows a user sees at all is `visible_to(user)`; these decide actions on rows the user
already sees. The customer's rep and their manager read; the assigned after-sales staff (and
a complaint's handler) write; admins too."""

import rules

from teams import access, roles

from . import capabilities
from .models import AftersalesAssignment


def _active(user):
    return user.is_authenticated and user.is_active


@rules.predicate
def works_aftersales(user):
    """After-sales staff (and admins): their customers, revisits and complaints."""
    return access.has_capability(user, capabilities.VIEW)


@rules.predicate
def assigns_aftersales(user):
    return access.has_capability(user, capabilities.ASSIGN)


@rules.predicate
def sets_complaint_deadlines(user):
    return access.has_capability(user, capabilities.SET_DEADLINES)


@rules.predicate
def can_serve(user, customer):
    """Log a record, a complaint or a satisfaction for `customer`: its assigned after-sales
    user, or an admin."""
    if not _active(user) or customer is None:
        return False
    if roles.has_role(user, roles.ADMIN_ROLES):
        return True
    if not roles.has_role(user, roles.WORKS_AFTERSALES):
        return False
    assignment = getattr(customer, "_aftersales_user_id", None)
    if assignment is None:
        assignment = (
            AftersalesAssignment.objects.filter(customer_id=customer.pk)
            .values_list("user_id", flat=True)
            .first()
        )
        customer._aftersales_user_id = assignment or 0
    return assignment == user.pk


@rules.predicate
def can_handle(user, complaint):
    """Move a complaint along: its handler, the customer's after-sales user, an admin."""
    if not _active(user) or complaint is None:
        return False
    if complaint.handler_id == user.pk and roles.has_role(user, roles.WORKS_AFTERSALES):
        return True
    return can_serve(user, complaint.customer)


rules.add_perm("aftersales.work", works_aftersales)
rules.add_perm("aftersales.assign", assigns_aftersales)
rules.add_perm("aftersales.set_deadlines", sets_complaint_deadlines)
rules.add_perm("aftersales.serve_customer", can_serve)
rules.add_perm("aftersales.handle_complaint", can_handle)
