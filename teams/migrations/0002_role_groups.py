from django.db import migrations

from teams.roles import sync_role_groups


# Frozen here: later migrations extend the groups, so this one must not follow ROLE_PERMISSIONS.
PERMISSIONS = {
    "sales_rep": ["teams.view_user", "teams.view_team"],
    "sales_manager": ["teams.view_user", "teams.view_team"],
    "legal": ["teams.view_user"],
    "general_manager": ["teams.view_user", "teams.view_team"],
    "director": ["teams.view_user", "teams.view_team"],
    "delivery": ["teams.view_user"],
    "aftersales": ["teams.view_user"],
    "admin": [
        "teams.view_user",
        "teams.add_user",
        "teams.change_user",
        "teams.view_team",
        "teams.add_team",
        "teams.change_team",
    ],
}


def create_groups(apps, schema_editor):
    sync_role_groups(apps, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("teams", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
