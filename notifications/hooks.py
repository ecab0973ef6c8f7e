"""The notifications app's registrations in crm_site/hooks.py (imported by
NotificationsConfig.ready): "my agenda" in the navbar."""

from django.utils.translation import gettext_lazy as _

from crm_site import hooks


def agenda_area(*, user):
    return hooks.NavItem("notifications:agenda", _("My agenda"), "calendar-week")


hooks.register(hooks.NAV_ITEMS, agenda_area, order=90)
