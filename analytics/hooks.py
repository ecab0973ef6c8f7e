"""The analytics app's registrations in crm_site/hooks.py (imported by AnalyticsConfig.ready).
Analytics reads every app and no app reads analytics: it only registers here."""
