"""Who sees which contracts, and the filters the services and pages share.

`Contract.objects.visible_to(user)` is the teams policy on the contract's owner (own for
reps, the team subtree for managers, all for the director, general manager and admins), plus:
- the contracts of a customer shared with the user (协作人), read-only sight;
- for legal (roles.SEES_CONTRACTS_AT_THEIR_STEP): the contracts whose approval reached a step
  of their role, now or in an earlier round;
- the contracts a later app assigned the user to (a delivery team: `policy.assigned_extra`);
- the contracts the user decided in approval (for themself or on someone's behalf), and those
  waiting for someone who delegated their approvals to the user today.

Lines, attachments, instalments, payments and invoices are visible through their contract.
"""

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.utils import timezone

from teams import policy, roles


def waiting_for_q(user):
    """Contracts in approval whose current step is `user`'s to decide as themself: the
    manager's step of an owner `user` approves for (policy.approver_for), or a step of
    `user`'s role on someone else's contract. Who already acted in the round is the
    services' check (and the inbox's)."""
    contract = apps.get_model("contracts", "Contract")
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    team_step = Q(current_step__role=roles.TEAM_APPROVER) & policy.approves_for_q(user, "owner")
    q = team_step
    if user.role in roles.CONTRACT_STEP_ROLES and user.role != roles.TEAM_APPROVER:
        q |= Q(current_step__role=user.role) & ~Q(owner=user)
    return Q(status=contract.Status.IN_APPROVAL) & q


DELEGATIONS_CACHE = "_contracts_delegations"


def forget_delegations(user):
    user.__dict__.pop(DELEGATIONS_CACHE, None)


def delegated_to_q(user, today=None):
    """Contracts waiting for the approvers who delegated to `user` for `today`; None when
    nobody did."""
    delegation = apps.get_model("contracts", "Delegation")
    today = today or timezone.localdate()
    q = None
    if not user.is_authenticated or not user.is_active:
        return q
    # Read once per user object and day: a page asks every contracts queryset it shows
    # (the customer page: a section and four timeline feeds), and request.user is new per
    # request. delegation_create forgets the delegate's copy.
    cached = user.__dict__.get(DELEGATIONS_CACHE)
    if cached is None or cached[0] != today:
        givers = list(
            delegation.objects.filter(
                delegate=user, starts_on__lte=today, ends_on__gte=today, approver__is_active=True
            ).select_related("approver")
        )
        cached = (today, givers)
        user.__dict__[DELEGATIONS_CACHE] = cached
    for given in cached[1]:
        waiting = waiting_for_q(given.approver) & ~Q(owner=user)
        q = waiting if q is None else q | waiting
    return q


