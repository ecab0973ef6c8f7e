"""A small hand-built dataset for the KPI tests: March 2025 against March 2024, the expected
figures written out in the tests (not recomputed by the code under test).

rep (team A): c1 new 2025-03-05, customer, east, grade A; c2 new 2025-03-20, prospect, south,
  grade B, overdue. Contract k1 (c1) signed 2025-03-10: 113,000 / before tax 100,000 / cost
  50,000; paid 50,000 on 2025-03-15; approved after 48 h (2025-03-01 → 03-03). A draft k4.
  o1 won 2025-03-10, created 2025-01-10 (59 days); o3 created 2025-03-05, in needs.
other_rep (team C): c3 new 2025-02-10, customer, east; k2 (c3) signed 2025-03-25, two lines:
  226,000 / 200,000 / 100,000, paid 2025-04-01 (April). c4 new 2024-03-15, customer, k3
  signed 2024-03-12: 113,000, paid 13,000 on 2024-03-20; nothing since (churned).
  o2 created 2025-03-01, lost 2025-03-20.
Follow-ups: c1 2025-03-02 on time, c2 2025-03-08 late, c3 2025-01-05.
Satisfaction: c1 4 (2025-03-12), c3 5 (2025-03-28), c4 2 (2025-04-02).
Target: company sales amount for March 2025: 400,000."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from aftersales.models import AftersalesRecord, Satisfaction
from analytics.models import Target
from contracts.models import ApprovalRound, Contract, Payment
from customers.models import Customer
from opportunities.models import Opportunity, StageChange
from tests.factories.contracts import ContractFactory, InstalmentFactory
from tests.factories.customers import CustomerFactory, FollowUpFactory
from tests.factories.opportunities import OpportunityFactory, stage

MARCH = (date(2025, 3, 1), date(2025, 3, 31))


def at(y, m, d, h=10):
    return datetime(y, m, d, h, tzinfo=timezone.get_current_timezone())


def _customer(owner, created, **kwargs):
    customer = CustomerFactory(owner=owner, **kwargs)
    Customer.objects.filter(pk=customer.pk).update(created_at=created)
    return customer


def _signed(customer, day, lines=1):
    contract = ContractFactory(customer=customer, signed=True, lines=lines)
    Contract.objects.filter(pk=contract.pk).update(signed_on=day)
    contract.refresh_from_db()
    return contract


def _paid(contract, day, amount):
    instalment = InstalmentFactory(contract=contract, position=1, due_date=day)
    Payment.objects.create(
        instalment=instalment,
        contract=contract,
        received_on=day,
        amount=Decimal(amount),
        method=Payment.Method.BANK_TRANSFER,
        recorded_by=contract.owner,
    )


def build(rep, other_rep, director):
    today = timezone.localdate()
    c1 = _customer(rep, at(2025, 3, 5), region="east", grade="A", status="customer")
    c2 = _customer(
        rep,
        at(2025, 3, 20),
        region="south",
        grade="B",
        status="prospect",
        next_followup_due=today - timedelta(days=3),
    )
    c3 = _customer(other_rep, at(2025, 2, 10), region="east", status="customer")
    c4 = _customer(other_rep, at(2024, 3, 15), region="east", status="customer")
    k1 = _signed(c1, date(2025, 3, 10))
    k2 = _signed(c3, date(2025, 3, 25), lines=2)
    k3 = _signed(c4, date(2024, 3, 12))
    ContractFactory(customer=c1)  # a draft: no figure
    _paid(k1, date(2025, 3, 15), "50000")
    _paid(k2, date(2025, 4, 1), "26000")
    _paid(k3, date(2024, 3, 20), "13000")
    round_ = ApprovalRound.objects.create(
        contract=k1,
        number=1,
        outcome=ApprovalRound.Outcome.APPROVED,
        contract_version=1,
        submitted_by=rep,
        finished_at=at(2025, 3, 3),
    )
    ApprovalRound.objects.filter(pk=round_.pk).update(submitted_at=at(2025, 3, 1))

    o1 = OpportunityFactory(customer=c1, won=True)
    Opportunity.objects.filter(pk=o1.pk).update(
        created_at=at(2025, 1, 10), closed_at=at(2025, 3, 10)
    )
    o2 = OpportunityFactory(customer=c3, stage=stage("lost"), status="lost")
    Opportunity.objects.filter(pk=o2.pk).update(
        created_at=at(2025, 3, 1), closed_at=at(2025, 3, 20)
    )
    StageChange.objects.create(opportunity=o2, kind="created", to_stage=stage("initial"))
    StageChange.objects.create(
        opportunity=o2, kind="lost", from_stage=stage("initial"), to_stage=stage("lost")
    )
    o3 = OpportunityFactory(customer=c2, needs=True)
    Opportunity.objects.filter(pk=o3.pk).update(created_at=at(2025, 3, 5))
    StageChange.objects.create(opportunity=o3, kind="created", to_stage=stage("initial"))
    StageChange.objects.create(
        opportunity=o3, kind="forward", from_stage=stage("initial"), to_stage=stage("needs")
    )

    FollowUpFactory(customer=c1, occurred_at=at(2025, 3, 2), is_late=False)
    FollowUpFactory(customer=c2, occurred_at=at(2025, 3, 8), is_late=True)
    FollowUpFactory(customer=c3, occurred_at=at(2025, 1, 5))
    for customer, score, when in (
        (c1, 4, at(2025, 3, 12)),
        (c3, 5, at(2025, 3, 28)),
        (c4, 2, at(2025, 4, 2)),
    ):
        record = AftersalesRecord.objects.create(
            customer=customer, date=when.date(), person=director, method="phone", feedback="好"
        )
        Satisfaction.objects.create(customer=customer, score=score, recorded_at=when, record=record)
    Target.objects.create(
        level=Target.Level.COMPANY,
        metric="sales_amount",
        granularity="month",
        period_start=date(2025, 3, 1),
        period_end=date(2025, 3, 31),
        amount=Decimal("400000"),
        set_by=director,
    )
    return {"c1": c1, "c2": c2, "c3": c3, "c4": c4, "k1": k1, "k2": k2, "k3": k3}
