from datetime import datetime, time, timedelta

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from crm_site import hooks
from teams import policy


def day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def day_after(day):
    return day_start(day + timedelta(days=1))


def _signings(start, end):
    """The later apps' subqueries of customers who signed from `start` to `end`."""
    found = []
    for fn in hooks.get(hooks.CUSTOMER_SIGNINGS):
        rows = fn(start=start, end=end)
        if rows is not None:
            found.append(rows)
    return found


def _followups_between(start, end):
    return apps.get_model("customers", "FollowUp").objects.filter(
        occurred_at__gte=day_start(start), occurred_at__lt=day_after(end)
    )


def _union(parts):
    return parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]


def customer_visibility_q(user, prefix=""):
    """The teams policy applied to customers, plus the colleagues a customer is shared with
    and those a later app assigned to it (`policy.assigned_extra`).

    `prefix` is the path to the customer from the queried model ("customer__" for contacts).

    On customers themselves: `owned OR pk = ANY(ARRAY(shared))` (crm_site/lookups.py), a
    BitmapOr of the owner index and the primary key, which also lets a sorted list walk its
    sort index. From another table: `customer IN (owned UNION shared)`, two index lookups and
    a semi-join. (A plain `owned OR EXISTS(shared)` cannot use an index: it read every
    customer, about 1 s for a rep's list at 100k customers.)
    """
    if policy.reach(user) is policy.Reach.ALL:
        return Q()
    customer_model = apps.get_model("customers", "Customer")
    shared, sight = _beyond_ownership(user)
    if not prefix:
        extra = shared.union(*sight) if sight else shared
        return policy.owned_q(user) | Q(pk__any_of=extra)
    owned = customer_model.objects.filter(policy.owned_q(user)).order_by().values("pk")
    return Q(**{f"{prefix}pk__in": owned.union(shared, *sight)})


def _beyond_ownership(user, *, pooled=True):
    """The customers `user` sees though nobody made them their owner: (those shared with
    them, [later apps' assignments, their teams' pool customers]) as lazy id querysets;
    without the pool customers when not `pooled` (`_pools_of` reads them by their pool)."""
    customer_model = apps.get_model("customers", "Customer")
    share_model = apps.get_model("customers", "CustomerShare")
    shared = share_model.objects.filter(user_id=user.pk).order_by().values("customer_id")
    # Later apps' assignments (a contract's delivery team, after-sales staff) as the policy's
    # `extra`: the ASSIGNED_SIGHT hook through teams.policy.assigned_extra.
    sight = policy.assigned_extra(user, "customer")
    teams = pool_teams(user)
    if pooled and teams is not None:  # the customers waiting in their teams' pools (公海)
        sight.append(customer_model.objects.filter(pool__teams__in=teams).order_by().values("pk"))
    return shared, sight


def _pools_of(user):
    """The ids of the pools (公海) whose customers `user` sees, as a subquery; None for the
    roles that sell nothing."""
    teams = pool_teams(user)
    if teams is None:
        return None
    pools = apps.get_model("customers", "Pool").objects.filter(teams__in=teams)
    return pools.order_by().values("pk")


def customer_visibility_through(user, path="customer"):
    """The same sight as `customer_visibility_q`, for rows hanging on a customer through
    `path`, written as the owner through the join OR the customer among the others (shared,
    assigned, pooled: `= ANY(ARRAY(…))`). A long list of such rows sorted by its own index
    then walks that index and stops at the page, where `customer IN (owned UNION …)` first
    read a manager's whole subtree of customers.

    The pools' customers are matched by their pool through the same join (`pool_id =
    ANY(pools)`, a handful of ids), never listed among the others: `= ANY(array)` compares a
    row with the array element by element, and a region's pool holds thousands (a manager's
    complaint count: 0.85 s, nearly all of it there)."""
    if policy.reach(user) is policy.Reach.ALL:
        return Q()
    shared, sight = _beyond_ownership(user, pooled=False)
    others = shared.union(*sight) if sight else shared
    q = policy.owned_q(user, f"{path}__owner") | Q(**{f"{path}_id__any_of": others})
    pools = _pools_of(user)
    if pools is not None:
        q |= Q(**{f"{path}__pool_id__any_of": pools})
    return q


