"""The contracts app's volume data for benchmarks (`manage.py seed_volume`, through the
VOLUME_OPTIONS and VOLUME_DATA hooks, after the opportunities'): contracts on the customers
in every status with one line each, their approval rounds and decisions (every fifth one that
reached approval was first rejected or returned), payment plans, payments and invoices.

Defaults: 100,000 contracts (`--contracts`), 3.16 instalments each (`--instalments-per`,
300,000), of which the due ones are mostly paid (about 250,000 payments). LEGAL_WAITING
contracts wait at legal's step (the benchmark's legal inbox). Written by the batch through
crm_site/bulk_insert.py (COPY on PostgreSQL). Deterministic for a given seed. Each contract's
status history follows its rounds: entered, submitted, sent back, approved, signed, into
delivery, completed or cancelled (the customer page's timeline and the status filters read it).
"""

import random
import time
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from crm_site import bulk_insert
from customers import volume as customers_volume
from customers.models import Customer
from teams import roles
from teams.models import Team, User

from .models import (
    ApprovalDecision,
    ApprovalRound,
    ApprovalStep,
    Contract,
    ContractLine,
    ContractStatusChange,
    Instalment,
    Invoice,
    Payment,
)
from .services.approval import SNAPSHOT_FIELDS

BATCH = 1000
LEGAL_WAITING = 500
FEN = Decimal("0.01")
S = Contract.Status
# The mix of statuses, one slot per contract in turn.
PLAN = (
    [S.DRAFT] * 2
    + [S.IN_APPROVAL]
    + [S.APPROVED]
    + [S.SIGNED] * 6
    + [S.IN_DELIVERY] * 5
    + [S.COMPLETED] * 4
    + [S.CANCELLED]
)
REACHED_APPROVAL = {S.IN_APPROVAL, S.APPROVED, S.SIGNED, S.IN_DELIVERY, S.COMPLETED}
SIGNED = {S.SIGNED, S.IN_DELIVERY, S.COMPLETED}
# What keeps a customer out of the pools (hooks.POOL_BLOCKING_STATES): a customer set aside
# for the pools (customers.volume.pool_step) gets a completed contract instead.
IN_PLAY = {S.IN_APPROVAL, S.APPROVED, S.SIGNED, S.IN_DELIVERY}
PREFIX = "HT2099"  # volume numbers: never a real month


class _Writer(bulk_insert.RowWriter):
    tables = (
        Contract,
        ContractLine,
        ContractStatusChange,
        ApprovalRound,
        ApprovalDecision,
        Instalment,
        Payment,
        Invoice,
    )


def add_options(*, parser):
    parser.add_argument("--contracts", type=int, default=100_000, help="contracts in all")
    parser.add_argument("--instalments-per", type=float, default=3.16, help="per contract")


def seed(*, options, organisation, log):
    contracts, per = options["contracts"], options["instalments_per"]
    if contracts < 0 or per < 1:
        raise CommandError("--contracts cannot be negative; --instalments-per is at least 1.")
    counts = write(
        organisation,
        contracts=contracts,
        instalments_per=per,
        seed=options["seed"],
        log=log,
        pool_step=customers_volume.pool_step(options=options, total=Customer.objects.count()),
    )
    return (
        f"Volume contracts: {counts['contracts']:,} with {counts['changes']:,} status changes, "
        f"{counts['rounds']:,} approval rounds "
        f"and {counts['decisions']:,} decisions, {counts['instalments']:,} instalments, "
        f"{counts['payments']:,} payments, {counts['invoices']:,} invoices."
    )


def _staff(role, username, name, team):
    user = User.objects.filter(role=role, is_active=True).order_by("pk").first()
    if user is None:
        user = User.objects.create_user(
            username=username, first_name=name, role=role, team=team, password=None
        )
    return user


def _approvers(owners):
    """Each owner's manager step approver: the manager of the team, or the region above."""
    teams = {t.pk: t for t in Team.objects.all()}
    approver = {}
    for owner in owners:
        team = teams.get(owner.team_id)
        while team is not None and (team.manager_id is None or team.manager_id == owner.pk):
            team = teams.get(team.parent_id)
        approver[owner.pk] = team.manager_id if team else None
    return approver


def _split(amount, parts):
    """`amount` in `parts` instalments in fen that add up exactly (the last takes the rest)."""
    share = (amount / parts).quantize(FEN)
    return [share] * (parts - 1) + [amount - share * (parts - 1)]


