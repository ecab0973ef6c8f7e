"""Volume data for `manage.py seed_volume` (VOLUME_OPTIONS and VOLUME_DATA hooks, after the
customers'): after-sales users serving customers by hand, and complaints at every status (0.5
per customer: 50,000 for the 100,000 customers) with their deadlines from the seeded
severities, breaches flagged as the beat task would, and a satisfaction score on four closed
complaints in five; written through crm_site/bulk_insert.py.
A second run tops up to the target."""

import random
import time
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from crm_site import bulk_insert
from customers.models import Customer
from teams import workdays
from teams.models import User
from teams.roles import Role
from teams.volume import PASSWORD, PREFIX

from . import sla
from .models import AftersalesAssignment, Complaint, Satisfaction

BATCH = 5000
STAFF = 10
S = Complaint.Status
# How far the complaints got, in proportion: most are closed.
MIX = [S.CLOSED] * 12 + [S.RESOLVED] * 2 + [S.IN_PROGRESS] * 2 + [S.ACKNOWLEDGED, S.NEW]


class _Writer(bulk_insert.RowWriter):
    tables = (Complaint, AftersalesAssignment, Satisfaction)


def add_options(*, parser):
    parser.add_argument(
        "--complaints-per",
        type=float,
        default=0.5,
        help="after-sales complaints per customer (50,000 for 100,000 customers)",
    )


def seed(*, options, organisation, log):
    per = options["complaints_per"]
    if per < 0:
        raise CommandError("--complaints-per cannot be negative.")
    target = round(Customer.objects.count() * per)
    have = Complaint.objects.count()
    made = write(target - have, seed=options["seed"], log=log) if have < target else 0
    scored = write_scores(seed=options["seed"], log=log)
    if not made and not scored:
        return None
    return f"Volume after-sales: {made:,} complaints, {scored:,} satisfaction scores."


# Most customers are content: the scores a closed complaint gets, in proportion.
SCORES = [5] * 4 + [4] * 4 + [3] * 2 + [2, 1]


def write_scores(*, seed=1, log=print):
    """A satisfaction score for four closed complaints in five that have none (the customer
    list's column and filter read them), once: not again when complaints have scores.
    Returns how many it wrote."""
    if Satisfaction.objects.filter(complaint__isnull=False).exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 - benchmark data, not secrets
    closed = (
        Complaint.objects.filter(status=S.CLOSED, satisfaction_scores__isnull=True)
        .order_by("pk")
        .values_list("pk", "customer_id", "closed_at", "handler_id")
    )
    rows = [
        {
            "customer_id": customer_id,
            "score": rng.choice(SCORES),
            "comment": "",
            "recorded_at": closed_at,
            "by_id": handler_id,
            "complaint_id": pk,
        }
        for pk, customer_id, closed_at, handler_id in closed
        if rng.random() < 0.8
    ]
    writer = _Writer(Satisfaction)
    with transaction.atomic():
        for start in range(0, len(rows), BATCH):
            writer.insert(Satisfaction, rows[start : start + BATCH])
        if rows:
            log(f"satisfaction scores {len(rows):,}")
            writer.analyze()
    return len(rows)


def _staff():
    password = make_password(PASSWORD)
    users = []
    for i in range(STAFF):
        user, _ = User.objects.get_or_create(
            username=f"{PREFIX}_service{i + 1:02d}",
            defaults={
                "role": Role.AFTERSALES,
                "last_name": "孙",
                "first_name": f"售后{i + 1:02d}",
                "password": password,
            },
        )
        users.append(user)
    return users


def write(count, *, seed=1, log=print):
    rng = random.Random(seed)  # noqa: S311 - benchmark data, not secrets
    started = time.perf_counter()
    writer = _Writer(Complaint, AftersalesAssignment)
    now = timezone.now()
    table, calendar = sla.limits(), workdays.current()
    with (
        transaction.atomic(),
        bulk_insert.no_auto_now(Complaint, AftersalesAssignment),
        bulk_insert.foreign_keys_checked_once(*_Writer.tables),
    ):
        staff = _staff()
        customers = list(Customer.objects.order_by("pk").values_list("pk", flat=True)[:20_000])
        if not customers:
            raise CommandError("No customers: the customers' volume data comes first.")
        assigned = set(
            AftersalesAssignment.objects.filter(customer_id__in=customers).values_list(
                "customer_id", flat=True
            )
        )
        writer.insert(
            AftersalesAssignment,
            [
                {
                    "customer_id": pk,
                    "user_id": staff[pk % STAFF].pk,
                    "by_hand": True,
                    "assigned_at": now,
                }
                for pk in customers
                if pk not in assigned
            ],
        )
        made = 0
        while made < count:
            rows = []
            for _ in range(min(BATCH, count - made)):
                customer = rng.choice(customers)
                severity = rng.choice(Complaint.Severity.values)
                received = now - timedelta(minutes=rng.randint(10, 2 * 365 * 24 * 60))
                respond_by, resolve_by = sla.deadlines(
                    received, severity, table=table, calendar=calendar
                )
                status = rng.choice(MIX)
                late = rng.random() < 0.1
                acknowledged = (
                    None
                    if status == S.NEW
                    else (
                        respond_by + timedelta(hours=2) if late else received + timedelta(hours=1)
                    )
                )
                done = status in (S.RESOLVED, S.CLOSED)
                resolved = (
                    (resolve_by + timedelta(days=1) if late else received + timedelta(days=1))
                    if done
                    else None
                )
                row = {
                    "customer_id": customer,
                    "subject": f"投诉{made + len(rows) + 1:06d}",
                    "description": "客户反映的问题",
                    "channel": rng.choice(Complaint.Channel.values),
                    "category": rng.choice(Complaint.Category.values),
                    "severity": severity,
                    "received_at": received,
                    "handler_id": staff[customer % STAFF].pk,
                    "status": status,
                    "respond_by": respond_by,
                    "resolve_by": resolve_by,
                    "acknowledged_at": acknowledged,
                    "resolved_at": resolved,
                    "closed_at": resolved + timedelta(days=1) if status == S.CLOSED else None,
                    "resolution": "已处理" if done else "",
                    "told_how": Complaint.Channel.PHONE if done else "",
                    "told_at": resolved,
                    "created_at": received,
                }
                breaches = sla.breaches(Complaint(**row), now)
                row["response_breached"], row["resolution_breached"] = breaches
                rows.append(row)
            writer.insert(Complaint, rows)
            made += len(rows)
            log(f"complaints {made:,}/{count:,} ({time.perf_counter() - started:.1f} s)")
        writer.analyze()
    return made
