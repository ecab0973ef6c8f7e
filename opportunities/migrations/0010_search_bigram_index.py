from django.db import migrations

from crm_site.migration_ops import upper_bigram_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("opportunities", "0009_status_amount_sort_customer"),
    ]

    operations = [
        # The global search's two-character texts (`icontains_indexed`; PostgreSQL only,
        # SQLite scans): trigram indexes cannot serve them.
        upper_bigram_indexes(
            ("opportunity_name_bigram", "opportunities_opportunity", "name"),
        ),
    ]
