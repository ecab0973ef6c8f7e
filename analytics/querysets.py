"""Who sees which analytics rows, through the one teams policy: expenses and ratings by their
rep (owner), targets and budgets by their team or rep."""

from django.db import models
from django.db.models import Q

from teams import policy


class ExpenseQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(policy.owned_q(user, owner_field="rep"))


class TeamworkRatingQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(policy.owned_q(user, owner_field="rep"))


class TargetQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Company targets for all; a team's targets within the user's teams; a rep's and key
        customers' targets like the rep's records."""
        level = policy.reach(user)
        if level is policy.Reach.ALL:
            return self
        if level is policy.Reach.NONE:
            return self.none()
        return self.filter(
            Q(level=self.model.Level.COMPANY)
            | Q(level=self.model.Level.TEAM, team__in=models.Subquery(_team_ids(user)))
            | (Q(level__in=self.model.REP_LEVELS) & policy.owned_q(user, owner_field="rep"))
        )


class BudgetQuerySet(models.QuerySet):
    def visible_to(self, user):
        if policy.reach(user) is policy.Reach.ALL:
            return self
        return self.filter(team__in=models.Subquery(_team_ids(user)))


def _team_ids(user):
    from teams.models import Team

    return Team.objects.filter(policy.teams_q(user)).order_by().values("pk")
