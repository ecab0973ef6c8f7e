"""The payment plan, payments, invoices and the collection stage, in Decimal with the values
written here: a plan adds up exactly (the difference shown), partial payments, no
over-payment, nothing dated before the signing, each instalment's state."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied

from contracts.errors import ContractError, InvalidInput, InvalidTransition
from contracts.models import Contract, Instalment, Invoice, Payment
from contracts.services import collection, payments
from tests.factories import ContractFactory, InstalmentFactory

pytestmark = pytest.mark.django_db

SIGNED = date(2026, 11, 2)
TODAY = date(2026, 12, 3)
BANK = Payment.Method.BANK_TRANSFER


@pytest.fixture
def signed(customer, steps):
    """113,000.00 yuan, signed on 2026-11-02."""
    return ContractFactory(customer=customer, signed=True, signed_on=SIGNED)


def plan(*rows):
    return [{"due_date": due, "amount": amount} for due, amount in rows]


THREE = plan(
    (date(2026, 11, 30), "33900.00"), (date(2027, 1, 31), "56500.00"), (date(2027, 6, 30), "22600")
)


def test_a_plan_that_adds_up_is_stored_in_due_date_order(rep, signed):
    rows = payments.payment_plan_set(contract=signed, by=rep, instalments=list(reversed(THREE)))
    assert [(i.position, i.due_date, i.amount) for i in rows] == [
        (1, date(2026, 11, 30), D("33900.00")),
        (2, date(2027, 1, 31), D("56500.00")),
        (3, date(2027, 6, 30), D("22600.00")),
    ]
    assert sum(i.amount for i in signed.instalments.all()) == D("113000.00")


@pytest.mark.parametrize(
    ("amounts", "message"),
    [
        (
            ["33900.00", "56500.00", "22599.99"],
            "add up to 112,999.99 yuan, the contract amount is 113,000.00 yuan: 0.01 yuan missing",
        ),
        (
            ["33900.00", "56500.00", "22600.01"],
            "113,000.01 yuan, the contract amount is 113,000.00 yuan: 0.01 yuan too many",
        ),
        (["113000.00", "0.10"], "0.10 yuan too many"),
    ],
)
def test_a_plan_that_does_not_add_up_is_refused_with_the_difference(rep, signed, amounts, message):
    rows = plan(*[(date(2027, 1, i + 1), amount) for i, amount in enumerate(amounts)])
    with pytest.raises(InvalidInput) as refused:
        payments.payment_plan_set(contract=signed, by=rep, instalments=rows)
    assert message in refused.value.errors["instalments"][0]
    assert not signed.instalments.exists()


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "more than 0"),
        ("-5", "cannot be negative"),
        ("1.001", "more than two decimals"),
        ("abc", "is not a number"),
    ],
)
def test_bad_instalment_amounts_are_named(rep, signed, amount, message):
    rows = plan((date(2027, 1, 1), amount), (date(2027, 2, 1), "113000.00"))
    with pytest.raises(InvalidInput) as refused:
        payments.payment_plan_set(contract=signed, by=rep, instalments=rows)
    assert refused.value.errors["instalments"][0].startswith("Instalment 1:")
    assert message in refused.value.errors["instalments"][0]


def test_a_plan_is_replaced_until_money_is_recorded_against_it(rep, signed):
    payments.payment_plan_set(contract=signed, by=rep, instalments=THREE)
    payments.payment_plan_set(contract=signed, by=rep, instalments=plan((TODAY, "113000.00")))
    only = signed.instalments.get()
    payments.payment_record(
        instalment=only, by=rep, received_on=TODAY, amount="1.00", method=BANK, today=TODAY
    )
    with pytest.raises(ContractError, match="cannot be replaced"):
        payments.payment_plan_set(contract=signed, by=rep, instalments=THREE)
    assert signed.instalments.count() == 1


def test_no_plan_while_in_approval(rep, contract):
    Contract.objects.filter(pk=contract.pk).update(status=Contract.Status.IN_APPROVAL)
    with pytest.raises(ContractError, match="cannot change"):
        payments.payment_plan_set(contract=contract, by=rep, instalments=THREE)


def test_partial_payments_then_paid(rep, signed):
    first, *_ = payments.payment_plan_set(contract=signed, by=rep, instalments=THREE)
    payments.payment_record(
        instalment=first,
        by=rep,
        received_on=date(2026, 11, 20),
        amount="10000.50",
        method=Payment.Method.ACCEPTANCE_BILL,
        reference="承兑汇票 No.8812",
        today=TODAY,
    )
    first.refresh_from_db()
    assert (first.paid_amount, first.outstanding) == (D("10000.50"), D("23899.50"))
    assert first.state(TODAY) == Instalment.State.OVERDUE and first.days_overdue(TODAY) == 3
    payments.payment_record(
        instalment=first, by=rep, received_on=TODAY, amount="23899.50", method=BANK, today=TODAY
    )
    first.refresh_from_db()
    assert (first.paid_amount, first.outstanding) == (D("33900.00"), D("0.00"))
    assert first.state(TODAY) == Instalment.State.PAID and first.days_overdue(TODAY) == 0


@pytest.mark.parametrize(
    ("received_on", "amount", "method", "field", "message"),
    [
        (TODAY, "33900.01", BANK, "amount", "33,900.01 yuan is more than the 33,900.00 yuan"),
        (TODAY, "0", BANK, "amount", "more than 0"),
        (date(2026, 11, 1), "100", BANK, "received_on", "before the contract was signed"),
        (TODAY + timedelta(1), "100", BANK, "received_on", "cannot be in the future"),
        (None, "100", BANK, "received_on", "Enter the date"),
        (TODAY, "100", "bitcoin", "method", "Choose how it was paid"),
    ],
)
def test_bad_payments_are_refused_and_nothing_changes(
    rep, signed, received_on, amount, method, field, message
):
    first, *_ = payments.payment_plan_set(contract=signed, by=rep, instalments=THREE)
    with pytest.raises(InvalidInput) as refused:
        payments.payment_record(
            instalment=first,
            by=rep,
            received_on=received_on,
            amount=amount,
            method=method,
            today=TODAY,
        )
    assert message in refused.value.errors[field][0]
    first.refresh_from_db()
    assert first.paid_amount == D("0.00") and not Payment.objects.exists()


def test_after_a_partial_payment_only_the_rest_fits(rep, signed):
    first, *_ = payments.payment_plan_set(contract=signed, by=rep, instalments=THREE)
    payments.payment_record(
        instalment=first, by=rep, received_on=TODAY, amount="30000", method=BANK, today=TODAY
    )
    with pytest.raises(InvalidInput, match="3,900.01 yuan is more than the 3,900.00 yuan"):
        payments.payment_record(
            instalment=first,
            by=rep,
            received_on=TODAY,
            amount="3900.01",
            method=BANK,
            today=TODAY,
        )


def test_payments_wait_for_the_signing_and_for_someone_who_looks_after_it(
    rep, other_rep, customer, steps
):
    approved = ContractFactory(customer=customer, approved=True)
    instalment = InstalmentFactory(contract=approved)
    with pytest.raises(ContractError, match="once the contract is signed"):
        payments.payment_record(
            instalment=instalment, by=rep, received_on=TODAY, amount="1", method=BANK
        )
    Contract.objects.filter(pk=approved.pk).update(status=Contract.Status.SIGNED)
    with pytest.raises(PermissionDenied):
        payments.payment_record(
            instalment=instalment, by=other_rep, received_on=TODAY, amount="1", method=BANK
        )


@pytest.mark.parametrize(
    ("due", "paid", "state", "days"),
    [
        (date(2027, 1, 1), "0", Instalment.State.UPCOMING, 0),
        (date(2026, 12, 7), "0", Instalment.State.UPCOMING, 0),
        (date(2026, 12, 6), "0", Instalment.State.DUE, 0),
        (date(2026, 12, 3), "0", Instalment.State.DUE, 0),
        (date(2026, 12, 2), "0", Instalment.State.OVERDUE, 1),
        (date(2026, 9, 4), "500.00", Instalment.State.OVERDUE, 90),
        (date(2026, 9, 4), "1000.00", Instalment.State.PAID, 0),
    ],
)
def test_the_state_of_an_instalment(signed, due, paid, state, days):
    instalment = Instalment(contract=signed, due_date=due, amount=D("1000.00"), paid_amount=D(paid))
    assert instalment.state(TODAY) == state
    assert instalment.days_overdue(TODAY) == days


def test_overdue_lists_the_unpaid_after_their_due_date(signed):
    late = InstalmentFactory(contract=signed, due_date=date(2026, 12, 2), amount=D("100.00"))
    InstalmentFactory(contract=signed, due_date=date(2026, 12, 3), amount=D("100.00"))
    InstalmentFactory(
        contract=signed, due_date=date(2026, 11, 1), amount=D("100.00"), paid_amount=D("100.00")
    )
    assert list(Instalment.objects.overdue(TODAY)) == [late]


# --- invoices ---------------------------------------------------------------------------------


def test_invoices_against_an_instalment_up_to_its_amount(rep, signed):
    first, *_ = payments.payment_plan_set(contract=signed, by=rep, instalments=THREE)
    invoice = payments.invoice_record(
        instalment=first,
        by=rep,
        number="04400123",
        kind=Invoice.Kind.SPECIAL,
        amount="30000.00",
        issued_on=TODAY,
        today=TODAY,
    )
    assert (invoice.amount, invoice.contract) == (D("30000.00"), signed)
    with pytest.raises(InvalidInput, match="3,900.01 yuan is more than the 3,900.00 yuan"):
        payments.invoice_record(
            instalment=first,
            by=rep,
            number="04400124",
            kind=Invoice.Kind.ORDINARY,
            amount="3900.01",
            issued_on=TODAY,
            today=TODAY,
        )
    with pytest.raises(InvalidInput, match="04400123 is recorded already"):
        payments.invoice_record(
            instalment=first,
            by=rep,
            number="04400123",
            kind=Invoice.Kind.ORDINARY,
            amount="1",
            issued_on=TODAY,
            today=TODAY,
        )
    with pytest.raises(InvalidInput, match="Choose the invoice type"):
        payments.invoice_record(
            instalment=first,
            by=rep,
            number="04400125",
            kind="receipt",
            amount="1",
            issued_on=TODAY,
            today=TODAY,
        )
    assert Invoice.objects.count() == 1


# --- collection ---------------------------------------------------------------------------------


def test_collection_moves_one_step_at_a_time_with_a_note(rep, manager, signed):
    late = InstalmentFactory(contract=signed, due_date=date(2026, 11, 20))
    collection.collection_advance(
        instalment=late,
        by=rep,
        to_stage=Instalment.Collection.REMINDED,
        note="电话提醒财务",
        today=TODAY,
    )
    with pytest.raises(PermissionDenied):  # escalating is the manager's
        collection.collection_advance(
            instalment=late,
            by=rep,
            to_stage=Instalment.Collection.ESCALATED,
            note="x",
            today=TODAY,
        )
    with pytest.raises(InvalidTransition):
        collection.collection_advance(
            instalment=late,
            by=manager,
            to_stage=Instalment.Collection.LEGAL,
            note="x",
            today=TODAY,
        )
    with pytest.raises(InvalidInput, match="Add a note"):
        collection.collection_advance(
            instalment=late,
            by=manager,
            to_stage=Instalment.Collection.ESCALATED,
            note="",
            today=TODAY,
        )
    collection.collection_advance(
        instalment=late,
        by=manager,
        to_stage=Instalment.Collection.ESCALATED,
        note="经理出面沟通",
        today=TODAY,
    )
    late.refresh_from_db()
    assert late.collection_stage == Instalment.Collection.ESCALATED
    history = list(late.status_changes.values_list("from_status", "to_status", "reason", "by"))
    assert history == [
        ("reminded", "escalated", "经理出面沟通", manager.pk),
        ("none", "reminded", "电话提醒财务", rep.pk),
    ]


def test_collection_starts_once_overdue(rep, signed):
    not_yet = InstalmentFactory(contract=signed, due_date=TODAY)
    with pytest.raises(ContractError, match="once an instalment is overdue"):
        collection.collection_advance(
            instalment=not_yet,
            by=rep,
            to_stage=Instalment.Collection.REMINDED,
            note="x",
            today=TODAY,
        )
