"""Demo contracts for `manage.py seed_demo` (the DEMO_DATA hook, after the opportunities'):
contracts of the demo reps in every status, approval rounds with a rejection and a return,
payment plans with paid, partly paid, due and overdue instalments, invoices and a collection
stage.

Each contract follows a script (SCRIPTS) through the services, so it obeys the rules the pages
obey. The services stamp their rows with `timezone.now()`; each script runs with the clock
set to its moments (`_clock`), so a contract signed four months ago has its overdue
instalments now. Idempotent: a contract whose title exists already is left alone.
"""

import contextlib
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from customers import demo as customers_demo
from customers.models import Customer
from teams import policy, roles
from teams.models import User

from .errors import ContractError
from .models import Contract, Instalment, Payment
from .services import approval, collection, contracts, lifecycle, payments

REPS = ["rep_sh1", "rep_sh2", "rep_hz1", "rep_gz1", "rep_gz2"]
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

# (title, amount, what happens, days ago it starts)
SCRIPTS = [
    ("MES 系统实施合同", "280000", "draft", 5),
    ("仓储管理系统合同", "96000", "waiting_manager", 3),
    ("设备联网改造合同", "450000", "waiting_legal", 4),
    ("数据中台建设合同", "1200000", "waiting_gm", 6),
    ("质量追溯系统合同", "180000", "returned_resubmitted", 12),
    ("能源管理平台合同", "320000", "rejected", 15),
    ("CRM 软件许可合同", "150000", "approved", 10),
    ("生产排程优化合同", "380000", "signed_due", 40),
    ("智能仓储二期合同", "600000", "delivery_overdue", 150),
    ("车间看板系统合同", "90000", "completed", 240),
    ("财务共享平台合同", "520000", "cancelled", 20),
    ("安全生产监控合同", "260000", "delivery_partly_paid", 100),
]


@contextlib.contextmanager
def _clock(moment):
    """`timezone.now()` answers `moment` inside the block (a one-off command, one thread)."""
    real = timezone.now
    timezone.now = lambda: moment
    try:
        yield
    finally:
        timezone.now = real


def _at(now, days_ago, hour=10):
    day = timezone.localdate(now) - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


