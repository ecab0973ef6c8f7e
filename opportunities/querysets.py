"""Who sees which opportunities, and the filters the pages and services share.

`Opportunity.objects.visible_to(user)` is the teams policy on the opportunity's owner (own
for reps, the team subtree for managers, all for the director, general manager and admins;
nothing for legal, delivery and after-sales), plus every opportunity of a customer shared
with the user (协作人). A read-only share gives read-only sight: `permissions.py` decides
what the user may change. Quotes, lines, competitors, stage changes and requests are visible
through their opportunity.
"""

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from teams import access, policy

from . import capabilities


def opportunity_visibility_q(user, prefix="", customer_id=None):
    """The filter for opportunities `user` may see; `prefix` is the path to the opportunity
    from the queried model ("opportunity__" for quotes). With `customer_id`, only that
    customer's: each half of the union is narrowed to it, so a manager's query reads the
    customer's few rows instead of their whole subtree's.

    On opportunities themselves, as on customers: `owned OR customer = ANY(ARRAY(shared))`
    (crm_site/lookups.py), a BitmapOr of two indexes that also lets a sorted list walk its
    sort index (the `pk IN (owned UNION shared)` form read a regional manager's 75,000
    opportunities before sorting: 1.5 s for a list page). From another table: `pk IN (owned
    UNION shared)`, two index lookups and a semi-join."""
    opportunity_model = apps.get_model("opportunities", "Opportunity")
    rows = opportunity_model.objects.order_by()
    if customer_id is not None:
        rows = rows.filter(customer_id=customer_id)
    if policy.reach(user) is policy.Reach.ALL:
        return Q() if customer_id is None else Q(**{f"{prefix}customer_id": customer_id})
    share_model = apps.get_model("customers", "CustomerShare")
    shared_customers = share_model.objects.filter(user_id=user.pk).values("customer_id")
    if not prefix:
        narrowed = Q() if customer_id is None else Q(customer_id=customer_id)
        return narrowed & (
            policy.owned_q(user, "owner") | Q(customer_id__any_of=shared_customers.order_by())
        )
    shared = rows.filter(customer_id__in=shared_customers).values("pk")
    if prefix.count("__") == 1 and policy.reach(user) is policy.Reach.SUBTREE:
        # One hop away (quotes, stage changes): the opportunity joined and the same OR, so a
        # manager's queues do not hash their whole subtree's opportunities first.
        owned = policy.owned_q(user, f"{prefix}owner")
        return owned | Q(**{f"{prefix[:-2]}_id__any_of": shared})
    owned = rows.filter(policy.owned_q(user, "owner")).values("pk")
    return Q(**{f"{prefix}pk__in": owned.union(shared)})


def customer_opportunity_ids(customer, user):
    """The ids of `customer`'s opportunities `user` sees: one query, kept on the customer
    object for the customer page, whose section and timeline feeds all filter on them."""
    cache = customer.__dict__.setdefault("_visible_opportunity_ids", {})
    if user.pk not in cache:
        opportunity_model = apps.get_model("opportunities", "Opportunity")
        visible = opportunity_visibility_q(user, customer_id=customer.pk)
        cache[user.pk] = list(
            opportunity_model.objects.filter(visible, customer_id=customer.pk)
            .order_by()
            .values_list("pk", flat=True)
        )
    return cache[user.pk]


class OpportunityQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(opportunity_visibility_q(user))

    def open(self):
        return self.filter(status=self.model.Status.OPEN)

    def won(self):
        return self.filter(status=self.model.Status.WON)

    def lost(self):
        return self.filter(status=self.model.Status.LOST)

    def solution_overdue(self, today=None):
        """Open opportunities whose solution is past its due date and not submitted yet (the
        due date is the last day: overdue from the day after)."""
        today = today or timezone.localdate()
        return self.open().filter(solution_due__lt=today, solution_submitted_at__isnull=True)

    def reached(self, order):
        """Opportunities that were at the stage of this `order` or a later one on the way to
        won (the funnel; a lost stage is no step of it): now, or by a move in their history."""
        moves = apps.get_model("opportunities", "StageChange").objects.filter(
            opportunity=OuterRef("pk"), to_stage__is_lost=False, to_stage__order__gte=order
        )
        return self.filter(Q(stage__is_lost=False, stage__order__gte=order) | Q(Exists(moves)))

    def closing_between(self, start, end):
        """Open opportunities expected to close from `start` to `end` (dates, inclusive)."""
        return self.open().filter(expected_close_date__range=(start, end))


class OwnedByOpportunityQuerySet(models.QuerySet):
    """Rows that belong to an opportunity are visible when their opportunity is."""

    def visible_to(self, user):
        return self.filter(opportunity_visibility_q(user, prefix="opportunity__"))


class QuoteLineQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(opportunity_visibility_q(user, prefix="quote__opportunity__"))


class StageQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def open(self):
        """The active stages an open opportunity may be in, in order."""
        return self.active().filter(is_won=False, is_lost=False).order_by("order", "pk")

    def board(self):
        """The kanban's columns: the open stages, then won, then lost."""
        return self.active().order_by("is_lost", "is_won", "order", "pk")


class ProductQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The catalogue is the same for every sales colleague; others have none."""
        return self if access.has_capability(user, capabilities.VIEW) else self.none()

    def active(self):
        """What may go on a new quote line."""
        return self.filter(is_active=True)
