"""Who may do what with contracts. Which contracts a user sees at all is
`Contract.objects.visible_to(user)`; these predicates decide actions on contracts the user
already sees. Services check them again; templates use them for buttons.

- create: a seller who may edit the customer (or the opportunity of the quote);
- edit, submit, attachments, the payment plan, payments, invoices, signing and delivery:
  the owner, a manager whose team subtree holds the owner, the director and admins; edits
  only while a draft (a contract in approval cannot be edited);
- into delivery and completed: also whom a later app assigned to deliver it (a hook);
- cancel (with a reason): a manager or above who reaches the owner;
- approve, reject or return: the current step's approver (`acting_as`): for the manager's
  step the owner's approver (teams.policy.approver_for), for the other steps any active user
  with the step's role, or someone they delegated to for today; never the owner, never
  twice in a round, never out of turn.
"""

from dataclasses import dataclass

import rules
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from crm_site import hooks
from teams import access, policy, roles

from . import capabilities


def _active(user):
    return user.is_authenticated and user.is_active


@rules.predicate
def works_with_contracts(user):
    return access.has_capability(user, capabilities.VIEW)


@rules.predicate
def can_create_contract(user, customer):
    from customers.permissions import can_edit_customer

    return (
        roles.has_role(user, roles.OWNER_ROLES)
        and customer is not None
        and can_edit_customer(user, customer)
    )


def manages_contract(user, contract):
    """Its owner, a manager reaching the owner, the director and admins."""
    if not _active(user) or contract is None:
        return False
    if roles.has_role(user, roles.EDITS_ALL) or contract.owner_id == user.pk:
        return True
    return policy.reach(user) is policy.Reach.SUBTREE and policy.reaches_owner(user, contract.owner)


@rules.predicate
def can_edit_contract(user, contract):
    return (
        contract is not None
        and contract.status == contract.Status.DRAFT
        and manages_contract(user, contract)
    )


@rules.predicate
def can_sign_contract(user, contract):
    return (
        contract is not None
        and contract.status == contract.Status.APPROVED
        and manages_contract(user, contract)
    )


def progresses_contract(user, contract):
    """Its managers (`manages_contract`), or whom a later app's assignment lets move it
    (crm_site/hooks.py `CONTRACT_PROGRESSORS`: the delivery team)."""
    if manages_contract(user, contract):
        return True
    if not _active(user) or contract is None:
        return False
    return any(fn(user=user, contract=contract) for fn in hooks.get(hooks.CONTRACT_PROGRESSORS))


@rules.predicate
def can_progress_contract(user, contract):
    """Into delivery, then completed."""
    return (
        contract is not None
        and contract.status in (contract.Status.SIGNED, contract.Status.IN_DELIVERY)
        and progresses_contract(user, contract)
    )


@rules.predicate
def can_cancel_contract(user, contract):
    return (
        contract is not None
        and contract.TRANSITIONS.can(contract.status, contract.Status.CANCELLED)
        and access.has_capability(user, capabilities.CANCEL)
        and policy.reaches_owner(user, contract.owner)
    )


@rules.predicate
def can_plan_payments(user, contract):
    return (
        contract is not None
        and contract.status != contract.Status.CANCELLED
        and contract.status != contract.Status.IN_APPROVAL
        and manages_contract(user, contract)
    )


@rules.predicate
def can_record_payments(user, contract):
    """Payments, invoices and the collection stage: once signed."""
    return (
        contract is not None
        and contract.status in contract.SIGNED_STATES
        and manages_contract(user, contract)
    )


# --- approval ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Acting:
    """May `user` decide the contract's current step now: `allowed`, and on whose behalf
    (None: their own name), or `refusal`, the message saying why not."""

    allowed: bool
    on_behalf_of: object = None
    refusal: str = ""


def _eligible(user, step, contract, team_approver):
    if not _active(user) or user.pk == contract.owner_id:
        return False
    if step.is_team_step:
        return team_approver is not None and team_approver.pk == user.pk
    return roles.has_role(user, {step.role})


def acting_as(user, contract, *, round=None, today=None):
    """Whether `user` may decide `contract`'s current approval step (`Acting`). `round` is
    the contract's round in progress (read when not given)."""
    from .models import ApprovalRound, Delegation

    step = contract.current_step
    if contract.status != contract.Status.IN_APPROVAL or step is None:
        return Acting(False, refusal=_("This contract is not waiting for an approval."))
    if not _active(user):
        return Acting(False, refusal=_("This contract is not waiting for your decision."))
    if user.pk == contract.owner_id:
        return Acting(False, refusal=_("Nobody approves their own contract."))
    if round is None:
        round = ApprovalRound.objects.filter(
            contract=contract, outcome=ApprovalRound.Outcome.IN_PROGRESS
        ).first()
    if round is None:
        return Acting(False, refusal=_("This contract is not waiting for an approval."))
    acted = set()
    for by_id, behalf_id in round.decisions.values_list("by_id", "on_behalf_of_id"):
        acted.update({by_id, behalf_id})
    if user.pk in acted:
        return Acting(False, refusal=_("You have already decided in this approval round."))
    team_approver = policy.approver_for(contract.owner) if step.is_team_step else None
    if _eligible(user, step, contract, team_approver):
        return Acting(True)
    today = today or timezone.localdate()
    given = Delegation.objects.filter(
        Q(delegate=user), starts_on__lte=today, ends_on__gte=today
    ).select_related("approver")
    for delegation in given:
        approver = delegation.approver
        if approver.pk not in acted and _eligible(approver, step, contract, team_approver):
            return Acting(True, on_behalf_of=approver)
    ids = list(round.step_ids)
    later = ids[ids.index(step.pk) + 1 :] if step.pk in ids else []
    if later and _holds_a_later_step(user, later):
        return Acting(
            False,
            refusal=_("Not your turn yet: the contract is waiting for “%(step)s”.")
            % {"step": step.name},
        )
    return Acting(False, refusal=_("This contract is not waiting for your decision."))


def _holds_a_later_step(user, step_ids):
    from .models import ApprovalStep

    return ApprovalStep.objects.filter(pk__in=step_ids, role=user.role).exists()


APPROVER_ROLES = frozenset(roles.CONTRACT_STEP_ROLES)


def may_have_approvals(user):
    """Holds a role a step may name, or is someone's delegate: the inbox is theirs."""
    from .models import Delegation

    if not _active(user):
        return False
    if roles.has_role(user, APPROVER_ROLES):
        return True
    return Delegation.objects.filter(delegate=user).exists()


@rules.predicate
def can_delegate_approvals(user):
    """Holds a role a step may name: may name a delegate for their steps."""
    return roles.has_role(user, APPROVER_ROLES)


@rules.predicate
def can_approve(user, contract):
    return contract is not None and acting_as(user, contract).allowed


rules.add_perm("contracts.view_contracts", works_with_contracts)
rules.add_perm("contracts.create_contract", can_create_contract)
rules.add_perm("contracts.edit_contract", can_edit_contract)
rules.add_perm("contracts.sign_contract", can_sign_contract)
rules.add_perm("contracts.progress_contract", can_progress_contract)
rules.add_perm("contracts.cancel_contract", can_cancel_contract)
rules.add_perm("contracts.plan_payments", can_plan_payments)
rules.add_perm("contracts.record_payments", can_record_payments)
rules.add_perm("contracts.approve_contract", can_approve)
rules.add_perm("contracts.delegate_approvals", can_delegate_approvals)
