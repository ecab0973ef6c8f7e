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

from teams import policy, roles


def opportunity_visibility_q(user, prefix=""):
    """The filter for opportunities `user` may see; `prefix` is the path to the opportunity
    from the queried model ("opportunity__" for quotes).

    Written as `pk IN (owned UNION shared)`, as customers' visibility is, so PostgreSQL uses
    an index for each half instead of scanning for an OR with a subquery."""
    if policy.reach(user) is policy.Reach.ALL:
        return Q()
    opportunity_model = apps.get_model("opportunities", "Opportunity")
    share_model = apps.get_model("customers", "CustomerShare")
    owned = opportunity_model.objects.filter(policy.owned_q(user, "owner")).order_by().values("pk")
    shared_customers = share_model.objects.filter(user_id=user.pk).values("customer_id")
    shared = (
        opportunity_model.objects.filter(customer_id__in=shared_customers).order_by().values("pk")
    )
    return Q(**{f"{prefix}pk__in": owned.union(shared)})


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
        return self if roles.has_role(user, roles.SALES_ROLES) else self.none()

    def active(self):
        """What may go on a new quote line."""
        return self.filter(is_active=True)
