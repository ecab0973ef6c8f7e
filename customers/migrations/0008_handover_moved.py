"""Merge and Handover keep what moved as a list of {key, label, count} (crm_site.hooks.Moved),
in hook order, with the label as a msgid read in each reader's language. Earlier merges had
{key: count}; earlier handovers had a task count."""

from django.db import migrations, models

# The labels merges used before (customers/merging.py LABELS), as msgids.
LABELS = {
    "contacts": "contacts",
    "followups": "follow-ups",
    "tasks": "tasks",
    "surveys": "needs surveys",
    "tags": "tags",
    "shares": "colleagues",
    "grade_changes": "grade changes",
    "grade_proposals": "grade proposals",
    "handovers": "handovers",
    "merges": "earlier merges",
    "fields": "empty fields filled",
}


def forwards(apps, schema_editor):
    Merge = apps.get_model("customers", "Merge")
    Handover = apps.get_model("customers", "Handover")
    order = list(LABELS)
    for merge in Merge.objects.all().only("moved").iterator():
        if isinstance(merge.moved, dict):
            keys = sorted(merge.moved, key=lambda k: (order.index(k) if k in order else 99, k))
            merge.moved = [
                {"key": k, "label": LABELS.get(k, k), "count": merge.moved[k]} for k in keys
            ]
            merge.save(update_fields=["moved"])
    for handover in Handover.objects.all().only("task_count").iterator():
        handover.moved = [{"key": "tasks", "label": "open tasks", "count": handover.task_count}]
        handover.save(update_fields=["moved"])


def backwards(apps, schema_editor):
    Merge = apps.get_model("customers", "Merge")
    Handover = apps.get_model("customers", "Handover")
    for merge in Merge.objects.all().only("moved").iterator():
        if isinstance(merge.moved, list):
            merge.moved = {row["key"]: row["count"] for row in merge.moved}
            merge.save(update_fields=["moved"])
    for handover in Handover.objects.all().only("moved").iterator():
        handover.task_count = sum(r["count"] for r in handover.moved if r["key"] == "tasks")
        handover.save(update_fields=["task_count"])


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0007_exportlog_progress_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="handover",
            name="moved",
            field=models.JSONField(default=list),
        ),
        migrations.AlterField(
            model_name="merge",
            name="moved",
            field=models.JSONField(default=list),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(
            model_name="handover",
            name="task_count",
        ),
    ]
