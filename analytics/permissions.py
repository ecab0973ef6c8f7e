"""Who may do what in analytics (predicates; roles from teams.roles). Which rows a user sees
at all is each model's `visible_to(user)`; these decide actions on rows already seen.

- company and team targets, budgets, scorecard weights: the director (and admins);
- splitting a team's target to its reps (and key customers), teamwork ratings: the team's
  manager (their team only), and whoever sets targets;
- expenses: a seller records their own; the manager whose team subtree holds the rep (or
  the director) approves or rejects, never their own;
- the analytics pages: managers and above; reps see their own scorecard and expenses.
"""

import rules

from teams import access, policy, roles

from . import capabilities


@rules.predicate
def sees_analytics(user):
    return access.has_capability(user, capabilities.VIEW)


@rules.predicate
def sees_scorecards(user):
    return access.has_capability(user, capabilities.SCORECARDS)


@rules.predicate
def can_set_targets(user):
    return access.has_capability(user, capabilities.SET_TARGETS)


@rules.predicate
def can_set_weights(user):
    return access.has_capability(user, capabilities.SET_WEIGHTS)


def can_split_team(user, team):
    """The team's manager (a team of their subtree) or whoever sets targets."""
    if team is None:
        return False
    if can_set_targets(user):
        return True
    return roles.has_role(user, roles.SPLITS_TEAM_TARGETS) and team.pk in policy.team_subtree_ids(
        user.team_id
    )


@rules.predicate
def may_split_targets(user):
    return roles.has_role(user, roles.SPLITS_TEAM_TARGETS) or can_set_targets(user)


@rules.predicate
def may_rate_teamwork(user):
    return roles.has_role(user, roles.RATES_TEAMWORK)


def can_rate(user, rep):
    return (
        may_rate_teamwork(user)
        and rep is not None
        and rep.pk != user.pk
        and policy.reaches_owner(user, rep)
    )


@rules.predicate
def records_expenses(user):
    return access.has_capability(user, capabilities.RECORD_EXPENSES)


@rules.predicate
def works_with_expenses(user):
    return access.has_capability(user, capabilities.EXPENSES)


@rules.predicate
def may_approve_expenses(user):
    return access.has_capability(user, capabilities.APPROVE_EXPENSES)


def can_decide_expense(user, expense):
    """A manager reaching the rep, or the director; never on their own expense."""
    return (
        may_approve_expenses(user)
        and expense is not None
        and expense.rep_id != user.pk
        and policy.reaches_owner(user, expense.rep)
    )


rules.add_perm("analytics.see_analytics", sees_analytics)
rules.add_perm("analytics.see_scorecards", sees_scorecards)
rules.add_perm("analytics.set_targets", can_set_targets)
rules.add_perm("analytics.split_targets", may_split_targets)
rules.add_perm("analytics.set_weights", can_set_weights)
rules.add_perm("analytics.rate_teamwork", may_rate_teamwork)
rules.add_perm("analytics.work_with_expenses", works_with_expenses)
rules.add_perm("analytics.record_expenses", records_expenses)
rules.add_perm("analytics.approve_expenses", may_approve_expenses)
