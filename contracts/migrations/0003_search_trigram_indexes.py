from django.db import migrations

from crm_site.migration_ops import upper_trigram_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0013_search_trigram_indexes"),
        ("contracts", "0002_default_steps"),
    ]

    operations = [
        upper_trigram_indexes(
            ("contract_number_trgm", "contracts_contract", "number"),
            ("contract_title_trgm", "contracts_contract", "title"),
        ),
    ]
