"""Action predicates for users and teams (django-rules): `user.has_perm("teams.manage_users")`,
`user.has_perm("teams.change_account", member)`, `user.has_perm("teams.manage_settings")`."""

import rules

from . import access, capabilities


@rules.predicate
def is_admin(user):
    """Administers users (the accounts' rule below builds on it)."""
    return access.has_capability(user, capabilities.USERS)


@rules.predicate
def manages_teams(user):
    return access.has_capability(user, capabilities.TEAMS)


@rules.predicate
def manages_settings(user):
    return access.has_capability(user, capabilities.SETTINGS)


@rules.predicate
def manages_roles(user):
    return access.has_capability(user, capabilities.ROLES)


@rules.predicate
def is_superuser(user):
    return user.is_active and user.is_superuser


@rules.predicate
def is_protected_account(user, target):
    """Staff and superusers reach the Django admin: an app admin who could change them (a
    password reset, then logging in as them) would hold their powers."""
    return target is not None and (target.is_staff or target.is_superuser)


# The one rule for every change to an account (edit, role, password, (de)activation, flags):
# app admins change ordinary accounts, their own included; only a superuser changes a
# protected one. Services check it on the row before and after the change, so making an
# account staff or superuser is a superuser's act too.
can_change_user = is_admin & (is_superuser | ~is_protected_account)

# The Django admin edits every row of every model with no visibility policy: superusers only,
# whatever the staff flag says.
may_use_django_admin = is_superuser

rules.add_perm("teams.manage_users", is_admin)
rules.add_perm("teams.manage_teams", manages_teams)
# Company-wide settings such as the working-day calendar.
rules.add_perm("teams.manage_settings", manages_settings)
rules.add_perm("teams.manage_roles", manages_roles)
rules.add_perm("teams.change_account", can_change_user)
