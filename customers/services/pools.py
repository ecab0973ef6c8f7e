"""The customer pool (公海): pool rules, claiming, returning and assigning from a pool.

A customer in a pool has no owner. A rep of the pool's teams claims it (within the pool's
caps, claims per day and cool-down); its owner returns it with a reason (never while a
CUSTOMER_POOL_BLOCKERS hook holds it); a manager assigns it to a rep of their team, an admin
or director to anyone. Every change writes one OwnershipChange (through `_give_customers` for
the ways in, `_put_in_pool` for the ways out). The automatic reclaim is services/reclaim.py.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from crm_site import bulk_insert, hooks
from teams import policy
from teams.models import Team, User

from .. import validation
from ..errors import CustomerError
from ..models import Customer, CustomerShare, OwnershipChange, Pool, Task
from ..permissions import can_assign_from_pool, can_claim_from_pool, is_admin
from .common import _lock_customer
from .ownership import _give_customers


class PoolError(CustomerError):
    """A pool rule refused the change; the message says which."""


# --- the rules ------------------------------------------------------------------------------


def claim_refusal(pool, *, grade, held_total, held_grade, claims_today, lost_on=None, today):
    """Why a rep may not take one more `grade` customer from `pool` now, or None.

    `held_total`/`held_grade`: customers the rep owns (all, of that grade); `claims_today`:
    their claims since midnight; `lost_on`: the day they last returned or lost this customer
    (None: never). The caps count for assignments too; claims per day and the cool-down only
    for claims (pass claims_today=0, lost_on=None)."""
    if pool.cap_total is not None and held_total >= pool.cap_total:
        return _("You already hold %(held)s customers: the cap is %(cap)s.") % {
            "held": held_total,
            "cap": pool.cap_total,
        }
    cap = pool.cap_for(grade)
    if cap is not None and held_grade >= cap:
        return _("You already hold %(held)s %(grade)s customers: the cap is %(cap)s.") % {
            "held": held_grade,
            "grade": grade,
            "cap": cap,
        }
    if pool.claims_per_day is not None and claims_today >= pool.claims_per_day:
        return _("You have claimed %(count)s customers today: the limit is %(limit)s a day.") % {
            "count": claims_today,
            "limit": pool.claims_per_day,
        }
    if lost_on is not None and pool.cooldown_days:
        free_on = lost_on + timedelta(days=pool.cooldown_days)
        if today < free_on:
            return _(
                "You gave this customer back on %(day)s: you may claim it again from %(free)s."
            ) % {"day": lost_on.isoformat(), "free": free_on.isoformat()}
    return None


def holdings(user):
    """{"total": n, "A": n, "B": n, "C": n}: the customers `user` owns (one query)."""
    counts = Customer.objects.filter(owner=user).aggregate(
        total=Count("pk"), **{g: Count("pk", filter=Q(grade=g)) for g in ("A", "B", "C")}
    )
    return counts


def _start_of_today():
    now = timezone.localtime()
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def claims_today(user):
    return OwnershipChange.objects.filter(
        to_user=user, how=OwnershipChange.How.CLAIM, at__gte=_start_of_today()
    ).count()


def _lost_on(user, customer):
    last = (
        OwnershipChange.objects.filter(
            customer=customer, from_user=user, how__in=OwnershipChange.LOST
        )
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    return timezone.localdate(last) if last else None


def pool_blockers(customer_ids):
    """{customer_id: reason} of the CUSTOMER_POOL_BLOCKERS hooks: customers that stay owned."""
    found = {}
    for fn in hooks.get(hooks.CUSTOMER_POOL_BLOCKERS):
        for pk, reason in fn(customer_ids=customer_ids).items():
            found.setdefault(pk, reason)
    return found


def pool_for(user):
    """The pool a customer of `user` goes back to: the first active pool that takes their team
    (or a team above it), else None."""
    if user is None or user.team_id is None:
        return None
    parents = dict(Team.objects.values_list("pk", "parent_id"))
    teams, team_id = [], user.team_id
    while team_id is not None and team_id not in teams:
        teams.append(team_id)
        team_id = parents.get(team_id)
    pools = Pool.objects.filter(is_active=True, teams__in=teams).distinct()
    return pools.order_by("name", "pk").first()


# --- writes ---------------------------------------------------------------------------------


@transaction.atomic
def pool_save(*, by, pool, teams):
    """Create or change a pool and its rules (admins only)."""
    if not is_admin(by):
        raise PermissionDenied
    with validation.enforce():
        pool.full_clean()
    pool.save()
    pool.teams.set(teams)
    return pool


def _check_caps(pool, user, customer, *, claiming):
    held = holdings(user)
    refusal = claim_refusal(
        pool,
        grade=customer.grade,
        held_total=held["total"],
        held_grade=held[customer.grade],
        claims_today=claims_today(user) if claiming else 0,
        lost_on=_lost_on(user, customer) if claiming else None,
        today=timezone.localdate(),
    )
    if refusal:
        raise PoolError(refusal)


@transaction.atomic
def customer_claim(*, by, customer):
    """One click: `by` owns `customer`, taken from its pool. Two reps at the same moment: the
    row lock lets one in, the other finds it claimed. The rep's own row is locked too, so two
    claims of theirs at once cannot both pass a cap."""
    User.objects.select_for_update().filter(pk=by.pk).first()
    customer = _lock_customer(customer.pk)
    if customer.pool_id is None:
        raise PoolError(
            _("%(name)s was claimed meanwhile: it is no longer in the pool.")
            % {"name": customer.name}
        )
    pool = Pool.objects.get(pk=customer.pool_id)
    if not can_claim_from_pool(by, customer):
        raise PermissionDenied
    _check_caps(pool, by, customer, claiming=True)
    _give_customers(
        [customer],
        by,
        by=by,
        reason=gettext_noop("Claimed from the pool"),
        how=OwnershipChange.How.CLAIM,
    )
    return customer


@transaction.atomic
def customer_assign_from_pool(*, by, customer, to_user, note=""):
    """A manager gives a pool customer to a rep of their team within the pool's teams; an admin
    or director to anyone who may own customers. The caps count."""
    customer = _lock_customer(customer.pk)
    if customer.pool_id is None:
        raise PoolError(_("%(name)s is no longer in the pool.") % {"name": customer.name})
    if not can_assign_from_pool(by, customer):
        raise PermissionDenied
    pool = Pool.objects.get(pk=customer.pool_id)
    with validation.enforce():
        validation.owner(by, to_user)
    if not policy.sees_all(by) and not pool.teams.filter(pk=to_user.team_id).exists():
        raise PoolError(
            _("%(name)s is not in a team of the pool %(pool)s.") % {"name": to_user, "pool": pool}
        )
    User.objects.select_for_update().filter(pk=to_user.pk).first()
    _check_caps(pool, to_user, customer, claiming=False)
    _give_customers(
        [customer],
        to_user,
        by=by,
        reason=gettext_noop("Assigned from the pool"),
        how=OwnershipChange.How.ASSIGN,
        note=note,
    )
    return customer


def _put_in_pool(customers, pools, *, by, how, reasons):
    """Customers (locked by the caller) go to their pool (`pools`: {customer id: Pool}): no
    owner, their owner's open tasks on them closed, their shares ended; history stays. One
    OwnershipChange each (`reasons`: {customer id: text})."""
    now = timezone.now()
    changes = [
        OwnershipChange(
            customer=customer,
            from_user_id=customer.owner_id,
            to_user=None,
            pool=pools[customer.pk],
            how=how,
            by=by,
            at=now,
            reason=reasons.get(customer.pk, "")[:300],
        )
        for customer in customers
    ]
    # Each owner's open tasks on their customers, in one UPDATE (before the owner goes).
    Task.objects.filter(
        customer__in=[customer.pk for customer in customers],
        owner_id=F("customer__owner_id"),
        done_at__isnull=True,
    ).update(done_at=now)
    CustomerShare.objects.filter(customer__in=customers).delete()
    by_pool = {}
    for customer in customers:
        customer.owner, customer.owner_since, customer.updated_at = None, None, now
        customer.pool, customer.pooled_at = pools[customer.pk], now
        by_pool.setdefault(customer.pool.pk, []).append(customer.pk)
    # One UPDATE per pool (the same values for all), not bulk_update's CASE per row: the
    # reclaim moves thousands at once.
    for pool_id, pks in by_pool.items():
        Customer.objects.filter(pk__in=pks).update(
            owner=None, owner_since=None, pool_id=pool_id, pooled_at=now, updated_at=now
        )
    # COPY on PostgreSQL: the reclaim writes thousands of these at once.
    bulk_insert.history(
        Customer,
        customers,
        history_user=by,
        history_reason=(
            gettext_noop("Returned to the pool")
            if how == OwnershipChange.How.RETURN
            else gettext_noop("Reclaimed by the pool")
        ),
    )
    bulk_insert.create(OwnershipChange, changes)


@transaction.atomic
def customer_return(*, by, customer, reason):
    """The owner gives `customer` back to the pool of their team, with a reason. Refused for a
    customer they do not own, one a CUSTOMER_POOL_BLOCKERS hook holds (the reason says why), or
    when no pool takes their team's customers."""
    reason = (reason or "").strip()
    if not reason:
        raise PoolError(_("Say why you return this customer."))
    customer = _lock_customer(customer.pk)
    if customer.owner_id != by.pk:
        raise PoolError(_("Only the owner returns a customer to the pool."))
    blocked = pool_blockers([customer.pk])
    if customer.pk in blocked:
        raise PoolError(
            _("%(name)s cannot go back to the pool: %(reason)s.")
            % {"name": customer.name, "reason": blocked[customer.pk]}
        )
    pool = pool_for(by)
    if pool is None:
        raise PoolError(_("No pool takes your team's customers: ask an admin to set one up."))
    _put_in_pool(
        [customer],
        {customer.pk: pool},
        by=by,
        how=OwnershipChange.How.RETURN,
        reasons={customer.pk: reason},
    )
    return customer
