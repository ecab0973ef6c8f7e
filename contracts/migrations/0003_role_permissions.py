from django.db import migrations

from teams.roles import sync_role_groups

_VIEW = [
    "contracts.view_contract",
    "contracts.view_contractline",
    "contracts.view_attachment",
    "contracts.view_approvalround",
    "contracts.view_approvaldecision",
    "contracts.view_instalment",
    "contracts.view_payment",
    "contracts.view_invoice",
]
_REP = [
    *_VIEW,
    "contracts.add_contract",
    "contracts.change_contract",
    "contracts.add_attachment",
    "contracts.add_instalment",
    "contracts.change_instalment",
    "contracts.add_payment",
    "contracts.add_invoice",
    "contracts.add_delegation",
]

# Model permissions of the contracts app per role, frozen here (row visibility is the
# policy's, actions are the rules in contracts/permissions.py).
PERMISSIONS = {
    "sales_rep": _REP,
    "sales_manager": [*_REP, "contracts.add_approvaldecision"],
    "legal": [*_VIEW, "contracts.add_approvaldecision", "contracts.add_delegation"],
    "general_manager": [*_VIEW, "contracts.add_approvaldecision", "contracts.add_delegation"],
    "director": [*_REP, "contracts.add_approvaldecision"],
    "admin": [
        *_VIEW,
        "contracts.view_approvalstep",
        "contracts.add_approvalstep",
        "contracts.change_approvalstep",
        "contracts.view_delegation",
        "contracts.add_delegation",
        "contracts.change_delegation",
    ],
}


def grant(apps, schema_editor):
    sync_role_groups(apps, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("contracts", "0002_default_steps"), ("teams", "0002_role_groups")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
