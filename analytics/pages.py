"""What analytics shows on other pages through crm_site/hooks.py (registered in hooks.py):
the navbar's analytics areas. No queries."""

from django.utils.translation import gettext_lazy as _

from crm_site.hooks import NavItem

from . import permissions


def scorecards_nav(*, user):
    if not permissions.sees_scorecards(user):
        return None
    return NavItem("analytics:scorecards", _("Scorecards"), "trophy")


def targets_nav(*, user):
    if not permissions.sees_analytics(user):
        return None
    return NavItem("analytics:targets", _("Targets"), "bullseye")


def expenses_nav(*, user):
    if not permissions.works_with_expenses(user):
        return None
    return NavItem("analytics:expense-list", _("Expenses"), "receipt")