def contract_visibility_q(user, prefix="", customer_id=None):
    """The filter for contracts `user` may see; `prefix` is the path to the contract from the
    queried model ("contract__" for instalments). Written as `pk IN (a UNION b …)` so each
    part uses its own index. With `customer_id`, only that customer's, every part narrowed
    to it (the customer page reads a few rows, not the user's whole reach)."""
    contract = apps.get_model("contracts", "Contract")
    rows = contract.objects.order_by()
    decision = apps.get_model("contracts", "ApprovalDecision")
    decisions = decision.objects.order_by()
    if customer_id is not None:
        rows = rows.filter(customer_id=customer_id)
        decisions = decisions.filter(round__contract__customer_id=customer_id)
    if policy.reach(user) is policy.Reach.ALL:
        return Q() if customer_id is None else Q(**{f"{prefix}customer_id": customer_id})
    share = apps.get_model("customers", "CustomerShare")
    parts = [rows.filter(policy.owned_q(user, "owner")).values("pk")]
    at_their_step = None
    if user.is_authenticated and user.is_active:
        shared = share.objects.filter(user_id=user.pk).values("customer_id")
        parts.append(rows.filter(customer_id__in=shared).values("pk"))
        decided = decisions.filter(Q(by=user) | Q(on_behalf_of=user))
        if user.role in roles.SEES_CONTRACTS_AT_THEIR_STEP:
            # Those at their own role's steps are in reached_roles; the rest by index.
            step = apps.get_model("contracts", "ApprovalStep")
            others = step.objects.exclude(role=user.role).order_by().values("pk")
            decided = decisions.filter(Q(by=user, step_id__any_of=others) | Q(on_behalf_of=user))
        parts.append(decided.values("round__contract_id"))
        if user.role in roles.SEES_CONTRACTS_AT_THEIR_STEP:
            # Every contract that waited at a step of theirs, now or in an earlier round.
            at_their_step = Q(reached_roles__contains=f"|{user.role}|")
            if prefix:
                parts.append(rows.filter(at_their_step).values("pk"))
                at_their_step = None
        delegated = delegated_to_q(user)
        if delegated is not None:
            parts.append(rows.filter(delegated).values("pk"))
        for extra in policy.assigned_extra(user, "contract"):
            parts.append(extra if customer_id is None else rows.filter(pk__in=extra).values("pk"))
    first, *rest = parts
    others = (rest[0].union(*rest[1:]) if len(rest) > 1 else rest[0]) if rest else None
    if not prefix and rest and at_their_step is not None:
        # Legal sees most contracts: each row tested in place, so a sorted list finds its
        # page in a few rows (a list of every such contract's id took seconds).
        narrowed = Q() if customer_id is None else Q(customer_id=customer_id)
        return narrowed & (policy.owned_q(user, "owner") | at_their_step | Q(pk__any_of=others))
    if not prefix and rest:
        # On contracts themselves: `owned OR pk = ANY(ARRAY(the rest))`, a BitmapOr that lets
        # a sorted list walk its index (the union read a manager's whole subtree first).
        narrowed = Q() if customer_id is None else Q(customer_id=customer_id)
        return narrowed & (policy.owned_q(user, "owner") | Q(pk__any_of=others))
    if rest and prefix.count("__") == 1 and policy.reach(user) is policy.Reach.SUBTREE:
        # One hop away (instalments, payments): the contract joined and the same OR, so a
        # manager's receivables walk the due-date index instead of hashing their subtree.
        owned = policy.owned_q(user, f"{prefix}owner")
        return owned | Q(**{f"{prefix[:-2]}_id__any_of": others})
    return Q(**{f"{prefix}pk__in": first.union(*rest) if rest else first})


def customer_contract_ids(customer, user):
    """The ids of `customer`'s contracts `user` sees: one query, kept on the customer object
    for the customer page, whose section and timeline feeds all filter on them."""
    cache = customer.__dict__.setdefault("_visible_contract_ids", {})
    if user.pk not in cache:
        contract = apps.get_model("contracts", "Contract")
        visible = contract_visibility_q(user, customer_id=customer.pk)
        cache[user.pk] = list(
            contract.objects.filter(visible, customer_id=customer.pk)
            .order_by()
            .values_list("pk", flat=True)
        )
    return cache[user.pk]


class ContractQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(contract_visibility_q(user))

    def signed(self):
        return self.filter(status__in=self.model.SIGNED_STATES)

    def waiting_for(self, user):
        """In approval at a step `user` decides, as themself or as a delegate."""
        delegated = delegated_to_q(user)
        q = waiting_for_q(user)
        return self.filter(q if delegated is None else q | delegated)


class OwnedByContractQuerySet(models.QuerySet):
    """Rows of a contract are visible when their contract is."""

    def visible_to(self, user):
        return self.filter(contract_visibility_q(user, prefix="contract__"))


class AttachmentQuerySet(OwnedByContractQuerySet):
    pass


class InstalmentQuerySet(OwnedByContractQuerySet):
    def unpaid(self):
        return self.filter(paid_amount__lt=models.F("amount"))

    def overdue(self, today=None):
        """Unpaid after their due date (overdue from the day after)."""
        return self.unpaid().filter(due_date__lt=today or timezone.localdate())
