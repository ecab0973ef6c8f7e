"""What analytics shows on other pages through crm_site/hooks.py (registered in hooks.py):
the navbar's entry to targets, budgets, expenses and scorecards (the pages link to each other
through templates/analytics/partials/subnav.html). No queries."""

from django.utils.translation import gettext_lazy as _

from crm_site.hooks import NavItem

from . import permissions


def analytics_nav(*, user):
    """Managers and above: targets and scores; a rep: their own scorecard (and expenses)."""
    if permissions.sees_analytics(user):
        return NavItem("analytics:targets", _("Targets and scores"), "bullseye")
    if permissions.sees_scorecards(user):
        return NavItem("analytics:scorecards", _("My scorecard"), "trophy")
    return None
