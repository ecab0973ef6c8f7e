from django.db import migrations

from crm_site.migration_ops import upper_bigram_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0023_customer_sight_index"),
    ]

    operations = [
        # The global search's two-character texts (`icontains_indexed`; PostgreSQL only,
        # SQLite scans): trigram indexes cannot serve them.
        upper_bigram_indexes(
            ("customer_name_bigram", "customers_customer", "name"),
            ("contact_name_bigram", "customers_contact", "name"),
        ),
    ]
