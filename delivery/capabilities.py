"""What the delivery app lets a role do (hooks.CAPABILITIES; teams.access)."""

from django.utils.translation import gettext_lazy as _

from crm_site.hooks import Capability
from teams import roles

AREA = __package__  # the app's name
AREA_LABEL = _("Delivery")

VIEW = Capability(
    "delivery.view", AREA, AREA_LABEL, _("Open the delivery area"), roles.SEES_DELIVERY
)
MARK_LEADS = Capability(
    "delivery.mark_leads", AREA, AREA_LABEL, _("Mark delivery leads"), roles.MARKS_DELIVERY_LEADS
)

ALL = (VIEW, MARK_LEADS)
