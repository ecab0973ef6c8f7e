"""Contracts through the shared hooks: their signed value is the purchases ABC grading reads
(万元, trailing 12 months); a merge moves them to the kept customer; a handover moves the
departing rep's contracts still in play."""

from datetime import date
from decimal import Decimal as D

import pytest

from contracts.hooks import move_contracts, signed_purchases
from contracts.models import Contract
from crm_site import hooks
from customers import grading, services
from customers.models import GradeProposal
from customers.services import CustomerError
from teams.models import Role
from tests.factories import ContractFactory, CustomerFactory, InstalmentFactory, UserFactory

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 3, 31)


def test_signed_value_of_the_last_12_months_in_wan(rep, steps):
    a = CustomerFactory(owner=rep, annual_purchase_estimate=D("999"))
    b = CustomerFactory(owner=rep, annual_purchase_estimate=D("999"))
    for status, day, price in [
        ("signed", date(2026, 3, 31), "113000.00"),
        ("in_delivery", date(2025, 6, 1), "56500.50"),
        ("completed", date(2025, 3, 31), "10000.00"),  # the first day counted
        ("completed", date(2025, 3, 30), "990000.00"),  # a day too early
        ("approved", None, "500000.00"),  # not signed
        ("cancelled", date(2026, 1, 5), "700000.00"),
    ]:
        ContractFactory(customer=a, status=status, signed_on=day, lines__unit_price=D(price))
    assert signed_purchases(customer_ids=[a.pk, b.pk], start=date(2025, 3, 31), end=AS_OF) == {
        a.pk: D("17.95")  # 113,000.00 + 56,500.50 + 10,000.00 = 179,500.50 yuan
    }
    # Grading reads it instead of the declared estimate; b has bought nothing.
    assert grading.trailing_purchases([a, b], AS_OF) == {a.pk: D("17.95"), b.pk: D("0")}


def test_the_quarterly_review_proposes_grades_from_contracts(rep, steps):
    customer = CustomerFactory(owner=rep, grade="C", annual_purchase_estimate=D("0"))
    ContractFactory(
        customer=customer, signed=True, signed_on=date(2026, 2, 1), lines__unit_price=D("450000")
    )
    assert services.grade_review_propose(as_of=AS_OF) == 1
    proposal = GradeProposal.objects.get()
    assert (proposal.proposed_grade, proposal.basis_amount) == ("B", D("45"))


def test_a_merge_moves_the_contracts(rep, manager, steps):
    keep = CustomerFactory(owner=rep, name="华东精密")
    merge = CustomerFactory(owner=rep, name="华东精密制造")
    moving = [ContractFactory(customer=merge), ContractFactory(customer=merge, signed=True)]
    InstalmentFactory(contract=moving[1])
    staying = ContractFactory(customer=keep)

    record = services.customer_merge(by=manager, keep=keep, merge=merge)
    assert {"key": "contracts", "label": "contracts", "count": 2} in record.moved
    assert set(Contract.objects.filter(customer=keep)) == {*moving, staying}


def test_without_the_hook_the_merge_refuses_and_nothing_moves(rep, manager, steps):
    keep, merge = CustomerFactory(owner=rep), CustomerFactory(owner=rep)
    contract = ContractFactory(customer=merge)
    with (
        hooks.unregister_temporarily(hooks.CUSTOMER_MERGE, move_contracts),
        pytest.raises(CustomerError, match="contracts"),
    ):
        services.customer_merge(by=manager, keep=keep, merge=merge)
    contract.refresh_from_db()
    assert contract.customer == merge


def test_a_handover_moves_the_contracts_still_in_play(org, rep, manager, steps):
    receiver = UserFactory(username="receiver", role=Role.SALES_REP, team=org["team_a"])
    handed, kept = CustomerFactory(owner=rep), CustomerFactory(owner=rep)
    in_play = [
        ContractFactory(customer=handed),
        ContractFactory(customer=handed, signed=True),
        ContractFactory(customer=handed, in_delivery=True),
    ]
    done = [
        ContractFactory(customer=handed, completed=True),
        ContractFactory(customer=handed, cancelled=True),
    ]
    elsewhere = ContractFactory(customer=kept)
    instalment = InstalmentFactory(contract=in_play[1])

    handover = services.customers_handover(
        by=manager, from_user=rep, to_user=receiver, customers=[handed]
    )

    assert {"key": "contracts", "label": "open contracts", "count": 3} in handover.moved
    owners = dict(Contract.objects.values_list("pk", "owner_id"))
    assert {owners[c.pk] for c in in_play} == {receiver.pk}
    assert {owners[c.pk] for c in [*done, elsewhere]} == {rep.pk}
    # The instalments go with their contract: now in the receiver's list.
    assert (
        instalment.contract.__class__.objects.visible_to(receiver)
        .filter(pk=instalment.contract_id)
        .exists()
    )
