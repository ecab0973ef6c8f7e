"""The analytics app's registrations in crm_site/hooks.py (imported by AnalyticsConfig.ready).
Analytics reads every app and no app reads analytics: it only registers here."""

from crm_site import hooks

from . import demo, pages, volume

hooks.register(hooks.NAV_ITEMS, pages.analytics_nav, order=810)
hooks.register(hooks.DEMO_DATA, demo.seed, order=900)
hooks.register(hooks.VOLUME_DATA, volume.seed, order=900)
