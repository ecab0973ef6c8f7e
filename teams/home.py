"""What the home page shows each role: an introduction, and the apps' HOME_PANELS hooks
(crm_site/hooks.py), each a card or nothing for the user."""

from django.utils.translation import gettext_lazy as _

from crm_site import hooks

from .models import Role

ROLE_INTROS = {
    Role.SALES_REP: _(
        "Log your visits and calls, keep every customer on cadence, move your deals."
    ),
    Role.SALES_MANAGER: _(
        "Review your team's quotes, approve contracts first, reassign customers, set targets."
    ),
    Role.LEGAL: _("Review the contracts waiting for your approval."),
    Role.GENERAL_MANAGER: _("Give the final approval on contracts and follow the whole business."),
    Role.DIRECTOR: _("Read the KPI dashboards, set team targets and KPI weights."),
    Role.DELIVERY: _("Plan and deliver the projects of signed contracts."),
    Role.AFTERSALES: _("Follow up customers after delivery and handle their complaints."),
    Role.ADMIN: _("Manage users, teams, roles and the settings everyone works with."),
}


def panels_for(user):
    return [panel for fn in hooks.get(hooks.HOME_PANELS) if (panel := fn(user=user)) is not None]
