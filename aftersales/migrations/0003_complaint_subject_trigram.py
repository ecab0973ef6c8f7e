from django.db import migrations

from crm_site.migration_ops import upper_trigram_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0013_search_trigram_indexes"),  # pg_trgm
        ("aftersales", "0002_default_deadlines"),
    ]

    operations = [
        # The global search's `subject__icontains` (PostgreSQL only; SQLite scans).
        upper_trigram_indexes(("complaint_subject_trgm", "aftersales_complaint", "subject")),
    ]
