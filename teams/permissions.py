"""Action predicates for users and teams (django-rules): `user.has_perm("teams.manage_users")`."""

import rules

from .models import Role


@rules.predicate
def is_admin(user):
    return user.is_active and (user.is_superuser or user.role == Role.ADMIN)


rules.add_perm("teams.manage_users", is_admin)
rules.add_perm("teams.manage_teams", is_admin)
