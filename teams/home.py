"""What the home page shows each role.

Apps add panels with `register_panel(template_name, predicate, context)` in their
AppConfig.ready(): a panel is a template fragment shown to users the predicate accepts,
rendered with `panel` set to what `context(user)` returns.
"""

from django.utils.translation import gettext_lazy as _

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

_PANELS = []


def register_panel(template_name, predicate=None, context=None):
    _PANELS.append((template_name, predicate, context))


def panels_for(user):
    return [
        {"template": name, "context": context(user) if context else {}}
        for name, predicate, context in _PANELS
        if predicate is None or predicate(user)
    ]
