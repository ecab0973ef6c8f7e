"""Contracts, their lines and payment plans, written straight to the database in the states
the services would leave them in (traits: `ContractFactory(signed=True)`). Approval rounds are
made by the services themselves (tests call `contract_submit`)."""

import importlib
from datetime import timedelta
from decimal import Decimal

import factory
from django.apps import apps as django_apps
from django.utils import timezone
from factory.django import DjangoModelFactory

from contracts.models import ApprovalStep, Contract, ContractLine, Delegation, Instalment
from contracts.querysets import forget_delegations
from opportunities import pricing
from opportunities.models import VatRate

from .customers import CustomerFactory


def default_steps():
    """The chain migration 0002 seeds (manager → legal → GM), seeded again after a
    transactional test flushed it; [ApprovalStep] in order."""
    if not ApprovalStep.objects.exists():
        importlib.import_module("contracts.migrations.0002_default_steps").seed(django_apps)
    return list(ApprovalStep.objects.order_by("order"))


def store_totals(contract):
    """The contract's figures from its lines, as services.contracts stores them."""
    lines = list(contract.lines.all())
    totals = pricing.price(lines).totals
    contract.amount, contract.amount_before_tax = totals.total, totals.before_tax
    contract.tax_amount, contract.cost_amount = totals.tax, totals.cost
    contract.max_discount_percent = max((line.discount_percent for line in lines), default=0)
    contract.save()
    return contract


def _status(status, **extra):
    return factory.Trait(status=status, **extra)


class ContractFactory(DjangoModelFactory[Contract]):
    """A draft with `lines` priced lines (1 by default: 113,000.00 tax included)."""

    class Meta:
        model = Contract
        skip_postgeneration_save = True

    customer = factory.SubFactory(CustomerFactory)
    owner = factory.SelfAttribute("customer.owner")
    created_by = factory.SelfAttribute("owner")
    number = factory.Sequence(lambda n: f"HT1999{n:08d}")
    title = factory.Sequence(lambda n: f"软件采购合同 {n}")
    start_date = factory.LazyFunction(timezone.localdate)
    end_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=365))
    payment_terms = "签约后 30 日内付 50%，验收后付 50%"
    key_terms = "违约金为合同金额的 5%；争议由甲方所在地法院管辖"
    signing_entity = "上海示例科技有限公司"
    warranty = "12 个月"

    class Params:
        approved = _status(Contract.Status.APPROVED)
        signed = _status(Contract.Status.SIGNED, signed_on=factory.LazyFunction(timezone.localdate))
        in_delivery = _status(
            Contract.Status.IN_DELIVERY, signed_on=factory.LazyFunction(timezone.localdate)
        )
        completed = _status(
            Contract.Status.COMPLETED, signed_on=factory.LazyFunction(timezone.localdate)
        )
        cancelled = _status(Contract.Status.CANCELLED, cancel_reason="客户取消采购")

    @factory.post_generation
    def lines(obj, create, extracted, **kwargs):
        if not create:
            return
        count = 1 if extracted is None else extracted
        for _ in range(count):
            ContractLineFactory(contract=obj, **kwargs)
        store_totals(obj)


def _figure(name):
    return factory.LazyAttribute(lambda line: getattr(pricing.price([line]).lines[0], name))


class ContractLineFactory(DjangoModelFactory[ContractLine]):
    class Meta:
        model = ContractLine

    contract = factory.SubFactory(ContractFactory, lines=0)
    position = factory.Sequence(lambda n: n)
    description = "CRM 软件许可"
    unit = "套"
    quantity = Decimal("1.00")
    unit_price = Decimal("113000.00")
    discount_percent = Decimal("0.00")
    vat_rate = VatRate.VAT_13
    unit_cost = Decimal("50000.00")
    line_total = _figure("total")
    amount_before_tax = _figure("before_tax")
    tax_amount = _figure("tax")
    line_cost = _figure("cost")


class InstalmentFactory(DjangoModelFactory[Instalment]):
    class Meta:
        model = Instalment

    contract = factory.SubFactory(ContractFactory, signed=True)
    position = factory.Sequence(lambda n: n + 1)
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    amount = factory.SelfAttribute("contract.amount")


class DelegationFactory(DjangoModelFactory[Delegation]):
    class Meta:
        model = Delegation
        skip_postgeneration_save = True

    starts_on = factory.LazyFunction(timezone.localdate)
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7))

    @factory.post_generation
    def forget(obj, create, extracted, **kwargs):
        # As delegation_create does: the delegate's cached delegations are read again.
        forget_delegations(obj.delegate)
