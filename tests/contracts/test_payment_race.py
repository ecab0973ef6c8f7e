"""Two payments on one instalment at the same moment: together they would pay more than is
owed, so the second is refused and the instalment is never over-paid."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.utils import timezone

from contracts.errors import InvalidInput
from contracts.models import Payment
from contracts.services import payments
from tests.factories import ContractFactory, InstalmentFactory
from tests.race import at_once

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_payments_at_once_never_overpay(monkeypatch, rep, manager, customer, steps):
    contract = ContractFactory(customer=customer, signed=True, signed_on=date(2026, 11, 2))
    instalment = InstalmentFactory(contract=contract, amount=D("113000.00"))
    today = timezone.localdate()

    def pay(by, amount):
        return lambda: payments.payment_record(
            instalment=instalment,
            by=by,
            received_on=today,
            amount=amount,
            method=Payment.Method.BANK_TRANSFER,
        )

    first, second = at_once(
        monkeypatch, payments, "lock_instalment", pay(rep, "80000.00"), pay(manager, "40000.00")
    )
    assert isinstance(first, Payment), first
    assert isinstance(second, InvalidInput)
    assert "40,000.00 yuan is more than the 33,000.00 yuan still owed" in str(second)
    instalment.refresh_from_db()
    assert instalment.paid_amount == D("80000.00")
    assert list(Payment.objects.values_list("amount", flat=True)) == [D("80000.00")]


def test_two_payments_that_fit_are_both_recorded(monkeypatch, rep, manager, customer, steps):
    contract = ContractFactory(customer=customer, signed=True, signed_on=date(2026, 11, 2))
    instalment = InstalmentFactory(contract=contract, amount=D("113000.00"))
    today = timezone.localdate()

    def pay(by, amount):
        return lambda: payments.payment_record(
            instalment=instalment,
            by=by,
            received_on=today,
            amount=amount,
            method=Payment.Method.CASH,
        )

    first, second = at_once(
        monkeypatch, payments, "lock_instalment", pay(rep, "13000.00"), pay(manager, "100000.00")
    )
    assert isinstance(first, Payment) and isinstance(second, Payment), (first, second)
    instalment.refresh_from_db()
    assert instalment.paid_amount == D("113000.00") and instalment.outstanding == D("0.00")
