"""What the after-sales app lets a role do (hooks.CAPABILITIES; teams.access)."""

from django.utils.translation import gettext_lazy as _

from crm_site.hooks import Capability
from teams import roles

AREA = __package__  # the app's name
AREA_LABEL = _("After-sales")

VIEW = Capability(
    "aftersales.view", AREA, AREA_LABEL, _("Open the after-sales area"), roles.SEES_AFTERSALES
)
ASSIGN = Capability(
    "aftersales.assign",
    AREA,
    AREA_LABEL,
    _("Assign after-sales staff to customers"),
    roles.ASSIGNS_AFTERSALES,
)
SET_DEADLINES = Capability(
    "aftersales.set_deadlines",
    AREA,
    AREA_LABEL,
    _("Set complaint deadlines"),
    roles.SETS_COMPLAINT_DEADLINES,
)

ALL = (VIEW, ASSIGN, SET_DEADLINES)
