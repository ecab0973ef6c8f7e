from django.db import migrations

from teams.roles import sync_role_groups

_REP = [
    "opportunities.view_opportunity",
    "opportunities.add_opportunity",
    "opportunities.change_opportunity",
    "opportunities.view_competitor",
    "opportunities.add_competitor",
    "opportunities.change_competitor",
    "opportunities.delete_competitor",
    "opportunities.view_quote",
    "opportunities.add_quote",
    "opportunities.change_quote",
    "opportunities.view_quoteline",
    "opportunities.add_quoteline",
    "opportunities.change_quoteline",
    "opportunities.delete_quoteline",
    "opportunities.view_product",
    "opportunities.view_stage",
    "opportunities.view_lostreason",
    "opportunities.view_stageskiprequest",
    "opportunities.add_stageskiprequest",
    "opportunities.view_extensionrequest",
    "opportunities.add_extensionrequest",
]

# Model permissions of the opportunities app per role, frozen here (row visibility is the
# policy's, actions are the rules in opportunities/permissions.py).
PERMISSIONS = {
    "sales_rep": _REP,
    "sales_manager": [
        *_REP,
        "opportunities.change_stageskiprequest",
        "opportunities.change_extensionrequest",
        "opportunities.add_quotereview",
        "opportunities.view_quotereview",
        "opportunities.view_forecastcommit",
        "opportunities.add_forecastcommit",
    ],
    "director": [
        "opportunities.view_opportunity",
        "opportunities.change_opportunity",
        "opportunities.view_quote",
        "opportunities.view_quoteline",
        "opportunities.add_quotereview",
        "opportunities.view_quotereview",
        "opportunities.view_product",
        "opportunities.add_product",
        "opportunities.change_product",
        "opportunities.view_stage",
        "opportunities.view_forecastcommit",
        "opportunities.add_forecastcommit",
    ],
    "general_manager": [
        "opportunities.view_opportunity",
        "opportunities.view_quote",
        "opportunities.view_quoteline",
        "opportunities.view_product",
        "opportunities.view_stage",
        "opportunities.view_forecastcommit",
    ],
    "admin": [
        "opportunities.view_opportunity",
        "opportunities.change_opportunity",
        "opportunities.view_product",
        "opportunities.add_product",
        "opportunities.change_product",
        "opportunities.view_stage",
        "opportunities.add_stage",
        "opportunities.change_stage",
        "opportunities.delete_stage",
        "opportunities.view_stagerequirement",
        "opportunities.add_stagerequirement",
        "opportunities.change_stagerequirement",
        "opportunities.delete_stagerequirement",
        "opportunities.view_lostreason",
        "opportunities.add_lostreason",
        "opportunities.change_lostreason",
        "opportunities.view_opportunitysettings",
        "opportunities.change_opportunitysettings",
    ],
}


def grant(apps, schema_editor):
    sync_role_groups(apps, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("opportunities", "0002_default_stages"), ("teams", "0002_role_groups")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
