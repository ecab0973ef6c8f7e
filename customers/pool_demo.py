"""Demo data of the customer pool (公海) and lead screening for `manage.py seed_demo`: the east
pool with six customers waiting in it, the reasons a lead is disqualified, five leads to screen
(two overdue) and rep_sh1 one customer short of the pool's cap. Idempotent: what exists by
name is left alone."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from teams.models import User

from . import normalize
from .models import Contact, Customer, DisqualifyReason, OwnershipChange, Pool

POOL = "华东公海"
WAITING = [
    ("澄星精密制造有限公司", "C", "13912340001", 40),
    ("苏州汇联物流有限公司", "C", "13912340002", 25),
    ("杭州云栖软件有限公司", "B", "13912340003", 12),
    ("宁波海曙食品有限公司", "C", "13912340004", 8),
    ("无锡新能动力科技有限公司", "B", "13912340005", 3),
    ("上海申联医疗器械有限公司", "C", "13912340006", 1),
]
LEADS = [
    ("嘉兴禾润纺织有限公司", 0),
    ("绍兴越州包装有限公司", 1),
    ("南通江海电子有限公司", 2),
    ("常州龙城机械有限公司", 7),  # overdue
    ("湖州南浔木业有限公司", 12),  # overdue
]
REASONS = ["无预算", "非目标行业", "联系方式无效", "重复线索", "竞品长期合同"]


def _customer(name, *, owner, grade, status, phone, contact_phone, created_by):
    keys = normalize.customer_keys(name, phone, "")
    customer = Customer.objects.create(
        name=name,
        owner=owner,
        grade=grade,
        status=status,
        phone=phone,
        region=Customer.Region.EAST,
        lead_source=Customer.LeadSource.ONLINE,
        created_by=created_by,
        **keys,
    )
    Contact.objects.create(
        customer=customer,
        name="王经理",
        title="采购经理",
        phone=contact_phone,
        phone_key=normalize.phone_key(contact_phone),
        email=f"buyer{customer.pk}@example.cn",
        is_key=True,
    )
    return customer


@transaction.atomic
def seed():
    users = {u.username: u for u in User.objects.filter(username__in=["rep_sh1", "rep_hz1"])}
    rep = users.get("rep_sh1")
    if rep is None:
        return None
    for label in REASONS:
        DisqualifyReason.objects.get_or_create(label=label)
    pool, _created = Pool.objects.get_or_create(name=POOL)
    teams = {u.team_id for u in users.values() if u.team_id}
    pool.teams.add(*teams)
    now = timezone.now()
    existing = set(
        Customer.objects.filter(name__in=[n for n, *_ in WAITING + LEADS]).values_list(
            "name", flat=True
        )
    )
    made = 0
    for name, grade, phone, days in WAITING:
        if name in existing:
            continue
        customer = _customer(
            name,
            owner=None,
            grade=grade,
            status=Customer.Status.PROSPECT,
            phone="0512-6000" + phone[-4:],
            contact_phone=phone,
            created_by=rep,
        )
        pooled_at = now - timedelta(days=days)
        Customer.objects.filter(pk=customer.pk).update(pool=pool, pooled_at=pooled_at)
        OwnershipChange.objects.create(
            customer=customer,
            from_user=rep,
            pool=pool,
            how=OwnershipChange.How.RECLAIM,
            at=pooled_at,
            reason="30天未跟进",
        )
        made += 1
    for index, (name, days) in enumerate(LEADS):
        if name in existing:
            continue
        customer = _customer(
            name,
            owner=rep,
            grade="C",
            status=Customer.Status.LEAD,
            phone=f"0573-8100{index:04d}",
            contact_phone=f"1370000{index:04d}",
            created_by=rep,
        )
        Customer.objects.filter(pk=customer.pk).update(created_at=now - timedelta(days=days))
        made += 1
    # rep_sh1 one customer short of the pool's cap (the holdings page shows it).
    held = Customer.objects.filter(owner=rep).count()
    if pool.cap_total is None:
        pool.cap_total = held + 1
        pool.claims_per_day = 5
        pool.save()
    return (
        f"Pools and leads: {POOL} with {len(WAITING)} customers waiting, {len(LEADS)} leads "
        f"to screen, rep_sh1 holds {held} of {pool.cap_total} ({made} new)."
    )
