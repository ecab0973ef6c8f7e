"""Demo delivery for `manage.py seed_demo`: the demo delivery user is a lead; four signed
contracts of the demo reps (made here, as signed, when the contracts demo has none to spare):
one delivered and completed after a passed acceptance, one in delivery with weekly notes, a
late phase and an approved change request, one whose acceptance failed with open items, and
one signed and waiting to be assigned. Run through the services; idempotent (the contracts
are found again by their titles)."""

from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from contracts.models import Contract, ContractStatusChange
from contracts.services.contracts import contract_create
from contracts.services.lifecycle import contract_complete
from customers.models import Customer
from teams.models import User

from .models import DeliveryLead, Plan
from .services import acceptance, changes, plan
from .services.assignment import delivery_assign, delivery_lead_set

TITLES = [
    "ERP 实施项目（交付示例）",
    "MES 上线项目（交付示例）",
    "WMS 改造项目（交付示例）",
    "CRM 部署项目（交付示例）",
]
SCAN = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"


def _contract(title, rep, today):
    found = Contract.objects.filter(title=title).first()
    if found is not None:
        return found
    customer = Customer.objects.filter(owner=rep).order_by("pk").first()
    contract = contract_create(
        customer=customer,
        by=rep,
        lines=[{"description": "实施服务", "unit": "项", "quantity": 1, "unit_price": "180000"}],
        title=title,
        start_date=today - timedelta(days=90),
        end_date=today + timedelta(days=275),
        payment_terms="签约后付 50%，验收后付 50%",
        key_terms="按实施计划分阶段交付，验收合格后付尾款",
        signing_entity="示例科技有限公司",
        warranty="12 个月",
    )
    # Approval and signing are the contracts demo's story; these arrive signed.
    signed_on = today - timedelta(days=85)
    Contract.objects.filter(pk=contract.pk).update(
        status=Contract.Status.SIGNED, signed_on=signed_on
    )
    ContractStatusChange.objects.create(
        subject=contract,
        from_status=Contract.Status.DRAFT,
        to_status=Contract.Status.SIGNED,
        by=rep,
    )
    contract.refresh_from_db()
    return contract


def _phases(contract, owner, today, specs):
    made = []
    for name, start, days in specs:
        first = today + timedelta(days=start)
        made.append(
            plan.phase_save(
                contract=contract,
                by=owner,
                name=name,
                start_date=first,
                end_date=first + timedelta(days=days),
                owner=owner,
                key_tasks=f"{name}：确认范围、排期与责任人",
                deliverables=f"{name}报告",
                risks="客户关键用户时间不足",
                mitigations="提前一周约定评审时间",
            )
        )
    return made


def _accept(contract, by, today, result, items=()):
    return acceptance.acceptance_record(
        contract=contract,
        by=by,
        accepted_on=today,
        accepted_by_name="客户项目经理",
        accepted_by_title="信息部经理",
        scope="合同约定的全部模块上线及用户培训",
        result=result,
        open_items=list(items),
        signatory="客户项目经理",
        scan=SimpleUploadedFile("验收报告.pdf", SCAN),
    )


@transaction.atomic
def seed_demo():
    users = {u.username: u for u in User.objects.filter(username__in=["admin", "delivery"])}
    reps = list(User.objects.filter(username__in=["rep_sh1", "rep_hz1", "rep_gz1", "rep_sh2"]))
    if len(users) < 2 or len(reps) < 4:
        return None
    if Plan.objects.filter(contract__title__in=TITLES).exists():
        return "delivery: already there"
    today = timezone.localdate()
    lead = users["delivery"]
    if not DeliveryLead.objects.filter(user=lead).exists():
        delivery_lead_set(user=lead, by=users["admin"], lead=True)
    done, going, failed, waiting = (
        _contract(title, rep, today) for title, rep in zip(TITLES, reps, strict=True)
    )
    for contract in (done, going, failed):
        delivery_assign(contract=contract, by=lead, owner=lead, members=[])

    # Delivered: three phases done, a passed acceptance, completed.
    for phase in _phases(
        done, lead, today, [("需求调研", -88, 14), ("系统配置", -70, 30), ("上线培训", -35, 20)]
    ):
        plan.phase_start(phase=phase, by=lead)
        plan.phase_complete(phase=phase, by=lead, today=phase.end_date)
    _accept(done, lead, today - timedelta(days=10), "pass")
    contract_complete(contract=done, by=lead)

    # In delivery: one done, one in progress and late, two ahead; notes and a change.
    phases = _phases(
        going,
        lead,
        today,
        [("需求调研", -80, 20), ("系统开发", -50, 45), ("联调测试", 0, 30), ("上线培训", 35, 25)],
    )
    plan.phase_start(phase=phases[0], by=lead)
    plan.phase_complete(phase=phases[0], by=lead, today=phases[0].end_date)
    plan.phase_start(phase=phases[1], by=lead)
    plan.phase_progress(phase=phases[1], by=lead, percent=70)
    for weeks in (2, 1, 0):
        plan.progress_note_add(
            contract=going,
            by=lead,
            week_of=today - timedelta(weeks=weeks),
            body="完成接口开发与数据迁移脚本，客户确认了报表样式。",
            next_steps="联调测试环境准备",
        )
    change = changes.change_request_create(
        contract=going,
        by=lead,
        title="增加移动端审批",
        description="客户要求在手机上审批采购单，新增移动端页面三个。",
        cost_impact=Decimal("15000.00"),
        schedule_days=14,
        phases=phases[2:],
        shift_phases=True,
        customer_name="客户项目经理",
        customer_title="信息部经理",
        customer_confirmed_on=today - timedelta(days=3),
    )
    changes.change_request_approve(change=change, by=lead, comment="同意，费用计入合同")

    # Acceptance failed: the open items stay tracked until a new acceptance.
    for phase in _phases(failed, lead, today, [("实施部署", -80, 40), ("验收准备", -35, 20)]):
        plan.phase_start(phase=phase, by=lead)
        plan.phase_complete(phase=phase, by=lead, today=phase.end_date)
    _accept(
        failed,
        lead,
        today - timedelta(days=5),
        "fail",
        ["库存报表数据不一致", "扫码枪接口偶发超时"],
    )

    return (
        "delivery: 4 contracts (completed, in delivery with a change, a failed acceptance, "
        f"waiting to be assigned: {waiting.number})"
    )
