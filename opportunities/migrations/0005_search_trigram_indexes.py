from django.db import migrations

from crm_site.migration_ops import upper_trigram_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0013_search_trigram_indexes"),
        ("opportunities", "0004_drop_role_permissions"),
    ]

    operations = [
        upper_trigram_indexes(
            ("opportunity_name_trgm", "opportunities_opportunity", "name"),
        ),
    ]
