"""Demo customers for `manage.py seed_demo`: about sixty companies across grades, statuses,
tags of every dimension, industries, regions and the demo reps and managers, each with one to
three contacts and a year of follow-ups (some overdue, some recorded late, visits with a
check-in around Shanghai, Hangzhou and Guangzhou), two needs surveys, open tasks for the reps
and one A customer waiting for its second check.

Deterministic (each customer draws from its own `random.Random`) and idempotent: a customer
whose name already exists is left alone, so a second run creates nothing.
"""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from teams.models import User

from . import services
from .models import (
    Contact,
    Customer,
    FollowUp,
    GradingSettings,
    Industry,
    NeedLine,
    NeedsSurvey,
    Tag,
    Task,
)

SEED = 2026
COUNT = 60

INDUSTRIES = ["制造业", "零售业", "软件与信息服务", "医疗器械", "物流", "新能源", "食品饮料"]
TAGS = {
    Tag.Dimension.INDUSTRY: ["离散制造", "连锁零售", "电子商务"],
    Tag.Dimension.NEED: ["新品采购", "服务续费", "系统升级", "产能扩张"],
    Tag.Dimension.RELATIONSHIP: ["高层对接", "中层对接", "基层对接"],
    Tag.Dimension.CUSTOM: ["重点跟进", "竞品在用", "价格敏感"],
}
# Owners (demo usernames) and where their customers are: city, latitude, longitude, region.
OWNERS = {
    "rep_sh1": ("上海", 31.2304, 121.4737, Customer.Region.EAST),
    "rep_sh2": ("上海", 31.2304, 121.4737, Customer.Region.EAST),
    "rep_hz1": ("杭州", 30.2741, 120.1551, Customer.Region.EAST),
    "rep_gz1": ("广州", 23.1291, 113.2644, Customer.Region.SOUTH),
    "rep_gz2": ("广州", 23.1291, 113.2644, Customer.Region.SOUTH),
    "manager_sh": ("上海", 31.2304, 121.4737, Customer.Region.EAST),
    "manager_gz": ("广州", 23.1291, 113.2644, Customer.Region.SOUTH),
    "manager_east": ("苏州", 31.2990, 120.5853, Customer.Region.EAST),
}
# Reps own most customers: each rep appears twice in the rotation, managers once.
ROTATION = [name for name in OWNERS for _ in range(2 if name.startswith("rep_") else 1)]
BRANDS = [
    "华信", "鼎盛", "恒泰", "博远", "瑞丰", "天成", "嘉禾", "中科", "宏达", "金桥",
    "海润", "正阳", "远航", "聚能", "合力", "新元", "东方", "锦程", "卓越", "凯达",
    "永安", "明德", "信诚", "华晟", "同创", "开元", "泰和", "立方", "星辰", "启明",
    "长风", "安泰", "联众", "国信", "德茂", "汇通", "众诚", "隆基", "万达", "亿丰",
    "广源", "富康", "宝丰", "泰康", "华美", "欣荣", "盛达", "佳美", "晨光", "恒信",
    "蓝海", "凌云", "天瑞", "中天", "和顺", "兴业", "融创", "鑫源", "思远", "致远",
]  # fmt: skip
BUSINESSES = {
    "制造业": "精密机械",
    "零售业": "商贸",
    "软件与信息服务": "信息技术",
    "医疗器械": "医疗科技",
    "物流": "供应链管理",
    "新能源": "新能源科技",
    "食品饮料": "食品",
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "强", "洋", "艳", "杰", "军", "勇", "涛", "明", "超"]
TITLES = [
    ("总经理", Contact.DecisionRole.DECISION_MAKER),
    ("采购总监", Contact.DecisionRole.DECISION_MAKER),
    ("IT经理", Contact.DecisionRole.TECHNICAL),
    ("技术主管", Contact.DecisionRole.TECHNICAL),
    ("生产主管", Contact.DecisionRole.USER),
    ("采购专员", Contact.DecisionRole.USER),
]
SUMMARIES = {
    FollowUp.Method.VISIT: [
        "上门拜访，了解产线现状",
        "现场演示产品方案",
        "拜访采购部，沟通年度计划",
    ],
    FollowUp.Method.PHONE: ["电话沟通采购计划", "电话确认报价细节", "电话回访使用情况"],
    FollowUp.Method.EMAIL: ["发送产品资料和案例", "邮件确认技术参数"],
    FollowUp.Method.ONLINE: ["线上会议演示系统", "线上评审技术方案"],
    FollowUp.Method.WECHAT: ["微信沟通需求变化", "微信发送展会邀请"],
}
DISTRICTS = ["高新区", "经开区", "工业园区"]
NEXT_ACTIONS = ["发送报价单", "安排技术交流", "邀请参观工厂", "提交方案初稿", "确认预算"]


def _name(index):
    industry = INDUSTRIES[index % len(INDUSTRIES)]
    city = OWNERS[ROTATION[index % len(ROTATION)]][0]
    return f"{city}{BRANDS[index]}{BUSINESSES[industry]}有限公司", industry


