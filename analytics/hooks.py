"""The analytics app's registrations in crm_site/hooks.py (imported by AnalyticsConfig.ready).
Analytics reads every app and no app reads analytics: it only registers here."""

from django.utils.translation import gettext_lazy as _

from crm_site import hooks

from . import demo, pages, volume
from .kpis.access import can_view_dashboard


def dashboard_area(*, user):
    """The KPI dashboard in the navbar, for who reads figures (each their own scope)."""
    if can_view_dashboard(user):
        return hooks.NavItem("analytics:dashboard", _("KPI dashboard"), "graph-up")
    return None


hooks.register(hooks.NAV_ITEMS, dashboard_area, order=800)
hooks.register(hooks.NAV_ITEMS, pages.analytics_nav, order=810)
hooks.register(hooks.DEMO_DATA, demo.seed, order=900)
hooks.register(hooks.VOLUME_DATA, volume.seed, order=900)


@hooks.register(hooks.CAPABILITIES, order=600)
def declare_capabilities():
    from . import capabilities

    return capabilities.ALL
