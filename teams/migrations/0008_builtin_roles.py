"""The eight built-in roles as records, each granted what its old role groupings let it do
(every capability's `default`): nobody's powers change. post_migrate runs the same sync, so a
capability an app declares later reaches the built-in roles too."""

from django.db import migrations


def create_builtin_roles(apps, schema_editor):
    from teams import access

    access.sync(apps)


class Migration(migrations.Migration):
    dependencies = [("teams", "0007_role_records")]

    operations = [migrations.RunPython(create_builtin_roles, migrations.RunPython.noop)]
