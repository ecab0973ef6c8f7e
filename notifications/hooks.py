"""The notifications app's registrations in crm_site/hooks.py (imported by
NotificationsConfig.ready)."""

from django.utils.translation import gettext_lazy as _

from crm_site import hooks


def reminders(*, user):
    """Admins: the rules, their thresholds and the teams' robots."""
    if not user.has_perm("notifications.manage_reminders"):
        return None
    return hooks.NavItem("notifications:rule-list", _("Reminders"), "alarm")


# Just before the administration areas (900+, teams), which close the navbar.
hooks.register(hooks.NAV_ITEMS, reminders, order=899)
