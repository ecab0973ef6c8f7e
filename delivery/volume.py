"""Volume data for `manage.py seed_volume` (VOLUME_OPTIONS and VOLUME_DATA hooks, after the
contracts'): implementation plans for 30,000 of the volume contracts (`--delivery-plans`), in
delivery first, then completed, then signed. Each plan has 3 to 6 phases (every 50th: 12, the
benchmark's plan page), a delivery owner and a member from 20 delivery users under one lead,
two weekly notes; a completed contract's plan is all done with a passed acceptance; a plan in
delivery has its past phases done (one in ten still open: late), today's in progress and the
rest planned. Written through crm_site/bulk_insert.py; a second run tops up to the target.
Status history rows are not written."""

import random
import time
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from contracts.models import Contract
from crm_site import bulk_insert
from teams.models import Team, User
from teams.roles import Role
from teams.volume import PASSWORD, PREFIX

from .models import Acceptance, Assignment, DeliveryLead, Phase, Plan, ProgressNote

BATCH = 2000
STAFF = 20
BIG_EVERY = 50  # every 50th plan has BIG_PHASES phases
BIG_PHASES = 12
S = Contract.Status
# In this order: the plans the delivery pages show most, then the finished ones.
STATUSES = (S.IN_DELIVERY, S.COMPLETED, S.SIGNED)
PHASE_NAMES = ["需求调研", "方案设计", "系统部署", "数据迁移", "联调测试", "用户培训", "试运行"]


class _Writer(bulk_insert.RowWriter):
    tables = (Plan, Phase, Assignment, ProgressNote, Acceptance)


def add_options(*, parser):
    parser.add_argument(
        "--delivery-plans",
        type=int,
        default=30_000,
        help="contracts with an implementation plan (delivery)",
    )


def seed(*, options, organisation, log):
    target = options["delivery_plans"]
    if target < 0:
        raise CommandError("--delivery-plans cannot be negative.")
    counts = write(target, seed=options["seed"], log=log)
    if not counts["plans"]:
        return None
    return (
        f"Volume delivery: {counts['plans']:,} plans with {counts['phases']:,} phases, "
        f"{counts['notes']:,} notes, {counts['acceptances']:,} acceptances."
    )


def _staff():
    password = make_password(PASSWORD)
    team = Team.objects.filter(parent__isnull=True).order_by("pk").first()

    def user(username, first_name):
        found, _ = User.objects.get_or_create(
            username=username,
            defaults={
                "role": Role.DELIVERY,
                "last_name": "周",
                "first_name": first_name,
                "password": password,
                "team": team,
            },
        )
        return found

    lead = user(f"{PREFIX}_delivery_lead", "交付经理")
    DeliveryLead.objects.get_or_create(user=lead)
    return lead, [user(f"{PREFIX}_delivery{i + 1:02d}", f"交付{i + 1:02d}") for i in range(STAFF)]


def _contracts(todo):
    """(pk, status, start, end) of up to `todo` contracts without a plan, by STATUSES."""
    found = []
    for status in STATUSES:
        if len(found) >= todo:
            break
        found += list(
            Contract.objects.filter(status=status, delivery_plan__isnull=True)
            .order_by("pk")
            .values_list("pk", "status", "start_date", "end_date")[: todo - len(found)]
        )
    return found