def write(organisation, *, contracts, instalments_per, seed=1, log=print, pool_step=0):
    rng = random.Random(seed)  # noqa: S311 - benchmark data
    now = timezone.now()
    today = timezone.localdate(now)
    counts = dict.fromkeys(
        ("contracts", "changes", "rounds", "decisions", "instalments", "payments", "invoices"), 0
    )
    models = (Contract, ContractStatusChange, ApprovalRound, ApprovalDecision, Payment, Invoice)
    writer = _Writer(*models)
    started = time.perf_counter()
    with (
        transaction.atomic(),
        bulk_insert.no_auto_now(*models),
        bulk_insert.foreign_keys_checked_once(*_Writer.tables),
    ):
        done = Contract.objects.filter(number__startswith=PREFIX).count()
        todo = max(contracts - done, 0)
        customers = list(
            Customer.objects.filter(contracts__isnull=True)
            .order_by("pk")
            .values_list("pk", "owner_id")[:todo]
        )
        if not customers:
            return counts
        steps = list(ApprovalStep.objects.filter(is_active=True).order_by("order", "pk"))
        if not steps:
            raise CommandError("The approval chain is empty: migrate first.")
        company = Team.objects.filter(parent__isnull=True).order_by("pk").first()
        legal = _staff(roles.Role.LEGAL, "vol_legal", "规模法务", company)
        gm = _staff(roles.Role.GENERAL_MANAGER, "vol_gm", "规模总经理", company)
        owners = {u.pk: u for u in organisation.owners}
        approver = _approvers(owners.values())
        decider = {roles.Role.LEGAL: legal.pk, roles.Role.GENERAL_MANAGER: gm.pk}
        state = {"legal_waiting": 0, "n": done, "slot": done, "pool_step": pool_step}
        for start in range(0, len(customers), BATCH):
            rows = {m: [] for m in _Writer.tables}
            chunk = customers[start : start + BATCH]
            ids = writer.allocate_ids(Contract, len(chunk))
            for pk, (customer_id, owner_id) in zip(ids, chunk, strict=True):
                _contract(
                    rows, pk, customer_id, owner_id, rng, now, today, steps, approver, decider,
                    state, instalments_per,
                )  # fmt: skip
            writer.insert(Contract, rows[Contract])
            _children(writer, rows)
            counts["contracts"] += len(rows[Contract])
            counts["changes"] += len(rows[ContractStatusChange])
            counts["rounds"] += len(rows[ApprovalRound])
            counts["decisions"] += len(rows[ApprovalDecision])
            counts["instalments"] += len(rows[Instalment])
            counts["payments"] += len(rows[Payment])
            counts["invoices"] += len(rows[Invoice])
            log(
                f"contracts {counts['contracts']:,}/{len(customers):,}, instalments "
                f"{counts['instalments']:,}, payments {counts['payments']:,} "
                f"({time.perf_counter() - started:.1f} s)"
            )
        writer.analyze()
    transaction.on_commit(writer.analyze)
    return counts


def _children(writer, rows):
    """Rows pointing at rows of the same batch, in order: lines, rounds and their decisions,
    instalments (their ids allocated), then payments and invoices."""
    writer.insert(ContractLine, rows[ContractLine])
    writer.insert(ContractStatusChange, rows[ContractStatusChange])
    rounds = rows[ApprovalRound]
    ids = writer.allocate_ids(ApprovalRound, len(rounds)) if rounds else []
    real = {}
    for pk, row in zip(ids, rounds, strict=True):
        real[row["id"]] = pk
        row["id"] = pk
    for decision in rows[ApprovalDecision]:
        decision["round"] = real[decision["round"]]
    writer.insert(ApprovalRound, rounds)
    writer.insert(ApprovalDecision, rows[ApprovalDecision])
    instalments = rows[Instalment]
    ids = writer.allocate_ids(Instalment, len(instalments)) if instalments else []
    for pk, row in zip(ids, instalments, strict=True):
        row["id"] = pk
        for child in row.pop("_children"):
            child["instalment"] = pk
    writer.insert(Instalment, instalments)
    writer.insert(Payment, rows[Payment])
    writer.insert(Invoice, rows[Invoice])


