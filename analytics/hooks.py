"""The analytics app's registrations in crm_site/hooks.py (imported by AnalyticsConfig.ready).
Analytics reads every app and no app reads analytics: it only registers here."""

from crm_site import hooks

from . import demo, pages, volume

hooks.register(hooks.NAV_ITEMS, pages.targets_nav, order=710)
hooks.register(hooks.NAV_ITEMS, pages.scorecards_nav, order=720)
hooks.register(hooks.NAV_ITEMS, pages.expenses_nav, order=730)
hooks.register(hooks.DEMO_DATA, demo.seed, order=900)
hooks.register(hooks.VOLUME_DATA, volume.seed, order=900)
