"""What the opportunities app lets a role do (hooks.CAPABILITIES; teams.access)."""

from django.utils.translation import gettext_lazy as _

from crm_site.hooks import Capability
from teams import roles

AREA = "opportunities"
AREA_LABEL = _("Opportunities")

VIEW = Capability(
    "opportunities.view",
    AREA,
    AREA_LABEL,
    _("View the pipeline, forecast and quotes"),
    roles.SALES_ROLES,
)
SEE_COSTS = Capability(
    "opportunities.see_costs",
    AREA,
    AREA_LABEL,
    _("See unit costs and margins"),
    roles.SEES_COSTS,
    requires=(VIEW.key,),
)
APPROVE_DISCOUNTS = Capability(
    "opportunities.approve_discounts",
    AREA,
    AREA_LABEL,
    _("Approve discounts beyond the limit"),
    roles.APPROVES_DISCOUNTS,
    requires=(VIEW.key,),
)
COMMIT_FORECAST = Capability(
    "opportunities.commit_forecast",
    AREA,
    AREA_LABEL,
    _("Commit team forecasts"),
    roles.COMMITS_FORECAST,
    requires=(VIEW.key,),
)
MANAGE_CATALOGUE = Capability(
    "opportunities.manage_catalogue",
    AREA,
    AREA_LABEL,
    _("Manage the product catalogue"),
    roles.MANAGES_CATALOGUE,
)
SETTINGS = Capability(
    "opportunities.settings",
    AREA,
    AREA_LABEL,
    _("Stages, lost reasons and sales settings"),
    roles.ADMIN_ROLES,
)

ALL = (VIEW, SEE_COSTS, APPROVE_DISCOUNTS, COMMIT_FORECAST, MANAGE_CATALOGUE, SETTINGS)