def _contract(
    rows, pk, customer_id, owner_id, rng, now, today, steps, approver, decider, state, per
):
    n = state["n"]
    state["n"] += 1
    status = PLAN[state["slot"] % len(PLAN)]
    if status in IN_PLAY and customers_volume.set_aside_for_pool(customer_id, state["pool_step"]):
        status = S.COMPLETED  # the slot in play goes to the next customer: the mix stays whole
    else:
        state["slot"] += 1
    owner_approver = approver.get(owner_id)
    if status in REACHED_APPROVAL and owner_approver is None:
        status = S.DRAFT  # nobody above this owner to approve
    amount = Decimal(rng.randrange(20, 3000) * 1000)
    before_tax = (amount / Decimal("1.13")).quantize(FEN)
    created = now - timedelta(days=rng.randint(1, 700), minutes=rng.randint(0, 1440))
    signed_on = None
    if status in SIGNED:
        signed_on = min(timezone.localdate(created) + timedelta(days=rng.randint(5, 30)), today)
    discount = Decimal(rng.choice([0, 0, 5, 8, 10, 15]))
    row = {
        "id": pk,
        "number": f"{PREFIX}{n:08d}",
        "title": f"规模测试合同 {n}",
        "customer": customer_id,
        "owner": owner_id,
        "created_by": owner_id,
        "status": status,
        "amount": amount,
        "amount_before_tax": before_tax,
        "tax_amount": amount - before_tax,
        "cost_amount": (before_tax * Decimal("0.45")).quantize(FEN),
        "max_discount_percent": discount,
        "start_date": timezone.localdate(created),
        "end_date": timezone.localdate(created) + timedelta(days=365),
        "payment_terms": "签约后 30 日内付首款，验收后付尾款",
        "credit_days": rng.choice([0, 30, 60, 90]),
        "key_terms": "违约金为合同金额的 5%；争议由甲方所在地法院管辖",
        "signing_entity": "规模测试科技有限公司",
        "warranty": "12 个月",
        "version": 1,
        "current_step": None,
        "waiting_since": None,
        "reached_roles": "",
        "signed_on": signed_on,
        "cancel_reason": "客户取消采购" if status == S.CANCELLED else "",
        "created_at": created,
        "updated_at": created,
    }
    rows[Contract].append(row)
    rows[ContractLine].append(
        {
            "contract": pk,
            "position": 0,
            "description": "CRM 软件许可",
            "unit": "套",
            "quantity": Decimal("1.00"),
            "unit_price": amount,
            "discount_percent": Decimal("0.00"),
            "vat_rate": "13",
            "unit_cost": row["cost_amount"],
            "line_total": amount,
            "amount_before_tax": before_tax,
            "tax_amount": amount - before_tax,
            "line_cost": row["cost_amount"],
        }
    )
    first_round = len(rows[ApprovalRound])
    if status in REACHED_APPROVAL:
        _rounds(rows, row, rng, steps, owner_approver, decider, state)
    _history(rows, row, rows[ApprovalRound][first_round:])
    if status != S.CANCELLED:
        _plan(rows, row, rng, today, per)


def _rounds(rows, contract, rng, steps, owner_approver, decider, state):
    """One round (all approved, or in progress at some step); every fifth contract first had
    a rejected or returned round."""
    pk, created = contract["id"], contract["created_at"]
    numbered = []
    if pk % 5 == 0:
        numbered.append("sent_back")
    numbered.append("last")
    at = created + timedelta(hours=2)
    snapshot = {field: str(contract.get(field) or "") for field in SNAPSHOT_FIELDS}
    reached = set()  # the roles of the steps it waited at (Contract.reached_roles)
    for number, kind in enumerate(numbered, start=1):
        if kind == "sent_back":
            upto, outcome = rng.randint(1, len(steps)), rng.choice(["rejected", "returned"])
        elif contract["status"] == S.IN_APPROVAL:
            at_legal = state["legal_waiting"] < LEGAL_WAITING
            legal_index = next(
                (i for i, s in enumerate(steps) if s.role == roles.Role.LEGAL), len(steps) - 1
            )
            waiting = legal_index if at_legal else rng.choice([0, len(steps) - 1])
            if steps[waiting].role == roles.Role.LEGAL:
                state["legal_waiting"] += 1
            upto, outcome = waiting, "in_progress"
        else:
            upto, outcome = len(steps), "approved"
        round_id = f"{pk}-{number}"
        decisions = []
        waiting_since = at
        for index, step in enumerate(steps[: upto if kind != "sent_back" else upto]):
            last = kind == "sent_back" and index == upto - 1
            at = waiting_since + timedelta(hours=rng.randint(1, 30))
            by = owner_approver if step.role == roles.TEAM_APPROVER else decider.get(step.role)
            decisions.append(
                {
                    "round": round_id,
                    "step": step.pk,
                    "by": by or owner_approver,
                    "on_behalf_of": None,
                    "decision": ("reject" if outcome == "rejected" else "return")
                    if last
                    else "approve",
                    "comment": "付款条件请改为验收后 30 天" if last else "",
                    "waiting_since": waiting_since,
                    "at": at,
                }
            )
            waiting_since = at
        rows[ApprovalRound].append(
            {
                "id": round_id,
                "contract": pk,
                "number": number,
                "outcome": outcome,
                "step_ids": [s.pk for s in steps],
                "contract_version": number,
                "snapshot": snapshot,
                "submitted_by": contract["owner"],
                "submitted_at": at,
                "finished_at": None if outcome == "in_progress" else waiting_since,
            }
        )
        rows[ApprovalDecision].extend(decisions)
        reached.update(step.role for step in steps[:upto])
        if outcome == "in_progress":
            contract["current_step"] = steps[upto].pk
            contract["waiting_since"] = waiting_since
            reached.add(steps[upto].role)
        at = waiting_since + timedelta(days=1)
    contract["version"] = len(numbered)
    contract["reached_roles"] = "|" + "|".join(sorted(reached)) + "|"


