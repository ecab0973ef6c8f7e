from django.apps import apps
from django.db import models
from django.db.models import Q

from crm_site import hooks
from teams import policy


def customer_visibility_q(user, prefix=""):
    """The teams policy applied to customers, plus the colleagues a customer is shared with
    and those a later app assigned to it (`policy.assigned_extra`).

    `prefix` is the path to the customer from the queried model ("customer__" for contacts).

    Written as `customer IN (owned UNION shared)`, not `owned OR EXISTS(shared)`: PostgreSQL
    cannot use an index for an OR with a subquery, so that form read every customer (and,
    costed that high, JIT-compiled the scan): about 1 s for a rep's list at 100k customers.
    The union is two index lookups and a semi-join (6 ms).
    """
    if policy.reach(user) is policy.Reach.ALL:
        return Q()
    customer_model = apps.get_model("customers", "Customer")
    share_model = apps.get_model("customers", "CustomerShare")
    owned = customer_model.objects.filter(policy.owned_q(user)).order_by().values("pk")
    shared = share_model.objects.filter(user_id=user.pk).order_by().values("customer_id")
    # Later apps' assignments as the policy's `extra`: after-sales staff (CUSTOMER_SIGHT) and
    # the delivery team of a contract (ASSIGNED_SIGHT, teams.policy.assigned_extra).
    sight = [q for fn in hooks.get(hooks.CUSTOMER_SIGHT) if (q := fn(user=user)) is not None]
    assigned = policy.assigned_extra(user, "customer")
    return Q(**{f"{prefix}pk__in": owned.union(shared, *sight, *assigned)})


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
    def open(self):
        return self.filter(done_at__isnull=True)

    def overdue(self, today):
        return self.open().filter(due_date__lt=today)
