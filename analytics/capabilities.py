"""What the analytics app lets a role do (hooks.CAPABILITIES; teams.access)."""

from django.utils.translation import gettext_lazy as _

from crm_site.hooks import Capability
from teams import roles

AREA = "analytics"
AREA_LABEL = _("Analytics")

VIEW = Capability(
    "analytics.view", AREA, AREA_LABEL, _("View the dashboards"), roles.SEES_ANALYTICS
)
SCORECARDS = Capability(
    "analytics.scorecards", AREA, AREA_LABEL, _("View scorecards"), roles.SEES_SCORECARDS
)
SET_TARGETS = Capability(
    "analytics.set_targets", AREA, AREA_LABEL, _("Set targets and budgets"), roles.SETS_TARGETS
)
SET_WEIGHTS = Capability(
    "analytics.set_weights",
    AREA,
    AREA_LABEL,
    _("Set the scorecard weights"),
    roles.SETS_SCORECARD_WEIGHTS,
)
EXPENSES = Capability(
    "analytics.expenses", AREA, AREA_LABEL, _("Open the expenses"), roles.SEES_EXPENSES
)
RECORD_EXPENSES = Capability(
    "analytics.record_expenses",
    AREA,
    AREA_LABEL,
    _("Record expenses"),
    roles.RECORDS_EXPENSES,
    requires=(EXPENSES.key,),
)
APPROVE_EXPENSES = Capability(
    "analytics.approve_expenses",
    AREA,
    AREA_LABEL,
    _("Approve expenses"),
    roles.APPROVES_EXPENSES,
    requires=(EXPENSES.key,),
)

ALL = (VIEW, SCORECARDS, SET_TARGETS, SET_WEIGHTS, EXPENSES, RECORD_EXPENSES, APPROVE_EXPENSES)
