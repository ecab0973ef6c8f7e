"""The teams app's registrations in crm_site/hooks.py: Home first, administration last."""

from django.utils.translation import gettext_lazy as _

from crm_site import hooks


@hooks.register(hooks.NAV_ITEMS, order=0)
def home(*, user):
    return hooks.NavItem("home", _("Home"), "house")


@hooks.register(hooks.NAV_ITEMS, order=900)
def users(*, user):
    if not user.has_perm("teams.manage_users"):
        return None
    return hooks.NavItem("teams:user-list", _("Users"), "people")


@hooks.register(hooks.NAV_ITEMS, order=910)
def teams(*, user):
    if not user.has_perm("teams.manage_teams"):
        return None
    return hooks.NavItem("teams:team-list", _("Teams"), "diagram-3")


@hooks.register(hooks.NAV_ITEMS, order=915)
def roles(*, user):
    if not user.has_perm("teams.manage_roles"):
        return None
    return hooks.NavItem("teams:role-list", _("Roles"), "shield-lock")


@hooks.register(hooks.NAV_ITEMS, order=920)
def calendar(*, user):
    if not user.has_perm("teams.manage_settings"):
        return None
    return hooks.NavItem("teams:calendar", _("Working days"), "calendar-week")


@hooks.register(hooks.HOME_GREETING, order=900)
def administration(*, user):
    if not user.has_perm("teams.manage_users"):
        return None
    return _("Manage users, teams, roles and the settings everyone works with.")


@hooks.register(hooks.CAPABILITIES, order=900)
def declare_capabilities():
    from . import capabilities

    return capabilities.ALL
