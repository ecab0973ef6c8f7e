"""Creating and editing contracts: the number, a contract from an accepted quote (copied
and frozen) or from scratch, edits only on a draft, bad input changing nothing."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from contracts.errors import ContractError, InvalidInput, StaleContract
from contracts.models import Contract, ContractCounter
from contracts.services import approval, contracts
from crm_site.transitions import InvalidTransition
from tests.factories import ContractFactory, CustomerFactory, OpportunityFactory, QuoteFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 3)
HEADER = {
    "title": "MES 系统采购合同",
    "start_date": date(2027, 1, 1),
    "end_date": date(2027, 12, 31),
    "payment_terms": "签约后 30 日内付 50%，验收后付 50%",
    "credit_days": 30,
    "key_terms": "违约金 5%",
    "delivery_date": date(2027, 3, 1),
    "warranty": "12 个月",
    "signing_entity": "上海示例科技有限公司",
}
LINES = [
    {
        "description": "MES 软件许可",
        "quantity": "2",
        "unit_price": "56500.00",
        "unit_cost": "20000",
    },
    {
        "description": "实施服务",
        "quantity": "10",
        "unit_price": "1060.00",
        "discount_percent": "10",
        "vat_rate": "6",
    },
]


def test_numbers_run_per_month_and_start_again_in_the_next(db):
    with transaction.atomic():
        assert contracts.next_number(date(2026, 11, 30)) == "HT2026110001"
        assert contracts.next_number(date(2026, 11, 30)) == "HT2026110002"
        assert contracts.next_number(date(2026, 12, 1)) == "HT2026120001"
        assert contracts.next_number(date(2026, 11, 30)) == "HT2026110003"
    assert dict(ContractCounter.objects.values_list("period", "last")) == {
        "202611": 3,
        "202612": 1,
    }


def test_a_cancelled_contract_keeps_its_number_and_the_next_is_new(rep, customer, steps):
    first = contracts.contract_create(customer=customer, by=rep, lines=LINES, today=TODAY, **HEADER)
    Contract.objects.filter(pk=first.pk).update(status=Contract.Status.CANCELLED)
    second = contracts.contract_create(
        customer=customer, by=rep, lines=LINES, today=TODAY, **HEADER
    )
    assert (first.number, second.number) == ("HT2026120001", "HT2026120002")


def test_a_contract_from_scratch_is_priced_from_its_lines(rep, customer, steps):
    contract = contracts.contract_create(
        customer=customer, by=rep, lines=LINES, today=TODAY, **HEADER
    )
    # 2 × 56,500.00 = 113,000.00; 10 × 1,060.00 at 10 % off = 9,540.00
    assert contract.amount == D("122540.00")
    assert contract.amount_before_tax == D("100000.00") + D("9000.00")
    assert contract.cost_amount == D("40000.00")
    assert contract.max_discount_percent == D("10.00")
    assert contract.owner == rep and contract.status == Contract.Status.DRAFT
    assert [line.line_total for line in contract.lines.all()] == [D("113000.00"), D("9540.00")]


def test_a_contract_from_an_accepted_quote_copies_it_and_its_lines_stay_frozen(rep, customer):
    opportunity = OpportunityFactory(customer=customer, negotiation=True)
    quote = QuoteFactory(opportunity=opportunity, accepted=True, lines=2)
    contract = contracts.contract_create_from_quote(quote=quote, by=rep, today=TODAY, **HEADER)

    assert (contract.customer, contract.opportunity, contract.quote) == (
        customer,
        opportunity,
        quote,
    )
    assert contract.amount == quote.total_amount
    assert contract.cost_amount == quote.cost_amount
    assert contract.lines.count() == 2
    with pytest.raises(ContractError, match="come from the accepted quote"):
        contracts.contract_update(contract=contract, by=rep, lines=LINES)
    contract.refresh_from_db()
    assert contract.amount == quote.total_amount and contract.lines.count() == 2


@pytest.mark.parametrize("status", ["draft", "sent", "declined"])
def test_only_an_accepted_quote_makes_a_contract(rep, customer, status):
    quote = QuoteFactory(
        opportunity=OpportunityFactory(customer=customer, negotiation=True), status=status
    )
    with pytest.raises(ContractError, match="quote the customer accepted"):
        contracts.contract_create_from_quote(quote=quote, by=rep, **HEADER)
    assert not Contract.objects.exists()


def test_one_quote_makes_one_contract(rep, customer):
    quote = QuoteFactory(
        opportunity=OpportunityFactory(customer=customer, negotiation=True), accepted=True
    )
    first = contracts.contract_create_from_quote(quote=quote, by=rep, **HEADER)
    with pytest.raises(ContractError, match=f"{first.number} is already made"):
        contracts.contract_create_from_quote(quote=quote, by=rep, **HEADER)


def test_a_rep_cannot_make_a_contract_for_a_customer_they_do_not_see(rep, other_rep, steps):
    theirs = CustomerFactory(owner=other_rep)
    with pytest.raises(PermissionDenied):
        contracts.contract_create(customer=theirs, by=rep, lines=LINES, **HEADER)
    assert not Contract.objects.exists()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"title": "  "}, "title", "required"),
        ({"end_date": date(2026, 12, 1)}, "end_date", "cannot end before it starts"),
        ({"key_terms": ""}, "key_terms", "required"),
        ({"credit_days": -5}, "credit_days", "from 0 to 3650"),
        ({"delivery_date": date(2026, 6, 1)}, "delivery_date", "before the term starts"),
    ],
)
def test_bad_header_gives_a_clear_message_and_creates_nothing(
    rep, customer, steps, change, field, message
):
    with pytest.raises(InvalidInput) as refused:
        contracts.contract_create(customer=customer, by=rep, lines=LINES, **(HEADER | change))
    assert message in " ".join(refused.value.errors[field])
    assert not Contract.objects.exists()
    assert not ContractCounter.objects.filter(last__gt=0).exists()


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ({"description": "", "quantity": "1", "unit_price": "1"}, "Line 1: Say what"),
        ({"description": "x", "quantity": "0", "unit_price": "1"}, "Line 1: The quantity"),
        ({"description": "x", "quantity": "1", "unit_price": "abc"}, "Line 1: “abc” is not"),
        (
            {"description": "x", "quantity": "1", "unit_price": "1", "discount_percent": "120"},
            "Line 1: A discount",
        ),
    ],
)
def test_bad_lines_are_named(rep, customer, steps, line, message):
    with pytest.raises(InvalidInput) as refused:
        contracts.contract_create(customer=customer, by=rep, lines=[line], **HEADER)
    assert refused.value.errors["lines"][0].startswith(message)
    assert not Contract.objects.exists()


def test_a_draft_is_edited_and_each_edit_is_a_new_version(rep, contract):
    updated = contracts.contract_update(contract=contract, by=rep, version=1, warranty="24 个月")
    assert (updated.warranty, updated.version) == ("24 个月", 2)
    with pytest.raises(StaleContract):
        contracts.contract_update(contract=contract, by=rep, version=1, warranty="36 个月")
    contract.refresh_from_db()
    assert contract.warranty == "24 个月"


def test_a_contract_in_approval_cannot_be_edited(rep, contract):
    approval.contract_submit(contract=contract, by=rep)
    with pytest.raises(ContractError, match="in approval cannot be edited"):
        contracts.contract_update(contract=contract, by=rep, warranty="36 个月")
    contract.refresh_from_db()
    assert contract.warranty == "12 个月" and contract.version == 1


def test_another_rep_cannot_edit_and_a_signed_contract_is_not_edited(rep, other_rep, steps):
    contract = ContractFactory(customer=CustomerFactory(owner=rep), signed=True)
    with pytest.raises(PermissionDenied):
        contracts.contract_update(contract=contract, by=other_rep, warranty="x")
    with pytest.raises(ContractError, match="“Signed” cannot be edited"):
        contracts.contract_update(contract=contract, by=rep, warranty="x")


def test_statuses_move_only_as_the_table_says():
    moves = set(Contract.TRANSITIONS)
    assert ("draft", "in_approval") in moves
    assert ("in_approval", "draft") in moves  # rejected or returned
    assert ("approved", "signed") in moves
    assert ("draft", "signed") not in moves
    assert ("completed", "cancelled") not in moves
    with pytest.raises(InvalidTransition):
        Contract.TRANSITIONS.check("draft", "signed")


def test_the_term_is_in_order_in_the_database_too(contract):
    contract.end_date = timezone.localdate() - timedelta(days=400)
    with pytest.raises(Exception, match="contract_term_in_order"), transaction.atomic():
        contract.save()
