from django.db import migrations

from crm_site.migration_ops import upper_bigram_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("aftersales", "0004_complaint_covering_indexes"),
    ]

    operations = [
        # The global search's two-character texts (`icontains_indexed`; PostgreSQL only,
        # SQLite scans): trigram indexes cannot serve them.
        upper_bigram_indexes(
            ("complaint_subject_bigram", "aftersales_complaint", "subject"),
        ),
    ]
