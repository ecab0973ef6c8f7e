from django.db import migrations

from teams.roles import sync_role_groups

# Model permissions of the customers app per role, frozen here (row visibility is the policy's).
PERMISSIONS = {
    "sales_rep": [
        "customers.view_customer",
        "customers.add_customer",
        "customers.change_customer",
        "customers.view_contact",
        "customers.add_contact",
        "customers.change_contact",
        "customers.view_followup",
        "customers.add_followup",
        "customers.view_task",
        "customers.change_task",
        "customers.view_needssurvey",
        "customers.add_needssurvey",
    ],
    "sales_manager": [
        "customers.view_customer",
        "customers.add_customer",
        "customers.change_customer",
        "customers.view_contact",
        "customers.add_contact",
        "customers.change_contact",
        "customers.view_followup",
        "customers.add_followup",
        "customers.view_task",
        "customers.change_task",
        "customers.view_needssurvey",
        "customers.add_needssurvey",
        "customers.view_gradeproposal",
        "customers.change_gradeproposal",
        "customers.add_handover",
        "customers.add_merge",
    ],
    "director": [
        "customers.view_customer",
        "customers.change_customer",
        "customers.view_contact",
        "customers.view_followup",
        "customers.view_gradeproposal",
        "customers.change_gradeproposal",
    ],
    "general_manager": ["customers.view_customer", "customers.view_followup"],
    "admin": [
        "customers.view_customer",
        "customers.change_customer",
        "customers.add_handover",
        "customers.view_gradingsettings",
        "customers.change_gradingsettings",
        "customers.add_industry",
        "customers.change_industry",
        "customers.add_tag",
        "customers.change_tag",
    ],
}


def grant(apps, schema_editor):
    sync_role_groups(apps, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial"), ("teams", "0002_role_groups")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
