from django.db import migrations

from crm_site.migration_ops import upper_bigram_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0007_list_sort_and_decision_indexes"),
    ]

    operations = [
        # The global search's two-character texts (`icontains_indexed`; PostgreSQL only,
        # SQLite scans): trigram indexes cannot serve them.
        upper_bigram_indexes(
            ("contract_number_bigram", "contracts_contract", "number"),
            ("contract_title_bigram", "contracts_contract", "title"),
        ),
    ]
