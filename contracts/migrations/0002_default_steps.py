"""The approval chain the company starts with: sales manager (销售经理) → legal (法务) →
general manager (总经理), every contract through every step. Admins change it afterwards."""

from django.db import migrations

# (order, role, name), frozen.
STEPS = [
    (10, "sales_manager", "销售经理审批"),
    (20, "legal", "法务审核"),
    (30, "general_manager", "总经理审批"),
]


def seed(apps, schema_editor=None):
    step = apps.get_model("contracts", "ApprovalStep")
    if step.objects.exists():
        return
    step.objects.bulk_create(step(order=o, role=role, name=name) for o, role, name in STEPS)


class Migration(migrations.Migration):
    dependencies = [("contracts", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