def pool_teams(user):
    """The teams whose pools (公海) `user` sees, as a Team queryset: a rep's own team, a
    manager's subtree; None for the roles that sell nothing (those who see all see every
    customer anyway)."""
    if policy.reach(user) not in (policy.Reach.SUBTREE, policy.Reach.OWN) or not user.team_id:
        return None
    return apps.get_model("teams", "Team").objects.filter(policy.teams_q(user)).values("pk")


def customer_viewers_q(customer):
    """The users who may see `customer` (for "assign to" choices): the policy's viewers of its
    owner plus the colleagues it is shared with."""
    share_model = apps.get_model("customers", "CustomerShare")
    shared = Q(pk__in=share_model.objects.filter(customer=customer).values("user_id"))
    return policy.viewers_q(customer.owner, extra=shared)


class CustomerQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(customer_visibility_q(user))

    def overdue(self, today):
        return self.filter(next_followup_due__lt=today)

    # The KPI dashboard's customer counts and the list's filters behind its links, one rule
    # each (dates inclusive, local days).
    def created_between(self, start, end):
        return self.filter(created_at__gte=day_start(start), created_at__lt=day_after(end))

    def active_between(self, start, end, *, signings=True):
        """A follow-up from `start` to `end`, or (with `signings`) a contract signed then:
        `pk IN (follow-ups' customers UNION signers)`, one hashed semi-join (an EXISTS per
        customer read 100k customers' follow-ups: seconds for a year)."""
        parts = [_followups_between(start, end).order_by().values("customer_id")]
        if signings:
            parts += _signings(start, end)
        return self.filter(pk__in=_union(parts))

    def churned_as_of(self, day, days):
        """Customers who bought (a contract signed by `day`) and had neither a follow-up nor
        a signed contract in the `days` days up to `day` (NOT EXISTS: hash anti-joins)."""
        bought = _signings(None, day)
        if not bought:
            return self.none()
        since = day - timedelta(days=days - 1)
        quiet = ~Exists(_followups_between(since, day).filter(customer=OuterRef("pk")))
        for ids in _signings(since, day):
            quiet &= ~Exists(ids.filter(customer_id=OuterRef("pk")))
        return self.filter(quiet, pk__in=_union(bought))

    def in_pools_of(self, user):
        """The pool customers (公海) `user` sees: exactly `visible_to(user)` among customers in a
        pool (nobody owns or shares a pool customer, so only its pool's teams count), read
        through the pool without the union of owned and shared customers."""
        if policy.reach(user) is policy.Reach.ALL:
            return self.filter(pool__isnull=False)
        teams = pool_teams(user)
        if teams is None:
            return self.none()
        pools = apps.get_model("customers", "Pool").objects.filter(teams__in=teams)
        return self.filter(pool__in=pools.values("pk"))

    def managed_by(self, user):
        """The customers within `user`'s reach by ownership, never those merely shared with
        them: `permissions.can_manage_ownership` for many (bulk actions, handover, merge)."""
        return self.filter(policy.owned_q(user))


class OwnedByCustomerQuerySet(models.QuerySet):
    """Rows that belong to a customer are visible when their customer is."""

    def visible_to(self, user):
        return self.filter(customer_visibility_q(user, prefix="customer__"))


class FollowUpQuerySet(OwnedByCustomerQuerySet):
    pass


class TaskQuerySet(OwnedByCustomerQuerySet):
    def visible_to(self, user):
        """A customer's task as its customer; a free-standing one as its owner's record."""
        if policy.reach(user) is policy.Reach.ALL:
            return self.all()
        return self.filter(
            customer_visibility_q(user, prefix="customer__")
            | (Q(customer__isnull=True) & policy.owned_q(user))
        )

    def open(self):
        return self.filter(done_at__isnull=True)

    def overdue(self, today):
        return self.open().filter(due_date__lt=today)
