"""The complaint deadlines of issue 13: reply within 72/48/24/4 hours, resolve within
15/7/3/1 working days (low, medium, high, critical)."""

from django.db import migrations

DEFAULTS = {"low": (72, 15), "medium": (48, 7), "high": (24, 3), "critical": (4, 1)}


def seed(apps, schema_editor=None):
    model = apps.get_model("aftersales", "SeverityDeadline")
    for severity, (hours, days) in DEFAULTS.items():
        model.objects.get_or_create(
            severity=severity, defaults={"respond_hours": hours, "resolve_working_days": days}
        )


class Migration(migrations.Migration):
    dependencies = [("aftersales", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
