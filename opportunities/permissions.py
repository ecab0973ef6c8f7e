"""Who may do what with opportunities, quotes and the catalogue. Which opportunities a user
sees at all is `Opportunity.objects.visible_to(user)`; these predicates decide actions on
records the user already sees. Services check them again; templates use them for buttons
(`{% has_perm "opportunities.edit_opportunity" user opportunity %}`).

- edit an opportunity (fields, competitors, ticks, quotes, requests): its owner, a manager
  whose team subtree holds the owner, the director and admins, and a colleague the customer
  is shared with read-write; a read-only share and the general manager only read;
- move it: whoever may edit it, while it is open; reopen a won or lost one: a manager or
  above who reaches the owner, never the owner;
- decide a quote review, a stage skip or an extension: the owner's approver
  (`teams.policy.approver_for`: the owner's team manager, else the next one up); a discount
  beyond the limit: a director; nobody decides for their own opportunity;
- the catalogue: director and admin; stages, lost reasons and settings: admin;
- unit costs and margins: managers and above.
"""

import rules

from customers.models import CustomerShare
from teams import access, policy, roles

from . import capabilities


def _active(user):
    return user.is_authenticated and user.is_active


@rules.predicate
def works_with_opportunities(user):
    """Sales roles: the pipeline, the forecast, quotes."""
    return access.has_capability(user, capabilities.VIEW)


@rules.predicate
def can_create_opportunity(user, customer):
    """A seller who may edit the customer (its owner, their manager, a read-write colleague,
    the director or an admin) opens an opportunity on it, owned by themselves."""
    from customers.permissions import can_edit_customer

    return (
        roles.has_role(user, roles.OWNER_ROLES)
        and customer is not None
        and can_edit_customer(user, customer)
    )


@rules.predicate
def can_edit_opportunity(user, opportunity):
    if not _active(user) or opportunity is None:
        return False
    if roles.has_role(user, roles.EDITS_ALL) or opportunity.owner_id == user.pk:
        return True
    if policy.reach(user) is policy.Reach.SUBTREE and policy.reaches_owner(user, opportunity.owner):
        return True
    return CustomerShare.objects.filter(
        customer_id=opportunity.customer_id, user_id=user.pk, can_edit=True
    ).exists()


@rules.predicate
def can_move_opportunity(user, opportunity):
    return (
        opportunity is not None and opportunity.is_open and can_edit_opportunity(user, opportunity)
    )


@rules.predicate
def can_reopen_opportunity(user, opportunity):
    return (
        opportunity is not None
        and not opportunity.is_open
        and roles.has_role(user, roles.MANAGING_ROLES)
        and opportunity.owner_id != user.pk
        and policy.reaches_owner(user, opportunity.owner)
    )


@rules.predicate
def can_reassign_opportunity(user, opportunity):
    """Managers and above give an open opportunity within their reach to someone else."""
    return (
        opportunity is not None
        and opportunity.is_open
        and roles.has_role(user, roles.MANAGING_ROLES)
        and policy.reaches_owner(user, opportunity.owner)
    )


def decides_for(user, owner):
    """`user` is the approver of `owner`'s requests and reviews (never `owner`)."""
    if not _active(user) or owner is None or owner.pk == user.pk:
        return False
    approver = policy.approver_for(owner)
    return approver is not None and approver.pk == user.pk


@rules.predicate
def can_decide_skip(user, skip_request):
    return (
        skip_request is not None
        and skip_request.status == skip_request.Status.PENDING
        and decides_for(user, skip_request.opportunity.owner)
    )


@rules.predicate
def can_decide_extension(user, extension):
    return (
        extension is not None
        and extension.status == extension.Status.PENDING
        and decides_for(user, extension.opportunity.owner)
    )


@rules.predicate
def can_edit_quote(user, quote):
    """The draft of the latest version, by whoever may edit the opportunity (open)."""
    return (
        quote is not None
        and quote.status == quote.Status.DRAFT
        and can_move_opportunity(user, quote.opportunity)
    )


@rules.predicate
def can_review_quote(user, quote):
    return (
        quote is not None
        and quote.status == quote.Status.IN_REVIEW
        and decides_for(user, quote.opportunity.owner)
    )


@rules.predicate
def can_approve_discount(user, quote):
    return (
        quote is not None
        and quote.status == quote.Status.DIRECTOR_REVIEW
        and access.has_capability(user, capabilities.APPROVE_DISCOUNTS)
        and quote.opportunity.owner_id != user.pk
    )


@rules.predicate
def can_see_costs(user):
    """Unit costs and margins: managers and above (never on the customer's print view)."""
    return access.has_capability(user, capabilities.SEE_COSTS)


@rules.predicate
def can_manage_catalogue(user):
    return access.has_capability(user, capabilities.MANAGE_CATALOGUE)


@rules.predicate
def can_manage_stages(user):
    """Stages and their checklists, lost reasons, the settings."""
    return access.has_capability(user, capabilities.SETTINGS)


@rules.predicate
def can_commit_forecast(user, team):
    """A sales manager for a team in their subtree; a director for any team."""
    if team is None or not access.has_capability(user, capabilities.COMMIT_FORECAST):
        return False
    if policy.reach(user) is policy.Reach.ALL:
        return True
    return policy.reach(user) is policy.Reach.SUBTREE and team.pk in policy.team_subtree_ids(
        user.team_id
    )


rules.add_perm("opportunities.work_with_opportunities", works_with_opportunities)
rules.add_perm("opportunities.create_opportunity", can_create_opportunity)
rules.add_perm("opportunities.edit_opportunity", can_edit_opportunity)
rules.add_perm("opportunities.move_opportunity", can_move_opportunity)
rules.add_perm("opportunities.reopen_opportunity", can_reopen_opportunity)
rules.add_perm("opportunities.reassign_opportunity", can_reassign_opportunity)
rules.add_perm("opportunities.decide_skip", can_decide_skip)
rules.add_perm("opportunities.decide_extension", can_decide_extension)
rules.add_perm("opportunities.edit_quote", can_edit_quote)
rules.add_perm("opportunities.review_quote", can_review_quote)
rules.add_perm("opportunities.approve_discount", can_approve_discount)
rules.add_perm("opportunities.see_costs", can_see_costs)
rules.add_perm("opportunities.manage_catalogue", can_manage_catalogue)
rules.add_perm("opportunities.manage_stages", can_manage_stages)
rules.add_perm("opportunities.commit_forecast", can_commit_forecast)
