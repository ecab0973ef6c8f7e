from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef, Q

from teams import policy


def customer_visibility_q(user, prefix=""):
    """The teams policy applied to customers, plus the colleagues a customer is shared with.

    `prefix` is the path to the customer from the queried model ("customer__" for contacts).
    """
    share_model = apps.get_model("customers", "CustomerShare")
    customer_ref = OuterRef(prefix.removesuffix("__") if prefix else "pk")
    shared = Exists(share_model.objects.filter(customer=customer_ref, user_id=user.pk))
    return policy.owned_q(user, owner_field=f"{prefix}owner", extra=Q(shared))


class CustomerQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(customer_visibility_q(user))

    def overdue(self, today):
        return self.filter(next_followup_due__lt=today)


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
