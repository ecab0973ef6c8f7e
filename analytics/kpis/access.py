"""Who reads the KPI dashboard, and which scopes they may choose (the teams policy's reach)."""

from teams import policy, roles


def can_view_dashboard(user):
    return roles.has_role(user, roles.SALES_ROLES) and policy.reach(user) is not policy.Reach.NONE
