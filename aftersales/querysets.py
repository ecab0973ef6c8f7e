"""Who sees which after-sales rows: whoever sees the customer (customers' visibility, which
the teams policy decides and to which this app's assignments add the after-sales staff as the
policy's `extra`, hooks.aftersales_sight), a complaint's handler and the manager it was
escalated to. The rep and their manager therefore see the complaints and revisits of their
customers; what they may change is permissions.py's."""

from django.apps import apps
from django.db import models
from django.db.models import Q

from customers.querysets import customer_visibility_q
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
        if policy.reach(user) is policy.Reach.ALL:
            return self.all()
        q = customer_visibility_q(user, prefix="customer__")
        if roles.has_role(user, roles.WORKS_AFTERSALES):
            q |= Q(handler_id=user.pk)
        # The manager a complaint was escalated to reads it (the notification links to it).
        return self.filter(q | Q(escalated_to_id=user.pk))

    def open(self):
        return self.filter(status__in=self.model.OPEN_STATES)
