"""The customers app's volume data for benchmarks (`manage.py seed_volume`, through the
VOLUME_OPTIONS and VOLUME_DATA hooks): for the reps of teams/volume.py, a large number of
customers with contacts, tags, colleagues, follow-ups and open tasks.

Rows go in by the batch, never one save per row: on PostgreSQL through COPY (psycopg's
`cursor.copy()`), elsewhere through `bulk_create`. Every customer gets its keys (name_key,
phone_key) and its last follow-up and next due date from cadence.py, so about one in four is
overdue. Deterministic for a given seed. Later issues add their records here.
"""

import random
import time
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from crm_site import bulk_insert, hooks

from . import cadence, grading, normalize
from .models import (
    Contact,
    Customer,
    CustomerShare,
    FollowUp,
    GradingSettings,
    Industry,
    Tag,
    Task,
)

BATCH = 5000

CITIES = [("上海", 31.23, 121.47), ("杭州", 30.27, 120.15), ("广州", 23.13, 113.26)]
CITIES += [("北京", 39.90, 116.40), ("成都", 30.57, 104.07), ("武汉", 30.59, 114.31)]
BRANDS = ["华信", "鼎盛", "恒泰", "博远", "瑞丰", "天成", "嘉禾", "中科", "宏达", "金桥"]
BRANDS += ["海润", "正阳", "远航", "聚能", "合力", "新元", "东方", "锦程", "卓越", "凯达"]
WORDS = ["精密机械", "商贸", "信息技术", "医疗科技", "供应链", "新能源", "食品", "电子", "化工"]
INDUSTRIES = ["制造业", "零售业", "软件与信息服务", "医疗器械", "物流", "新能源", "食品饮料"]
TAG_NAMES = {
    Tag.Dimension.INDUSTRY: ["离散制造", "连锁零售", "电子商务"],
    Tag.Dimension.NEED: ["新品采购", "服务续费", "系统升级"],
    Tag.Dimension.RELATIONSHIP: ["高层对接", "中层对接", "基层对接"],
    Tag.Dimension.CUSTOM: ["重点跟进", "竞品在用"],
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静磊强洋艳杰军勇涛明超"
TITLES = ["总经理", "采购总监", "IT经理", "技术主管", "生产主管", "采购专员"]
ROLES = Contact.DecisionRole.values
METHODS = FollowUp.Method.values
SUMMARIES = ["电话沟通采购计划", "上门拜访了解需求", "发送产品资料", "线上演示方案", "微信跟进报价"]
GRADES = ["A"] * 1 + ["B"] * 3 + ["C"] * 6
STATUSES = Customer.Status.values
VISIT, PHONE = FollowUp.Method.VISIT.value, FollowUp.Method.PHONE.value


@dataclass
class Counts:
    customers: int = 0
    contacts: int = 0
    followups: int = 0
    tags: int = 0
    shares: int = 0
    tasks: int = 0
    overdue: int = 0


class _Writer(bulk_insert.RowWriter):
    tables = (Customer, Contact, FollowUp, CustomerShare, Task, Customer.tags.through)


def _customer_followups(rng, *, customer_id, owner_id, grade, created, count, rules, today):
    """The follow-ups of one customer (dicts) and its last contact and next due date.

    About one customer in four has been quiet for longer than its cadence: it is overdue.
    """
    interval = {"A": 15, "B": rules.b_contact_days, "C": rules.c_contact_days}[grade]
    age = (today - created).days
    overdue = rng.random() < 0.25
    newest = rng.randrange(interval + 1, interval * 4) if overdue else rng.randrange(0, interval)
    newest = min(newest, age)
    rows, last = [], {"contact": None, "visit": None, "executive": None}
    now = timezone.now()
    for n in range(count):
        days_ago = newest if n == 0 else rng.randrange(newest, max(age, newest + 1) + 1)
        method = METHODS[rng.randrange(len(METHODS))]
        # A kept-up A or B customer had its visit recently.
        if n == 0 and grade != "C" and not overdue:
            method = VISIT
        occurred = now - timedelta(days=days_ago, seconds=rng.randrange(0, 36000))
        executive = method == VISIT and grade == "A" and (n == 0 or rng.random() < 0.3)
        # Recorded two days after the contact: only for a contact old enough, never "now".
        late = rng.random() < 0.1 and days_ago >= 3
        row = {
            "customer": customer_id,
            "author": owner_id,
            "method": method,
            "executive": executive,
            "occurred_at": occurred,
            "recorded_at": occurred + timedelta(days=2 if late else 0, minutes=30),
            "is_late": late,
            "summary": SUMMARIES[rng.randrange(len(SUMMARIES))],
        }
        if method == VISIT and rng.random() < 0.6:
            city = CITIES[rng.randrange(len(CITIES))]
            row["latitude"] = Decimal(f"{city[1] + rng.uniform(-0.05, 0.05):.6f}")
            row["longitude"] = Decimal(f"{city[2] + rng.uniform(-0.05, 0.05):.6f}")
            row["location_accuracy"] = rng.randrange(5, 120)
        rows.append(row)
        day = timezone.localdate(occurred)
        for kind, applies in (
            ("contact", True),
            ("visit", method == VISIT),
            ("executive", executive),
        ):
            if applies and (last[kind] is None or day > last[kind]):
                last[kind] = day
    last_at = max((r["occurred_at"] for r in rows), default=None)
    due = cadence.due(
        grade=grade,
        rules=rules,
        created=created,
        last_contact=last["contact"],
        last_visit=last["visit"],
        last_executive=last["executive"],
    )
    return rows, last_at, due


class _Batch:
    """The rows of one batch of customers, built in memory and then written."""

    def __init__(self):
        self.customers, self.contacts, self.followups, self.tags, self.shares = [], [], [], [], []

    def write(self, writer, counts):
        # Customers first: the other rows point at them.
        writer.insert(Customer, self.customers)
        writer.insert(Contact, self.contacts)
        writer.insert(Customer.tags.through, self.tags)
        writer.insert(CustomerShare, self.shares)
        writer.insert(FollowUp, self.followups)
        counts.customers += len(self.customers)
        counts.contacts += len(self.contacts)
        counts.followups += len(self.followups)
        counts.tags += len(self.tags)
        counts.shares += len(self.shares)


@dataclass
class _Context:
    rng: random.Random
    rules: GradingSettings
    today: object
    owners: list
    reps: list
    reps_by_team: dict
    industries: list
    tags: list
    contacts_per: int
    followups_per: int


def _customer(ctx, batch, *, n, customer_id):
    """Add customer number `n` (name, keys, cadence) and its rows to the batch; True if overdue."""
    rng = ctx.rng
    # Reps own nineteen in twenty customers, managers the rest.
    pool = ctx.reps if rng.random() < 0.95 else ctx.owners
    owner = pool[rng.randrange(len(pool))]
    grade = GRADES[rng.randrange(len(GRADES))]
    low, high = {"A": (100, 600), "B": (20, 100), "C": (0, 20)}[grade]
    estimate = Decimal(rng.randrange(low, high))
    created_at = timezone.now() - timedelta(days=rng.randrange(30, 730))
    city = CITIES[n % len(CITIES)][0]
    brand, word = BRANDS[n % len(BRANDS)], WORDS[n // len(BRANDS) % len(WORDS)]
    name = f"{city}{brand}{word}{n:07d}有限公司"
    phone = f"0{21 + n % 70}-{n:08d}"
    half = ctx.followups_per // 2
    count = rng.randrange(half, ctx.followups_per + half + 1) if ctx.followups_per else 0
    if n % 997 == 0:
        count = ctx.followups_per * 20  # a few customers with a long history
    followups, last_at, due = _customer_followups(
        rng,
        customer_id=customer_id,
        owner_id=owner.pk,
        grade=grade,
        created=timezone.localdate(created_at),
        count=count,
        rules=ctx.rules,
        today=ctx.today,
    )
    batch.followups.extend(followups)
    batch.customers.append(
        {
            "id": customer_id,
            "name": name,
            "name_key": normalize.name_key(name),
            "credit_code": f"91{n % 1000000:06d}MA{n:08d}",
            "industry": ctx.industries[n % len(ctx.industries)],
            "employee_band": Customer.EmployeeBand.values[n % 4],
            "revenue_band": Customer.RevenueBand.values[(n // 4) % 4],
            "region": Customer.Region.values[rng.randrange(6)],
            "address": f"{city}市工业园区{n % 999 + 1}号",
            "main_business": word,
            "phone": phone,
            "phone_key": normalize.phone_key(phone),
            "lead_source": Customer.LeadSource.values[rng.randrange(8)],
            "annual_purchase_estimate": estimate,
            "status": STATUSES[rng.randrange(len(STATUSES))],
            "grade": grading.computed_grade(amount=estimate, strategic=False, rules=ctx.rules),
            "owner": owner.pk,
            "created_by": owner.pk,
            "created_at": created_at,
            "updated_at": max(created_at, last_at or created_at),
            "last_followup_at": last_at,
            "next_followup_due": due.date,
            "next_followup_for": due.requirement,
        }
    )
    for c in range(ctx.contacts_per):
        contact_phone = f"1{3 + c % 7}{n:09d}"
        batch.contacts.append(
            {
                "customer": customer_id,
                "name": SURNAMES[rng.randrange(len(SURNAMES))] + GIVEN[rng.randrange(len(GIVEN))],
                "title": TITLES[(n + c) % len(TITLES)],
                "phone": contact_phone,
                "phone_key": contact_phone,
                "email": f"c{n}-{c}@customer.example.com",
                "decision_role": ROLES[(n + c) % len(ROLES)],
                "is_key": c == 0,
            }
        )
    for tag in rng.sample(ctx.tags, rng.randrange(0, 4)):
        batch.tags.append({"customer_id": customer_id, "tag_id": tag})
    colleagues = [u for u in ctx.reps_by_team.get(owner.team_id, []) if u.pk != owner.pk]
    if colleagues and rng.random() < 0.01:  # shared with a colleague (协作人)
        colleague = colleagues[rng.randrange(len(colleagues))]
        batch.shares.append(
            {"customer": customer_id, "user": colleague.pk, "can_edit": rng.random() < 0.5}
        )
    return due.date < ctx.today


def add_options(*, parser):
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--contacts-per", type=int, default=2)
    parser.add_argument("--followups-per", type=int, default=10)


def seed(*, options, organisation, log):
    """The VOLUME_DATA hook: check the options, then write (see `write`); a summary line."""
    if Customer.objects.exists() and not options["append"]:
        raise CommandError(
            "This database has customers already. Use a database of its own for volume "
            "data, or add --append."
        )
    if options["customers"] < 1:
        raise CommandError("--customers must be at least 1.")
    if min(options["contacts_per"], options["followups_per"]) < 0:
        raise CommandError("--contacts-per and --followups-per cannot be negative.")
    counts = write(
        organisation,
        customers=options["customers"],
        contacts_per=options["contacts_per"],
        followups_per=options["followups_per"],
        seed=options["seed"],
        log=log,
    )
    return (
        f"Volume data: {counts.customers:,} customers ({counts.overdue:,} overdue), "
        f"{counts.contacts:,} contacts, {counts.followups:,} follow-ups, "
        f"{counts.tags:,} tags on customers, {counts.shares:,} shares, "
        f"{counts.tasks:,} open tasks."
    )


def write(organisation, *, customers, contacts_per, followups_per, seed=1, log=print):
    """Write the customers and their rows for `organisation`'s people; returns Counts."""
    counts = Counts()
    started = time.perf_counter()

    def elapsed():
        return f"{time.perf_counter() - started:.1f} s"

    writer = _Writer(Customer, FollowUp, Task)
    with (
        transaction.atomic(),
        bulk_insert.no_auto_now(Customer, FollowUp, Task),
        bulk_insert.foreign_keys_checked_once(*_Writer.tables),
    ):
        ctx = _Context(
            rng=random.Random(seed),  # noqa: S311 - benchmark data, not secrets
            rules=GradingSettings.load(),
            today=timezone.localdate(),
            owners=organisation.owners,
            reps=organisation.reps,
            reps_by_team=organisation.reps_by_team,
            industries=[Industry.objects.get_or_create(name=name)[0].pk for name in INDUSTRIES],
            tags=[
                Tag.objects.get_or_create(dimension=dimension, name=name)[0].pk
                for dimension, names in TAG_NAMES.items()
                for name in names
            ],
            contacts_per=contacts_per,
            followups_per=followups_per,
        )
        first = Customer.objects.aggregate(top=Max("pk"))["top"] or 0
        for start in range(0, customers, BATCH):
            batch = _Batch()
            ids = writer.allocate_ids(Customer, min(BATCH, customers - start))
            for offset, customer_id in enumerate(ids):
                counts.overdue += _customer(
                    ctx, batch, n=first + start + offset, customer_id=customer_id
                )
            batch.write(writer, counts)
            log(
                f"customers {counts.customers:,}/{customers:,}, contacts {counts.contacts:,}, "
                f"follow-ups {counts.followups:,} ({elapsed()})"
            )
        counts.tasks = _tasks(writer, ctx.rng, owners=ctx.reps, today=ctx.today, first=first)
        writer.analyze()
    # Once committed, VACUUM ANALYZE too (in a test's transaction it never runs).
    transaction.on_commit(writer.analyze)
    return counts


def _tasks(writer, rng, *, owners, today, first, per_rep=5):
    """A few open tasks per rep on their own new customers (the home page's "my tasks")."""
    mine = {}
    for pk, owner_id in (
        Customer.objects.filter(pk__gt=first)
        .values_list("pk", "owner_id")
        .iterator(chunk_size=BATCH)
    ):
        picked = mine.setdefault(owner_id, [])
        if len(picked) < per_rep:
            picked.append(pk)
    rows = [
        {
            "customer": customer_id,
            "owner": owner.pk,
            "title": "跟进报价",
            "due_date": today + timedelta(days=rng.randrange(-5, 15)),
        }
        for owner in owners
        for customer_id in mine.get(owner.pk, [])
    ]
    writer.insert(Task, rows)
    return len(rows)


# --- the customer pools (公海) ------------------------------------------------------------------


def add_pool_options(*, parser):
    parser.add_argument(
        "--pooled", type=int, default=20_000, help="customers waiting in the pools (公海)"
    )


# At most one customer in this many is set aside for the pools, so a small seed keeps
# customers to sell to.
FEWEST_BETWEEN_POOLED = 5


def pool_step(*, options, total):
    """Every how many customers (by id) one is set aside for the pools (公海): the later apps'
    volume data gives it no open deal and no contract in play (CUSTOMER_POOL_BLOCKERS), so
    `seed_pools` finds `--pooled` free customers. Left to chance, three customers in four had
    an open deal and most of the rest a contract in play: 14,984 pooled of 20,000 asked.
    0: none set aside."""
    pooled = options.get("pooled", 0)
    if pooled <= 0 or total <= 0:
        return 0
    return max(total // pooled, FEWEST_BETWEEN_POOLED)


def set_aside_for_pool(customer_id, step):
    return bool(step) and customer_id % step == 0


def seed_pools(*, options, organisation, log):
    """The VOLUME_DATA hook after the others: one pool per region with its teams, and
    `--pooled` customers in them in all (a second run tops up to it), shared out over the
    regions in proportion to their free customers (those no open deal or contract in play
    holds: `pool_step` set enough aside), as the services would leave them: no owner, in the
    pool since their last update. A few queries per region, whatever the numbers."""
    from django.db.models import F

    from teams.models import Team

    from .models import Pool

    pooled = options.get("pooled", 0)
    if pooled <= 0 or not Customer.objects.exists():
        return None
    team_ids = {team_id for team_id in organisation.reps_by_team}
    regions = {}
    for team_id, parent_id in Team.objects.filter(pk__in=team_ids).values_list("pk", "parent_id"):
        regions.setdefault(parent_id, []).append(team_id)
    names = dict(Team.objects.filter(pk__in=list(regions)).values_list("pk", "name"))
    frees = []
    for region_id, teams in regions.items():
        pool, _created = Pool.objects.get_or_create(name=f"{names.get(region_id, region_id)}公海")
        pool.teams.set(teams)
        region = Customer.objects.filter(owner__team_id__in=teams)
        blocked = set()
        for fn in hooks.get(hooks.CUSTOMER_POOL_BLOCKERS):
            blocked.update(fn(customer_ids=region.values("pk")))
        free = [
            pk for pk in region.order_by("pk").values_list("pk", flat=True) if pk not in blocked
        ]
        frees.append((pool, free))
    need = pooled - Customer.objects.filter(pool__isnull=False).count()
    moved = 0
    for (pool, free), want in zip(frees, _shares(need, [len(f) for _p, f in frees]), strict=True):
        if want <= 0:
            continue
        # Every n-th free customer: picking every n-th of all of them would meet the later
        # apps' own every-n-th patterns (deals, contracts) and find none free.
        chosen = free[:: max(len(free) // want, 1)][:want]
        for start in range(0, len(chosen), 5000):
            moved += Customer.objects.filter(pk__in=chosen[start : start + 5000]).update(
                owner=None, owner_since=None, pool=pool, pooled_at=F("updated_at")
            )
    return f"Volume pools: {len(regions)} pools, {moved:,} customers waiting in them."


def _shares(need, sizes):
    """`need` shared out in proportion to `sizes`, each share at most its size, the shares
    adding up to `need` (or to all of `sizes` when that is less): largest remainders first."""
    total = sum(sizes)
    if need <= 0 or total <= 0:
        return [0] * len(sizes)
    if need >= total:
        return list(sizes)
    exact = [need * size / total for size in sizes]
    shares = [int(value) for value in exact]
    by_remainder = sorted(range(len(sizes)), key=lambda i: exact[i] - shares[i], reverse=True)
    for i in by_remainder[: need - sum(shares)]:
        shares[i] += 1
    return shares
