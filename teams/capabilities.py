"""What the administration lets a role do (hooks.CAPABILITIES; teams.access)."""

from django.utils.translation import gettext_lazy as _

from crm_site.hooks import Capability

from . import roles

AREA = "administration"
AREA_LABEL = _("Administration")

USERS = Capability("administration.users", AREA, AREA_LABEL, _("Manage users"), roles.ADMIN_ROLES)
TEAMS = Capability("administration.teams", AREA, AREA_LABEL, _("Manage teams"), roles.ADMIN_ROLES)
SETTINGS = Capability(
    "administration.settings", AREA, AREA_LABEL, _("Manage settings"), roles.ADMIN_ROLES
)
ROLES = Capability(
    "administration.roles", AREA, AREA_LABEL, _("Manage roles and permissions"), roles.ADMIN_ROLES
)

ALL = (USERS, TEAMS, SETTINGS, ROLES)
