"""The stages the process starts with (初步接触 → 需求确认 → 方案报价 → 商务谈判 → 赢单 / 输单),
their checklists, the lost reasons and the settings row. Admins change them afterwards.

Checklists follow the process: the needs are confirmed with a needs survey and a decision
maker known; a quote is worked out knowing the competitors and with a close date still ahead;
negotiation starts from an approved quote and a budget the customer confirmed. Entering
方案报价 confirms the needs (the solution is due within the working days of the settings).
"""

from django.db import migrations

# (code, name, order, default probability, won, lost, confirms needs, [(kind, text)]), frozen.
STAGES = [
    ("initial", "初步接触", 1, 10, False, False, False, []),
    (
        "needs",
        "需求确认",
        2,
        30,
        False,
        False,
        False,
        [("needs_survey", ""), ("decision_maker", "")],
    ),
    (
        "proposal",
        "方案报价",
        3,
        50,
        False,
        False,
        True,
        [("competitors", ""), ("close_date_future", "")],
    ),
    (
        "negotiation",
        "商务谈判",
        4,
        70,
        False,
        False,
        False,
        [("approved_quote", ""), ("custom", "客户已确认预算与采购流程")],
    ),
    ("won", "赢单", 90, 100, True, False, False, []),
    ("lost", "输单", 91, 0, False, True, False, []),
]

# (name, lost to a competitor)
LOST_REASONS = [
    ("价格", False),
    ("产品匹配度", False),
    ("竞争对手", True),
    ("无预算", False),
    ("时机", False),
    ("其他", False),
]


def seed(apps, schema_editor=None):
    """Idempotent: what exists (by code or name) is left as it is."""
    stage_model = apps.get_model("opportunities", "Stage")
    requirement_model = apps.get_model("opportunities", "StageRequirement")
    for code, name, order, probability, won, lost, confirms, requirements in STAGES:
        if stage_model.objects.filter(code=code).exists():
            continue
        stage = stage_model.objects.create(
            code=code,
            name=name,
            order=order,
            default_probability=probability,
            is_won=won,
            is_lost=lost,
            confirms_needs=confirms,
        )
        for position, (kind, text) in enumerate(requirements, start=1):
            requirement_model.objects.create(stage=stage, kind=kind, text=text, order=position)
    reason_model = apps.get_model("opportunities", "LostReason")
    for position, (name, needs_competitor) in enumerate(LOST_REASONS, start=1):
        reason_model.objects.get_or_create(
            name=name, defaults={"needs_competitor": needs_competitor, "order": position}
        )
    apps.get_model("opportunities", "OpportunitySettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("opportunities", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
