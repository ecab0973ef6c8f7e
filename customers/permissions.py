"""Who may do what with customers: predicates only, over the role groupings of teams/roles.py.
Which customers a user sees at all is `Customer.objects.visible_to(user)` (the teams policy);
these predicates decide actions on customers the user already sees. Whom a customer may go to
or be shared with is a rule of customers/validation.py."""

import rules

from crm_site import hooks
from teams import access, policy, roles

from . import capabilities


def _active(user):
    return user.is_authenticated and user.is_active


@rules.predicate
def works_with_customers(user):
    """Sales roles: they have a customer list and follow-ups."""
    return access.has_capability(user, capabilities.VIEW)


@rules.predicate
def exports_customers(user):
    return access.has_capability(user, capabilities.EXPORT)


@rules.predicate
def can_create_customer(user):
    return access.has_capability(user, capabilities.CREATE)


@rules.predicate
def manages_customers(user):
    """Managers and above: bulk actions, merges, A-grade checks, grade reviews, handover."""
    return access.has_capability(user, capabilities.MANAGE)


@rules.predicate
def is_admin(user):
    """Grading, pools and lead settings."""
    return access.has_capability(user, capabilities.SETTINGS)


@rules.predicate
def can_edit_customer(user, customer):
    if not _active(user) or customer is None:
        return False
    if access.has_capability(user, capabilities.EDIT_ALL):
        return True
    if customer.owner_id == user.pk:
        return True
    if policy.reach(user) is policy.Reach.SUBTREE and policy.reaches_owner(user, customer.owner):
        return True
    return customer.shares.filter(user=user, can_edit=True).exists()


@rules.predicate
def can_log_followup(user, customer):
    # Anyone who may edit the customer may log what happened with it.
    return can_edit_customer(user, customer)


@rules.predicate
def checks_grades(user):
    """Sales managers and directors do the second check of A grades (二次核对) and decide the
    quarterly grade review."""
    return access.has_capability(user, capabilities.CHECK_GRADES)


@rules.predicate
def can_confirm_second_check(user, customer):
    """二次核对: a manager or director confirms an A grade; never the one who made it A."""
    return (
        checks_grades(user)
        and customer is not None
        and customer.second_check == customer.SecondCheck.PENDING
        and customer.second_check_requested_by_id != user.pk
    )


rules.add_perm("customers.work_with_customers", works_with_customers)
rules.add_perm("customers.create_customer", can_create_customer)
rules.add_perm("customers.export_customers", exports_customers)
rules.add_perm("customers.manage_customers", manages_customers)
rules.add_perm("customers.change_grading", is_admin)
rules.add_perm("customers.edit_customer", can_edit_customer)
rules.add_perm("customers.log_followup", can_log_followup)
rules.add_perm("customers.confirm_second_check", can_confirm_second_check)


# --- grading and handover ----------------------------------------------------------------


rules.add_perm("customers.review_grades", checks_grades)


# --- customer page and edit ----------------------------------------------------------------


@rules.predicate
def can_manage_ownership(user, customer):
    """Whether `customer` is within `user`'s reach by ownership (teams.policy): their own, their
    team subtree's for managers, every customer for directors, the general manager and admins.

    Moving a customer (changing its owner, merging it, handing it over, sharing it) needs it; a
    share never gives it, even read-write: a share lets a colleague edit the record, not take
    it out of its team. `Customer.objects.managed_by(user)` is the same rule for many."""
    return _active(user) and customer is not None and policy.reaches_owner(user, customer.owner)


@rules.predicate
def can_change_owner(user, customer):
    """Managers and above give a customer within their ownership reach to someone else (edit
    form, bulk reassign, handover); to whom is `can_assign_customer_to`."""
    return manages_customers(user) and can_manage_ownership(user, customer)


@rules.predicate
def can_merge_customer(user, customer):
    """A merge edits the kept customer and moves everything of the other, then deletes it: it
    needs both edit and owner rights, on both sides (the service checks each)."""
    return can_edit_customer(user, customer) and can_change_owner(user, customer)


@rules.predicate
def can_share_customer(user, customer):
    """Who sees a customer is decided on its owner's side: those who may edit it within their
    ownership reach choose its colleagues (协作人); a colleague does not share it onward."""
    return can_edit_customer(user, customer) and can_manage_ownership(user, customer)


rules.add_perm("customers.check_a_grades", checks_grades)
rules.add_perm("customers.change_owner", can_change_owner)
rules.add_perm("customers.merge_customer", can_merge_customer)
rules.add_perm("customers.share_customer", can_share_customer)


# --- follow-ups, tasks and needs surveys ---------------------------------------------------


@rules.predicate
def can_add_survey(user, customer):
    # A needs survey is written by whoever may edit the customer.
    return can_edit_customer(user, customer)


rules.add_perm("customers.add_survey", can_add_survey)


# --- whom a customer goes to ------------------------------------------------------------------


@rules.predicate
def can_assign_customer_to(user, owner):
    """Whom `user` may make a customer's owner: the rule is `validation.owner`."""
    from django.core.exceptions import ValidationError

    from . import validation

    if not _active(user):
        return False
    try:
        validation.owner(user, owner)
    except ValidationError:
        return False
    return True


rules.add_perm("customers.assign_customer_to", can_assign_customer_to)


# --- the customer pool (公海) -------------------------------------------------------------


def _pool_team_ids(customer):
    from .models import Pool

    return set(
        Pool.teams.through.objects.filter(pool_id=customer.pool_id).values_list(
            "team_id", flat=True
        )
    )


@rules.predicate
def can_claim_from_pool(user, customer):
    """A rep (or manager) of one of the pool's teams claims a customer waiting in it."""
    return (
        _active(user)
        and customer is not None
        and customer.pool_id is not None
        and roles.has_role(user, roles.SELLS)
        and user.team_id in _pool_team_ids(customer)
    )


@rules.predicate
def can_assign_from_pool(user, customer):
    """Managers assign the customers of their teams' pools; directors and admins any pool's."""
    if not (manages_customers(user) and customer is not None and customer.pool_id is not None):
        return False
    if policy.sees_all(user):
        return True
    return bool(_pool_team_ids(customer) & set(policy.team_subtree_ids(user.team_id or 0)))


@rules.predicate
def can_return_to_pool(user, customer):
    """Only the owner returns a customer to the pool."""
    return _active(user) and customer is not None and customer.owner_id == user.pk


rules.add_perm("customers.claim_from_pool", can_claim_from_pool)
rules.add_perm("customers.assign_from_pool", can_assign_from_pool)
rules.add_perm("customers.return_to_pool", can_return_to_pool)
rules.add_perm("customers.manage_pools", is_admin)


# --- leads (线索) ----------------------------------------------------------------------------

# Screening weights, disqualification reasons and each team's inbound routing: admins.
rules.add_perm("customers.manage_lead_settings", is_admin)
# Inbound leads are entered (or imported) by managers for their teams, and by customer service
# (the admin role for now) for any team; the general manager enters no customers.
enters_inbound_leads = manages_customers & can_create_customer
rules.add_perm("customers.enter_inbound_leads", enters_inbound_leads)


def may_export(user):
    """Whether `user` may export some list (an ExportKind allows them), and so use the export
    pages."""
    return any(kind.allowed(user) for kind in hooks.get(hooks.EXPORT_KINDS))
