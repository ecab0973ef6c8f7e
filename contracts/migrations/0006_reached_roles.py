from django.db import migrations, models


def backfill(apps, schema_editor):
    """Each contract's reached roles: the steps decided in its rounds and the one it waits
    at now."""
    contract = apps.get_model("contracts", "Contract")
    decision = apps.get_model("contracts", "ApprovalDecision")
    reached = {}
    for contract_id, role in decision.objects.values_list("round__contract_id", "step__role"):
        reached.setdefault(contract_id, set()).add(role)
    waiting = contract.objects.filter(current_step__isnull=False)
    for contract_id, role in waiting.values_list("pk", "current_step__role"):
        reached.setdefault(contract_id, set()).add(role)
    by_value = {}
    for contract_id, roles in reached.items():
        by_value.setdefault("|" + "|".join(sorted(roles)) + "|", []).append(contract_id)
    for value, ids in by_value.items():
        for start in range(0, len(ids), 5000):
            contract.objects.filter(pk__in=ids[start : start + 5000]).update(reached_roles=value)


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0005_amendments"),
    ]

    operations = [
        migrations.AddField(
            model_name="contract",
            name="reached_roles",
            field=models.CharField(blank=True, default="", editable=False, max_length=200),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