def demo_names():
    return [_name(index)[0] for index in range(COUNT)]


def _grade_plan(index, rng):
    """Two in ten grade A, three in ten B, the rest C; the estimate decides the grade."""
    slot = index % 10
    if slot < 2:
        return Decimal(rng.randrange(120, 400)), Customer.Status.CUSTOMER
    if slot < 5:
        status = rng.choice([Customer.Status.PROSPECT, Customer.Status.CUSTOMER])
        return Decimal(rng.randrange(25, 95)), status
    status = rng.choice(
        [
            Customer.Status.LEAD,
            Customer.Status.LEAD,
            Customer.Status.PROSPECT,
            Customer.Status.DORMANT,
        ]
    )
    if index in (17, 46):
        status = Customer.Status.CHURNED
    return Decimal(rng.randrange(1, 18)), status


def _occurred(days_ago, rng):
    day = timezone.localdate() - timedelta(days=days_ago)
    moment = datetime.combine(day, time(rng.randrange(9, 18), rng.choice([0, 15, 30, 45])))
    return timezone.make_aware(moment)


def _followup_days(grade, overdue, rng):
    """Days ago of a year of follow-ups, newest first; an overdue customer went quiet."""
    count = {"A": rng.randrange(10, 15), "B": rng.randrange(6, 10), "C": rng.randrange(2, 5)}[grade]
    newest = rng.randrange(45, 120) if overdue else rng.randrange(1, 9)
    return sorted({newest, *(rng.randrange(newest + 1, 365) for _ in range(count - 1))})


def _contacts(index, rng):
    contacts = []
    for n in range(rng.randrange(1, 4)):
        title, role = TITLES[(index + n * 2) % len(TITLES)]
        contacts.append(
            Contact(
                name=rng.choice(SURNAMES) + rng.choice(GIVEN) + ("" if n else rng.choice(GIVEN)),
                title=title,
                phone=f"13{index % 10}{5000 + index:04d}{n:04d}",
                email=f"contact{index}-{n}@demo-customer.example.com",
                wechat=f"wx_demo_{index}_{n}",
                decision_role=role,
                is_key=n == 0,
            )
        )
    return contacts


def _followups(customer, city, rng, *, overdue):
    _city, lat, lng, _region = city
    contacts = list(customer.contacts.all())
    rows = []
    days = _followup_days(customer.grade, overdue, rng)
    # A customer kept up to date had the visit its grade asks for within the last weeks.
    visit_day = rng.randrange(days[0] + 1, 26) if not overdue and customer.grade != "C" else None
    for days_ago in sorted({*days, visit_day} - {None}):
        method = rng.choice(
            [FollowUp.Method.VISIT, FollowUp.Method.PHONE, FollowUp.Method.PHONE]
            + [FollowUp.Method.EMAIL, FollowUp.Method.ONLINE, FollowUp.Method.WECHAT]
        )
        if days_ago == visit_day:
            method = FollowUp.Method.VISIT
        executive = method == FollowUp.Method.VISIT and customer.grade == "A"
        followup = FollowUp(
            customer=customer,
            author=customer.owner,
            contact=rng.choice(contacts) if contacts else None,
            method=method,
            executive=executive and (days_ago == visit_day or rng.random() < 0.5),
            occurred_at=_occurred(days_ago, rng),
            goal="推进合作" if method == FollowUp.Method.VISIT else "",
            summary=rng.choice(SUMMARIES[method]),
            feedback=rng.choice(["", "客户对方案感兴趣", "预算待审批", "需要更多案例"]),
        )
        if method == FollowUp.Method.VISIT and rng.random() < 0.7:  # checked in on site
            followup.latitude = Decimal(f"{lat + rng.uniform(-0.06, 0.06):.6f}")
            followup.longitude = Decimal(f"{lng + rng.uniform(-0.06, 0.06):.6f}")
            followup.location_accuracy = rng.randrange(8, 90)
        followup.is_late = rng.random() < 0.12
        rows.append(followup)
    FollowUp.objects.bulk_create(rows)
    # Recorded soon after the contact, or (late) two to four days after it.
    late = [f.pk for f in rows if f.is_late]
    customer.followups.exclude(pk__in=late).update(
        recorded_at=F("occurred_at") + timedelta(minutes=40)
    )
    customer.followups.filter(pk__in=late).update(recorded_at=F("occurred_at") + timedelta(days=3))
    return rows