class _Story:
    def __init__(self, *, owner, manager, legal, gm, customer, now):
        self.owner, self.manager, self.legal, self.gm = owner, manager, legal, gm
        self.customer, self.now = customer, now

    def run(self, title, amount, script, days_ago):
        start = _at(self.now, days_ago)
        day = timezone.localdate(start)
        with _clock(start):
            contract = contracts.contract_create(
                customer=self.customer,
                by=self.owner,
                lines=[
                    {
                        "description": title.removesuffix("合同"),
                        "unit": "套",
                        "quantity": "1",
                        "unit_price": amount,
                        "vat_rate": "13",
                        "unit_cost": str(Decimal(amount) * Decimal("0.45")),
                    }
                ],
                title=title,
                start_date=day,
                end_date=day + timedelta(days=365),
                payment_terms="签约后 30 日内付 30%，上线后付 40%，验收后付 30%",
                credit_days=30,
                key_terms="违约金为合同金额的 5%；争议由甲方所在地法院管辖",
                warranty="12 个月",
                signing_entity="示例科技有限公司",
            )
        if script == "draft":
            return contract
        self._submit(contract, start + timedelta(hours=1))
        if script == "waiting_manager":
            return contract
        if script == "rejected":
            with _clock(start + timedelta(days=1)):
                approval.contract_reject(
                    contract=contract, by=self.manager, comment="价格低于底线，请重新谈判"
                )
            return contract
        if script == "returned_resubmitted":
            with _clock(start + timedelta(days=1)):
                approval.contract_approve(contract=contract, by=self.manager)
            with _clock(start + timedelta(days=2)):
                approval.contract_return(
                    contract=contract, by=self.legal, comment="违约条款请改为双方对等"
                )
            with _clock(start + timedelta(days=3)):
                contracts.contract_update(
                    contract=contract,
                    by=self.owner,
                    key_terms="违约金为合同金额的 5%，双方对等；争议提交上海仲裁委员会",
                )
            self._submit(contract, start + timedelta(days=3, hours=2))
            return contract
        self._approve(contract, self.manager, start + timedelta(days=1))
        if script == "waiting_legal":
            return contract
        self._approve(contract, self.legal, start + timedelta(days=1, hours=3))
        if script == "waiting_gm":
            return contract
        self._approve(contract, self.gm, start + timedelta(days=2))
        if script == "approved":
            return contract
        if script == "cancelled":
            with _clock(start + timedelta(days=5)):
                lifecycle.contract_cancel(
                    contract=contract, by=self.manager, reason="客户预算冻结，项目取消"
                )
            return contract
        signed = start + timedelta(days=4)
        with _clock(signed):
            lifecycle.contract_sign(
                contract=self._fresh(contract),
                by=self.owner,
                signed_on=timezone.localdate(signed),
                signed_copy=SimpleUploadedFile("signed.pdf", PDF, "application/pdf"),
            )
            self._plan(contract, timezone.localdate(signed))
        if script in ("delivery_overdue", "delivery_partly_paid", "completed"):
            with _clock(signed + timedelta(days=7)):
                lifecycle.contract_start_delivery(contract=self._fresh(contract), by=self.owner)
        self._payments(contract, script)
        if script == "completed":
            with _clock(self.now - timedelta(days=3)), contextlib.suppress(ContractError):
                # A later app may ask for more first (delivery: a passed acceptance); its own
                # demo completes a contract that way, and this one stays in delivery.
                lifecycle.contract_complete(contract=self._fresh(contract), by=self.owner)
        return contract

    def _fresh(self, contract):
        return Contract.objects.get(pk=contract.pk)

    def _submit(self, contract, moment):
        with _clock(moment):
            approval.contract_submit(contract=self._fresh(contract), by=self.owner)

    def _approve(self, contract, by, moment):
        with _clock(moment):
            approval.contract_approve(contract=self._fresh(contract), by=by, comment="同意")

    def _plan(self, contract, signed_on):
        contract = self._fresh(contract)
        first = (contract.amount * Decimal("0.3")).quantize(Decimal("0.01"))
        second = (contract.amount * Decimal("0.4")).quantize(Decimal("0.01"))
        payments.payment_plan_set(
            contract=contract,
            by=self.owner,
            instalments=[
                {"due_date": signed_on + timedelta(days=30), "amount": first},
                {"due_date": signed_on + timedelta(days=90), "amount": second},
                {
                    "due_date": signed_on + timedelta(days=180),
                    "amount": contract.amount - first - second,
                },
            ],
        )

    def _pay(self, instalment, amount, received_on, number=None):
        moment = timezone.make_aware(datetime.combine(received_on, time(15, 0)))
        with _clock(moment):
            payments.payment_record(
                instalment=instalment,
                by=self.owner,
                received_on=received_on,
                amount=amount,
                method=Payment.Method.BANK_TRANSFER,
                reference=f"DEMO-{instalment.pk:05d}",
            )
            if number:
                payments.invoice_record(
                    instalment=instalment,
                    by=self.owner,
                    number=number,
                    kind="special",
                    amount=instalment.amount,
                    issued_on=received_on,
                )

    def _payments(self, contract, script):
        today = timezone.localdate(self.now)
        plan = list(Instalment.objects.filter(contract=contract).order_by("position"))
        tag = f"{contract.pk:06d}"
        for instalment in plan:
            due = instalment.due_date
            if due >= today and script != "completed":
                continue
            received = min(due + timedelta(days=3), today)
            if script == "completed" or instalment.position == 1:
                self._pay(instalment, instalment.amount, received, f"FP{tag}{instalment.position}")
            elif script == "delivery_partly_paid":
                self._pay(instalment, (instalment.amount / 2).quantize(Decimal("0.01")), received)
            elif script == "delivery_overdue":
                # Invoiced but unpaid, and the customer reminded.
                moment = timezone.make_aware(datetime.combine(received, time(9, 0)))
                with _clock(moment):
                    payments.invoice_record(
                        instalment=instalment,
                        by=self.owner,
                        number=f"FP{tag}{instalment.position}",
                        kind="ordinary",
                        amount=instalment.amount,
                        issued_on=received - timedelta(days=2),
                    )
                    collection.collection_advance(
                        instalment=instalment,
                        by=self.owner,
                        to_stage=Instalment.Collection.REMINDED,
                        note="已电话提醒财务，承诺月底付款",
                    )


@transaction.atomic
def seed():
    """Create what is missing; returns a one-line summary."""
    users = {u.username: u for u in User.objects.filter(username__in=REPS)}
    active = User.objects.filter(is_active=True).order_by("pk")
    legal = active.filter(role__in=roles.LEGAL).first()
    gm = active.filter(role__in=roles.GM).first()
    if legal is None or gm is None:
        return "Demo contracts: skipped (no legal or general manager demo user)."
    existing = set(
        Contract.objects.filter(title__in=[s[0] for s in SCRIPTS]).values_list("title", flat=True)
    )
    now = timezone.now()
    created = 0
    for index, (title, amount, script, days_ago) in enumerate(SCRIPTS):
        if title in existing:
            continue
        owner = users.get(REPS[index % len(REPS)])
        if owner is None:
            continue
        customer = (
            Customer.objects.filter(owner=owner, name__in=customers_demo.demo_names())
            .order_by("pk")
            .first()
        )
        manager = policy.approver_for(owner)
        if customer is None or manager is None:
            continue
        _Story(owner=owner, manager=manager, legal=legal, gm=gm, customer=customer, now=now).run(
            title, amount, script, days_ago
        )
        created += 1
    demo = Contract.objects.filter(title__in=[s[0] for s in SCRIPTS])
    statuses = demo.values("status").distinct().count()
    overdue = Instalment.objects.filter(contract__in=demo).overdue().count()
    return (
        f"Demo contracts: {demo.count()} ({created} new) in {statuses} statuses, "
        f"{Instalment.objects.filter(contract__in=demo).count()} instalments "
        f"({overdue} overdue), {Payment.objects.filter(contract__in=demo).count()} payments."
    )