def write(target, *, seed=1, log=print):
    rng = random.Random(seed)  # noqa: S311 - benchmark data, not secrets
    counts = dict.fromkeys(("plans", "phases", "notes", "acceptances"), 0)
    todo = target - Plan.objects.count()
    if todo <= 0:
        return counts
    now = timezone.now()
    today = timezone.localdate(now)
    started = time.perf_counter()
    models = (Plan, Assignment, ProgressNote, Acceptance)
    writer = _Writer(*models)
    with (
        transaction.atomic(),
        bulk_insert.no_auto_now(*models),
        bulk_insert.foreign_keys_checked_once(*_Writer.tables),
    ):
        lead, staff = _staff()
        contracts = _contracts(todo)
        if not contracts:
            return counts
        done = Plan.objects.count()
        for begin in range(0, len(contracts), BATCH):
            chunk = contracts[begin : begin + BATCH]
            rows = {model: [] for model in _Writer.tables}
            ids = writer.allocate_ids(Plan, len(chunk))
            for n, (plan_id, contract) in enumerate(zip(ids, chunk, strict=True), done + begin):
                _plan(rows, plan_id, contract, n, rng, now, today, lead, staff)
            for model in _Writer.tables:
                writer.insert(model, rows[model])
            counts["plans"] += len(rows[Plan])
            counts["phases"] += len(rows[Phase])
            counts["notes"] += len(rows[ProgressNote])
            counts["acceptances"] += len(rows[Acceptance])
            log(
                f"delivery plans {counts['plans']:,}/{len(contracts):,}, phases "
                f"{counts['phases']:,} ({time.perf_counter() - started:.1f} s)"
            )
        writer.analyze()
    transaction.on_commit(writer.analyze)
    return counts


def _plan(rows, plan_id, contract, n, rng, now, today, lead, staff):
    contract_id, status, start, end = contract
    owner, member = staff[n % STAFF], staff[(n + 7) % STAFF]
    at = now - timedelta(days=rng.randint(1, 300))
    rows[Plan].append(
        {
            "id": plan_id,
            "contract_id": contract_id,
            "summary": "按合同范围分阶段实施",
            "created_by_id": owner.pk,
            "created_at": at,
            "updated_at": at,
        }
    )
    for user, kind in ((owner, Assignment.Kind.OWNER), (member, Assignment.Kind.MEMBER)):
        rows[Assignment].append(
            {
                "contract_id": contract_id,
                "user_id": user.pk,
                "kind": kind,
                "assigned_by_id": lead.pk,
                "assigned_at": at,
            }
        )
    count = BIG_PHASES if n % BIG_EVERY == 0 else rng.randint(3, 6)
    days = max((end - start).days + 1, count)
    step = days // count
    late_one = status == S.IN_DELIVERY and rng.random() < 0.1
    for position in range(count):
        phase_start = min(start + timedelta(days=position * step), end)
        phase_end = end if position == count - 1 else phase_start + timedelta(days=step - 1)
        phase_end = min(max(phase_end, phase_start), end)
        if status == S.COMPLETED:
            state = Phase.Status.DONE
        elif status == S.SIGNED or phase_start > today:
            state = Phase.Status.PLANNED
        elif phase_end < today and not (late_one and position == 0):
            state = Phase.Status.DONE
        else:
            state = Phase.Status.IN_PROGRESS
        done = state == Phase.Status.DONE
        rows[Phase].append(
            {
                "plan_id": plan_id,
                "position": position + 1,
                "name": PHASE_NAMES[position % len(PHASE_NAMES)],
                "start_date": phase_start,
                "end_date": phase_end,
                "owner_id": owner.pk,
                "key_tasks": "按计划推进",
                "deliverables": "阶段交付物",
                "risks": "",
                "mitigations": "",
                "status": state,
                "percent_done": 100 if done else (50 if state == Phase.Status.IN_PROGRESS else 0),
                "done_on": phase_end if done else None,
            }
        )
    if status != S.SIGNED:
        for weeks in (1, 2):
            monday = today - timedelta(days=today.weekday() + 7 * weeks)
            rows[ProgressNote].append(
                {
                    "plan_id": plan_id,
                    "week_of": monday,
                    "body": "本周完成既定任务",
                    "next_steps": "继续推进下一阶段",
                    "by_id": owner.pk,
                    "at": now - timedelta(days=7 * weeks),
                }
            )
    if status == S.COMPLETED:
        rows[Acceptance].append(
            {
                "plan_id": plan_id,
                "accepted_on": min(end, today),
                "accepted_by_name": "客户项目负责人",
                "accepted_by_title": "信息部经理",
                "scope": "合同约定的全部范围",
                "result": Acceptance.Result.PASS,
                "open_issues": "",
                "signatory": "客户项目负责人",
                "scan": "delivery/volume/acceptance.pdf",
                "scan_name": "acceptance.pdf",
                "scan_type": "pdf",
                "recorded_by_id": owner.pk,
                "recorded_at": now,
            }
        )
