"""Demo after-sales data for `manage.py seed_demo` (the DEMO_DATA hook, after the customers'
and the contracts'): the demo after-sales user serves the east region's customers (a region
rule) and two of the south by hand; revisits due and done with satisfaction; complaints at
every status, one of them past its deadlines. Idempotent: a second run adds nothing."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from contracts.models import Contract
from customers.models import Customer, Task
from teams.models import User
from teams.roles import Role

from . import services, warranty
from .models import Complaint, Revisit

S = Complaint.Status

COMPLAINTS = [
    # subject, severity, channel, category, received hours ago, how far it got
    (
        "系统登录缓慢",
        Complaint.Severity.LOW,
        Complaint.Channel.EMAIL,
        Complaint.Category.PRODUCT,
        2,
        S.NEW,
    ),
    (
        "发票抬头错误",
        Complaint.Severity.MEDIUM,
        Complaint.Channel.WECHAT,
        Complaint.Category.BILLING,
        20,
        S.ACKNOWLEDGED,
    ),
    (
        "实施顾问更换频繁",
        Complaint.Severity.HIGH,
        Complaint.Channel.VISIT,
        Complaint.Category.DELIVERY,
        30,
        S.IN_PROGRESS,
    ),
    (
        "报表导出数据缺失",
        Complaint.Severity.MEDIUM,
        Complaint.Channel.PHONE,
        Complaint.Category.PRODUCT,
        70,
        S.RESOLVED,
    ),
    (
        "客服响应态度差",
        Complaint.Severity.LOW,
        Complaint.Channel.HOTLINE,
        Complaint.Category.SERVICE,
        200,
        S.CLOSED,
    ),
    (
        "生产线系统宕机",
        Complaint.Severity.CRITICAL,
        Complaint.Channel.HOTLINE,
        Complaint.Category.PRODUCT,
        60,
        S.NEW,
    ),
]
STEPS = [S.ACKNOWLEDGED, S.IN_PROGRESS, S.RESOLVED, S.CLOSED]


def _walk(complaint, to, by, now):
    if to not in STEPS:
        return
    for step in STEPS[: STEPS.index(to) + 1]:
        if step == S.ACKNOWLEDGED:
            services.complaint_acknowledge(by=by, complaint=complaint)
        elif step == S.IN_PROGRESS:
            services.complaint_start(by=by, complaint=complaint)
        elif step == S.RESOLVED:
            services.complaint_resolve(
                by=by,
                complaint=complaint,
                resolution="已排查原因并修复，回归测试通过",
                told_how=Complaint.Channel.PHONE,
                told_at=now,
            )
        else:
            services.complaint_close(by=by, complaint=complaint, score=4, comment="处理及时")


@transaction.atomic
def seed():
    staff = User.objects.filter(role=Role.AFTERSALES, is_active=True).order_by("pk").first()
    director = User.objects.filter(role=Role.DIRECTOR, is_active=True).order_by("pk").first()
    if staff is None or director is None or Complaint.objects.exists():
        return None
    now = timezone.now()
    today = timezone.localdate()
    services.region_set(by=director, region=Customer.Region.EAST, user=staff)
    south = Customer.objects.filter(region=Customer.Region.SOUTH).order_by("pk")[:2]
    for customer in south:
        services.assign_customer(by=director, customer=customer, user=staff)
    served = list(
        Customer.objects.filter(aftersales_assignment__user=staff).order_by("pk")[
            : len(COMPLAINTS) + 4
        ]
    )
    if not served:
        return None
    made = services.schedule_revisits(today=today)
    # Without contracts in delivery yet, a revisit due this week for the first customers.
    period, _first, _last = warranty.quarter_of(today)
    for customer in served[:3]:
        if not Revisit.objects.filter(customer=customer).exists():
            task = Task.objects.create(
                customer=customer, owner=staff, title="季度回访", due_date=today + timedelta(2)
            )
            Revisit.objects.create(
                customer=customer,
                kind=Revisit.Kind.QUARTERLY,
                period=period,
                due_date=task.due_date,
                assignee=staff,
                task=task,
            )
            made += 1
    records = 0
    for customer, score in zip(served[3:], (5, 3, 4, 2), strict=False):
        services.record_create(
            by=staff,
            customer=customer,
            date=today - timedelta(days=7 * score),
            method="phone",
            feedback="系统运行稳定，希望增加移动端审批",
            resolution="已记录需求并转交销售",
            next_date=today + timedelta(days=90),
            score=score,
            comment="整体满意" if score >= 4 else "响应偏慢",
        )
        records += 1
    for i, (subject, severity, channel, category, hours, to) in enumerate(COMPLAINTS):
        complaint = services.complaint_create(
            by=staff,
            customer=served[i % len(served)],
            subject=subject,
            description=f"客户反映：{subject}",
            channel=channel,
            category=category,
            severity=severity,
            received_at=now - timedelta(hours=hours),
            contract=Contract.objects.filter(customer=served[i % len(served)]).first(),
        )
        _walk(complaint, to, staff, now)
    services.flag_breaches(now=now)
    breached = Complaint.objects.filter(response_breached=True).count()
    return (
        f"after-sales: {len(served)} customers served, {made} revisits, {records} records, "
        f"{len(COMPLAINTS)} complaints ({breached} late)"
    )
