from django.db import migrations

# Frozen here: the roles as they were when their Groups last carried model permissions.
ROLES = [
    "sales_rep",
    "sales_manager",
    "legal",
    "general_manager",
    "director",
    "delivery",
    "aftersales",
    "admin",
]


def revoke(apps, schema_editor):
    """Nothing checks this app's model permissions (every action is a rule in permissions.py,
    and only superusers open the Django admin): the role Groups stop carrying them."""
    through = apps.get_model("auth", "Group").permissions.through
    through.objects.filter(
        group__name__in=ROLES, permission__content_type__app_label="customers"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("customers", "0011_status_changes")]

    operations = [migrations.RunPython(revoke, migrations.RunPython.noop)]
