"""Stages are rows an admin edits: create, rename, reorder, deactivate, delete (refused while
they hold opportunities), checklists, lost reasons and the settings."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied

from opportunities.errors import InvalidInput, OpportunityError
from opportunities.models import OpportunitySettings, Stage, StageRequirement
from opportunities.services import moves, setup
from tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db


def open_names():
    return list(Stage.objects.open().values_list("name", flat=True))


def test_the_seeded_process(stages):
    assert open_names() == ["初步接触", "需求确认", "方案报价", "商务谈判"]
    assert [s.name for s in Stage.objects.board()] == [*open_names(), "赢单", "输单"]
    assert [s.default_probability for s in Stage.objects.board()] == [10, 30, 50, 70, 100, 0]
    assert list(stages["needs"].requirements.values_list("kind", flat=True)) == [
        "needs_survey",
        "decision_maker",
    ]
    assert stages["proposal"].confirms_needs


def test_an_admin_adds_reorders_and_renames_stages(admin_user, stages):
    demo = setup.stage_create(by=admin_user, name="产品演示", default_probability=40)
    assert open_names()[-1] == "产品演示"
    order = [stages["initial"], stages["needs"], demo, stages["proposal"], stages["negotiation"]]
    setup.stages_reorder(by=admin_user, stages=order)
    assert open_names() == ["初步接触", "需求确认", "产品演示", "方案报价", "商务谈判"]
    setup.stage_update(by=admin_user, stage=demo, name="方案演示", default_probability=45)
    demo.refresh_from_db()
    assert (demo.name, demo.default_probability) == ("方案演示", 45)
    with pytest.raises(OpportunityError, match="each once"):
        setup.stages_reorder(by=admin_user, stages=order[:-1])
    with pytest.raises(InvalidInput, match="Another stage"):
        setup.stage_create(by=admin_user, name="赢单", default_probability=10)


def test_a_new_stage_in_the_middle_is_a_step_that_cannot_be_skipped(admin_user, rep, customer):
    demo = setup.stage_create(by=admin_user, name="产品演示", default_probability=40)
    stages = {s.code: s for s in Stage.objects.exclude(code="")}
    setup.stages_reorder(
        by=admin_user,
        stages=[
            stages["initial"],
            demo,
            stages["needs"],
            stages["proposal"],
            stages["negotiation"],
        ],
    )
    opportunity = OpportunityFactory(customer=customer)
    with pytest.raises(OpportunityError, match="产品演示"):
        moves.opportunity_move(opportunity=opportunity, to_stage=stages["needs"], by=rep)
    moves.opportunity_move(opportunity=opportunity, to_stage=demo, by=rep)


def test_deleting_a_stage_that_holds_opportunities_is_refused(admin_user, stages):
    demo = setup.stage_create(by=admin_user, name="产品演示", default_probability=40)
    OpportunityFactory(stage=demo)
    with pytest.raises(OpportunityError, match="holds 1 opportunity"):
        setup.stage_delete(by=admin_user, stage=demo)
    with pytest.raises(OpportunityError, match="holds 1 open opportunity"):
        setup.stage_deactivate(by=admin_user, stage=demo)
    assert Stage.objects.get(pk=demo.pk).is_active


def test_an_empty_stage_is_deleted_one_with_history_deactivated(admin_user, rep, customer):
    empty = setup.stage_create(by=admin_user, name="空阶段", default_probability=20)
    setup.stage_delete(by=admin_user, stage=empty)
    assert not Stage.objects.filter(name="空阶段").exists()

    stages = {s.code: s for s in Stage.objects.exclude(code="")}
    opportunity = OpportunityFactory(customer=customer)
    moves.opportunity_move(opportunity=opportunity, to_stage=stages["needs"], by=rep)
    moves.opportunity_move(opportunity=opportunity, to_stage=stages["initial"], by=rep)
    moves.opportunity_move(opportunity=opportunity, to_stage=stages["needs"], by=rep)
    with pytest.raises(OpportunityError, match="deactivate it instead"):
        setup.stage_delete(by=admin_user, stage=stages["initial"])
    setup.stage_deactivate(by=admin_user, stage=stages["initial"])
    assert open_names() == ["需求确认", "方案报价", "商务谈判"]


def test_won_and_lost_stay(admin_user, stages):
    for code in ("won", "lost"):
        with pytest.raises(OpportunityError, match="part of the process"):
            setup.stage_deactivate(by=admin_user, stage=stages[code])
        with pytest.raises(OpportunityError, match="part of the process"):
            setup.stage_delete(by=admin_user, stage=stages[code])
    setup.stage_update(by=admin_user, stage=stages["won"], name="签约")
    assert Stage.objects.get(is_won=True).name == "签约"


def test_checklist_items(admin_user, stages):
    item = setup.requirement_add(
        by=admin_user, stage=stages["initial"], kind="custom", text="已登记客户信息"
    )
    assert item.label == "已登记客户信息"
    with pytest.raises(InvalidInput):
        setup.requirement_add(by=admin_user, stage=stages["initial"], kind="custom")
    with pytest.raises(InvalidInput, match="already"):
        setup.requirement_add(by=admin_user, stage=stages["needs"], kind="needs_survey")
    setup.requirement_add(by=admin_user, stage=stages["initial"], kind="close_date_future")
    setup.requirement_remove(by=admin_user, requirement=item)
    assert list(stages["initial"].requirements.values_list("kind", flat=True)) == [
        StageRequirement.Kind.CLOSE_DATE_FUTURE
    ]


@pytest.mark.parametrize("role_fixture", ["rep", "manager", "director", "general_manager"])
def test_only_admins_set_up(request, stages, role_fixture):
    user = request.getfixturevalue(role_fixture)
    with pytest.raises(PermissionDenied):
        setup.stage_create(by=user, name="x", default_probability=10)
    with pytest.raises(PermissionDenied):
        setup.settings_update(by=user, solution_working_days=3)
    with pytest.raises(PermissionDenied):
        setup.lost_reason_create(by=user, name="x")


def test_lost_reasons_and_settings(admin_user, stages):
    reason = setup.lost_reason_create(by=admin_user, name="交期太长")
    setup.lost_reason_update(by=admin_user, lost_reason=reason, is_active=False)
    reason.refresh_from_db()
    assert not reason.is_active
    settings = setup.settings_update(
        by=admin_user, discount_limit_percent="15", solution_working_days=3
    )
    assert (settings.discount_limit_percent, settings.solution_working_days) == (D("15"), 3)
    with pytest.raises(InvalidInput):
        setup.settings_update(by=admin_user, discount_limit_percent="120")
    assert OpportunitySettings.load().discount_limit_percent == D("15")
