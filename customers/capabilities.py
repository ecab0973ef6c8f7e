"""What the customers app lets a role do (hooks.CAPABILITIES; teams.access)."""

from django.utils.translation import gettext_lazy as _

from crm_site.hooks import Capability
from teams import roles

AREA = "customers"
AREA_LABEL = _("Customers")

VIEW = Capability(
    "customers.view", AREA, AREA_LABEL, _("View customers and follow-ups"), roles.SALES_ROLES
)
CREATE = Capability(
    "customers.create",
    AREA,
    AREA_LABEL,
    _("Create customers"),
    roles.CREATES_CUSTOMERS,
    requires=(VIEW.key,),
)
EXPORT = Capability(
    "customers.export",
    AREA,
    AREA_LABEL,
    _("Export customers"),
    roles.SALES_ROLES,
    requires=(VIEW.key,),
)
EDIT_ALL = Capability(
    "customers.edit_all",
    AREA,
    AREA_LABEL,
    _("Edit any visible customer"),
    roles.EDITS_ALL,
    requires=(VIEW.key,),
)
MANAGE = Capability(
    "customers.manage",
    AREA,
    AREA_LABEL,
    _("Bulk actions, merges and handovers"),
    roles.MANAGING_ROLES,
    requires=(VIEW.key,),
)
CHECK_GRADES = Capability(
    "customers.check_grades",
    AREA,
    AREA_LABEL,
    _("Check A grades and review grades"),
    roles.CHECKS_GRADES,
    requires=(VIEW.key,),
)
SETTINGS = Capability(
    "customers.settings",
    AREA,
    AREA_LABEL,
    _("Grading, pools and lead settings"),
    roles.ADMIN_ROLES,
)

ALL = (VIEW, CREATE, EXPORT, EDIT_ALL, MANAGE, CHECK_GRADES, SETTINGS)
