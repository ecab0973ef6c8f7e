"""What the contracts app lets a role do (hooks.CAPABILITIES; teams.access)."""

from django.utils.translation import gettext_lazy as _

from crm_site.hooks import Capability
from teams import roles

AREA = "contracts"
AREA_LABEL = _("Contracts")

VIEW = Capability("contracts.view", AREA, AREA_LABEL, _("View contracts"), roles.SEES_CONTRACTS)
CANCEL = Capability(
    "contracts.cancel",
    AREA,
    AREA_LABEL,
    _("Cancel contracts"),
    roles.CANCELS_CONTRACTS,
    requires=(VIEW.key,),
)

ALL = (VIEW, CANCEL)