def _history(rows, contract, rounds):
    """The contract's status changes, as the services would have written them."""
    owner, status = contract["owner"], contract["status"]
    changes = [("", S.DRAFT, owner, contract["created_at"])]
    for round_ in rounds:
        changes.append((S.DRAFT, S.IN_APPROVAL, owner, round_["submitted_at"]))
        if round_["outcome"] in ("rejected", "returned"):
            changes.append((S.IN_APPROVAL, S.DRAFT, None, round_["finished_at"]))
        elif round_["outcome"] == "approved":
            changes.append((S.IN_APPROVAL, S.APPROVED, None, round_["finished_at"]))
    if status in SIGNED:
        zone = timezone.get_current_timezone()
        signed = datetime.combine(contract["signed_on"], datetime.min.time(), tzinfo=zone)
        signed += timedelta(hours=10)
        changes.append((S.APPROVED, S.SIGNED, owner, signed))
        if status in (S.IN_DELIVERY, S.COMPLETED):
            changes.append((S.SIGNED, S.IN_DELIVERY, owner, signed + timedelta(days=7)))
        if status == S.COMPLETED:
            changes.append((S.IN_DELIVERY, S.COMPLETED, owner, signed + timedelta(days=90)))
    elif status == S.CANCELLED:
        changes.append((S.DRAFT, S.CANCELLED, owner, contract["created_at"] + timedelta(days=3)))
    rows[ContractStatusChange].extend(
        {
            "subject": contract["id"],
            "from_status": old,
            "to_status": new,
            "by": by,
            "at": at,
            "reason": "",
            "reason_args": {},
        }
        for old, new, by, at in changes
    )


def _plan(rows, contract, rng, today, per):
    """The payment plan: about `per` instalments a month apart from signing (or from the
    term's start); the due ones of a signed contract mostly paid, some partly, some not."""
    parts = max(1, int(per) + (1 if rng.random() < per - int(per) else 0))
    first = contract["signed_on"] or contract["start_date"]
    signed = contract["status"] in SIGNED
    completed = contract["status"] == S.COMPLETED
    for position, amount in enumerate(_split(contract["amount"], parts), start=1):
        due = first + timedelta(days=30 * position + rng.randint(-5, 20))
        paid = Decimal("0.00")
        children = []
        if signed and (completed or due < today):
            roll = rng.random()
            if completed or roll < 0.72:
                paid = amount
            elif roll < 0.85:
                paid = (amount * Decimal(rng.choice(["0.3", "0.5", "0.7"]))).quantize(FEN)
        if paid:
            received = min(due + timedelta(days=rng.randint(-10, 20)), today)
            # A paid instalment was often received in two parts.
            half = (paid / 2).quantize(FEN)
            parts = [paid] if rng.random() < 0.55 else [half, paid - half]
            for part, amount_received in enumerate(parts):
                children.append(
                    {
                        "contract": contract["id"],
                        "received_on": max(
                            received - timedelta(days=9 * (len(parts) - 1 - part)), first
                        ),
                        "amount": amount_received,
                        "method": rng.choice(["bank_transfer"] * 4 + ["acceptance_bill", "cash"]),
                        "reference": f"VOL{contract['id']}-{position}-{part + 1}",
                        "recorded_by": contract["owner"],
                        "recorded_at": contract["created_at"],
                        "_kind": Payment,
                    }
                )
            if position % 2 == 1:
                children.append(
                    {
                        "contract": contract["id"],
                        "number": f"VOL{contract['id']:09d}{position:02d}",
                        "kind": "special" if position == 1 else "ordinary",
                        "amount": amount,
                        "issued_on": max(received - timedelta(days=3), first),
                        "recorded_by": contract["owner"],
                        "recorded_at": contract["created_at"],
                        "_kind": Invoice,
                    }
                )
        for child in children:
            rows[child.pop("_kind")].append(child)
        rows[Instalment].append(
            {
                "contract": contract["id"],
                "position": position,
                "due_date": due,
                "amount": amount,
                "paid_amount": paid,
                "collection_stage": "none"
                if paid == amount or due >= today
                else rng.choice(["none", "reminded", "escalated"]),
                "_children": children,
            }
        )