@transaction.atomic
def seed():
    """Create what is missing; returns a one-line summary."""
    users = {u.username: u for u in User.objects.filter(username__in=[*OWNERS, "director"])}
    director = users["director"]
    rules = GradingSettings.load()
    industries = {name: Industry.objects.get_or_create(name=name)[0] for name in INDUSTRIES}
    tags = {
        dimension: [Tag.objects.get_or_create(dimension=dimension, name=n)[0] for n in names]
        for dimension, names in TAGS.items()
    }
    existing = set(Customer.objects.filter(name__in=demo_names()).values_list("name", flat=True))
    created, pending_left = (
        0,
        Customer.objects.filter(
            name__in=demo_names(), second_check=Customer.SecondCheck.PENDING
        ).exists(),
    )
    today = timezone.localdate()
    for index in range(COUNT):
        name, industry = _name(index)
        if name in existing:
            continue
        rng = random.Random(f"{SEED}-{index}")  # noqa: S311 - demo data, not secrets
        username = ROTATION[index % len(ROTATION)]
        owner, city = users[username], OWNERS[username]
        estimate, status = _grade_plan(index, rng)
        region = (
            city[3] if index % 9 else rng.choice([Customer.Region.NORTH, Customer.Region.CENTRAL])
        )
        chosen_tags = [rng.choice(options) for options in tags.values() if rng.random() < 0.6]
        customer = services.customer_create(
            by=owner,
            owner=owner,
            tags=chosen_tags,
            contacts=_contacts(index, rng),
            name=name,
            credit_code=f"91{310000 + index:06d}MA1D{index:06d}",
            industry=industries[industry],
            employee_band=rng.choice(Customer.EmployeeBand.values),
            revenue_band=rng.choice(Customer.RevenueBand.values),
            region=region,
            address=f"{city[0]}市{rng.choice(DISTRICTS)}{rng.randrange(1, 999)}号",
            main_business=BUSINESSES[industry],
            legal_representative=rng.choice(SURNAMES) + rng.choice(GIVEN),
            phone=f"0{20 + index % 7}-{6000_0000 + index * 37:08d}",
            decision_process="部门提出需求 → 采购部比价 → 总经理审批",
            lead_source=rng.choice(Customer.LeadSource.values),
            initial_need=rng.choice(
                ["产线自动化升级", "门店系统替换", "年度耗材采购", "数据平台建设"]
            ),
            budget_min=estimate / 2,
            budget_max=estimate,
            expected_purchase_date=today + timedelta(days=rng.randrange(30, 240)),
            annual_purchase_estimate=estimate,
            strategic=index == 25,
            status=status,
            notes="演示数据",
        )
        created += 1
        # Entered about a year ago, so a year of follow-ups makes sense.
        customer.created_at = timezone.now() - timedelta(days=370 - index)
        Customer.objects.filter(pk=customer.pk).update(created_at=customer.created_at)
        # Its creation on the timeline and in the grade history is dated then too.
        customer.history.filter(history_type="+").update(history_date=customer.created_at)
        customer.grade_changes.update(changed_at=customer.created_at)
        overdue = index % 4 == 3
        followups = _followups(customer, city, rng, overdue=overdue)
        services.customer_refresh_cadence(customer=customer, rules=rules)
        if username.startswith("rep_") and index % 3 != 2 and followups:
            # The latest follow-up's next action is an open task (one in four already late).
            latest = max(followups, key=lambda f: f.occurred_at)
            latest.next_action = rng.choice(NEXT_ACTIONS)
            latest.next_action_due = today + timedelta(days=rng.randrange(-3, 12))
            FollowUp.objects.filter(pk=latest.pk).update(
                next_action=latest.next_action, next_action_due=latest.next_action_due
            )
            Task.objects.create(
                customer=customer,
                followup=latest,
                owner=owner,
                title=latest.next_action,
                due_date=latest.next_action_due,
            )
        if index in (2, 12):
            _survey(customer, rng)
        if customer.second_check == Customer.SecondCheck.PENDING:
            if pending_left or username != "rep_sh1":
                services.customer_confirm_second_check(by=director, customer=customer)
            else:
                pending_left = True  # one A customer waits for its manager's second check
    names = demo_names()
    mine = Customer.objects.filter(name__in=names)
    waiting = mine.filter(second_check=Customer.SecondCheck.PENDING)
    return (
        f"Demo customers: {mine.count()} ({created} new), "
        f"{Contact.objects.filter(customer__in=mine).count()} contacts, "
        f"{FollowUp.objects.filter(customer__in=mine).count()} follow-ups, "
        f"{mine.overdue(today).count()} overdue, "
        f"{Task.objects.open().filter(customer__in=mine).count()} open tasks, "
        f"{NeedsSurvey.objects.filter(customer__in=mine).count()} needs surveys, "
        f"{waiting.count()} waiting for a second check."
    )


def _survey(customer, rng):
    contact = customer.contacts.first()
    services.needs_survey_create(
        by=customer.owner,
        customer=customer,
        needs=[
            ("统一管理客户与订单数据", NeedLine.Priority.MUST),
            ("移动端外勤签到", NeedLine.Priority.MUST),
            ("经营分析看板", NeedLine.Priority.VALUE_ADD),
        ],
        survey_date=timezone.localdate() - timedelta(days=rng.randrange(10, 60)),
        respondent=contact.name if contact else "张经理",
        respondent_title=contact.title if contact else "IT总监",
        pain_points="数据分散在多个系统，销售过程不透明",
        budget_min=customer.budget_min,
        budget_max=customer.budget_max,
        decision_process=customer.decision_process,
    )
