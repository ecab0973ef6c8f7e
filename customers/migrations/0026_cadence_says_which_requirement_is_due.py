from django.db import migrations, models
from django.db.models import Max, Q
from django.utils import timezone

from crm_site.migration_ops import AddFieldBesidePostgresIndexes

BATCH = 2000


def fill_requirement(apps, schema_editor):
    """Every customer's `next_followup_for` from its follow-ups, as cadence.due() says (the
    date is recomputed with it, so the two agree)."""
    from customers import cadence

    Customer = apps.get_model("customers", "Customer")
    FollowUp = apps.get_model("customers", "FollowUp")
    GradingSettings = apps.get_model("customers", "GradingSettings")
    rules = GradingSettings.objects.filter(pk=1).first() or GradingSettings()
    tz = timezone.get_current_timezone()

    def day(value):
        return value.astimezone(tz).date() if value else None

    last_pk = 0
    while True:
        batch = list(
            Customer.objects.filter(pk__gt=last_pk)
            .order_by("pk")
            .values_list("pk", "grade", "created_at")[:BATCH]
        )
        if not batch:
            return
        last_pk = batch[-1][0]
        stats = {
            row[0]: row[1:]
            for row in FollowUp.objects.filter(customer_id__in=[row[0] for row in batch])
            .order_by()
            .values("customer_id")
            .annotate(
                last_contact=Max("occurred_at"),
                last_visit=Max("occurred_at", filter=Q(method="visit")),
                last_executive=Max("occurred_at", filter=Q(method="visit", executive=True)),
            )
            .values_list("customer_id", "last_contact", "last_visit", "last_executive")
        }
        rows = []
        for pk, grade, created_at in batch:
            last_contact, last_visit, last_executive = stats.get(pk, (None, None, None))
            due = cadence.due(
                grade=grade,
                rules=rules,
                created=day(created_at),
                last_contact=day(last_contact),
                last_visit=day(last_visit),
                last_executive=day(last_executive),
            )
            rows.append(Customer(pk=pk, next_followup_due=due.date, next_followup_for=due.requirement))
        Customer.objects.bulk_update(rows, ["next_followup_due", "next_followup_for"])


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0025_export_kinds"),
    ]

    operations = [
        # SQLite rebuilds the table for it, without the indexes only PostgreSQL has.
        AddFieldBesidePostgresIndexes(
            postgres_indexes=(
                "customer_due_sort",
                "customer_last_followup_sort",
                "customer_phone_trgm",
            ),
            model_name="customer",
            name="next_followup_for",
            field=models.CharField(
                blank=True,
                choices=[
                    ("executive_visit", "Executive visit"),
                    ("routine_contact", "Routine contact"),
                    ("contact", "Contact"),
                    ("visit", "Visit"),
                ],
                max_length=16,
                verbose_name="next follow-up due for",
            ),
        ),
        migrations.RunPython(fill_requirement, migrations.RunPython.noop),
    ]
