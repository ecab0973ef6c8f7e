"""Who sees which after-sales rows: whoever sees the customer (customers' visibility, which
the teams policy decides and to which this app's assignments add the after-sales staff as the
policy's `extra`, hooks.aftersales_sight), a complaint's handler and the manager it was
escalated to. The rep and their manager therefore see the complaints and revisits of their
customers; what they may change is permissions.py's."""

from django.apps import apps
from django.db import models
from django.db.models import Q

from customers.querysets import customer_visibility_q, customer_visibility_through
from teams import policy, roles


def assigned_customer_ids(user):
    """The customers assigned to `user` (after-sales staff only), as a subquery."""
    if not roles.has_role(user, roles.WORKS_AFTERSALES) or user.is_superuser:
        return None
    assignment = apps.get_model("aftersales.AftersalesAssignment")
    return assignment.objects.filter(user_id=user.pk).order_by().values("customer_id")


class AssignmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(customer_visibility_q(user, prefix="customer__"))


class OwnedByCustomerQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(customer_visibility_q(user, prefix="customer__"))


class SatisfactionQuerySet(OwnedByCustomerQuerySet):
    pass


class RevisitQuerySet(OwnedByCustomerQuerySet):
    def due(self):
        return self.filter(record__isnull=True)


class ComplaintQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The complaints about the customers `user` sees, those escalated to them and, for
        after-sales staff, those they handle. A rep sees a few (their own customers'): their
        ids come first (`pk = ANY(ARRAY(a UNION b))`, each part from its own index), where an
        OR read every complaint (300 ms at 50,000). A manager or after-sales staff see a good
        share (a region: a quarter), so their sorted list walks its date index and checks each
        complaint's customer through the join (`customer_visibility_through`)."""
        level = policy.reach(user)
        if level is policy.Reach.ALL:
            return self.all()
        escalated = Q(escalated_to_id=user.pk)
        if level is policy.Reach.OWN:
            rows = self.model.objects.order_by()
            customers = rows.filter(customer_visibility_q(user, prefix="customer__"))
            ids = customers.values("pk").union(rows.filter(escalated).values("pk"))
            return self.filter(pk__any_of=ids)
        if roles.has_role(user, roles.WORKS_AFTERSALES):
            escalated |= Q(handler_id=user.pk)
        return self.filter(customer_visibility_through(user) | escalated)

    def open(self):
        return self.filter(status__in=self.model.OPEN_STATES)
