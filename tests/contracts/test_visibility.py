"""Who sees which contracts (Contract.objects.visible_to and the rows that hang on it): reps
their own, managers their team's subtree, legal the contracts that reached its step (now or
in an earlier round), the general manager, the director and admins all; delivery and
after-sales none yet."""

import pytest

from contracts.models import Contract, ContractLine, Instalment
from contracts.services import approval
from customers.models import CustomerShare
from tests.factories import ContractFactory, CustomerFactory, InstalmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(rep, other_rep, manager, steps):
    """A draft, an approved and a signed contract of `rep` (team A) and a draft and a signed
    contract of `other_rep` (team C)."""
    mine = CustomerFactory(owner=rep)
    theirs = CustomerFactory(owner=other_rep)
    return {
        "rep_draft": ContractFactory(customer=mine),
        "rep_approved": ContractFactory(customer=mine, approved=True),
        "rep_signed": ContractFactory(customer=mine, signed=True),
        "other_draft": ContractFactory(customer=theirs),
        "other_signed": ContractFactory(customer=theirs, signed=True),
    }


ALL = {"rep_draft", "rep_approved", "rep_signed", "other_draft", "other_signed"}
REPS = {"rep_draft", "rep_approved", "rep_signed"}


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("rep", REPS),
        ("other_rep", {"other_draft", "other_signed"}),
        ("manager", REPS),
        ("legal", set()),
        ("general_manager", ALL),
        ("director", ALL),
        ("admin_user", ALL),
        ("delivery", set()),
        ("aftersales", set()),
    ],
)
def test_the_matrix(request, book, who, sees):
    user = request.getfixturevalue(who)
    names = {pk: name for name, pk in ((n, c.pk) for n, c in book.items())}
    visible = {names[pk] for pk in Contract.objects.visible_to(user).values_list("pk", flat=True)}
    assert visible == sees
    lines = ContractLine.objects.visible_to(user).values_list("contract_id", flat=True)
    assert {names[pk] for pk in lines} == sees


def test_legal_sees_a_contract_from_its_step_on_and_keeps_seeing_it(rep, manager, legal, book):
    contract = book["rep_draft"]
    approval.contract_submit(contract=contract, by=rep)
    assert not Contract.objects.visible_to(legal).filter(pk=contract.pk).exists()
    approval.contract_approve(contract=contract, by=manager)
    assert Contract.objects.visible_to(legal).filter(pk=contract.pk).exists()
    approval.contract_return(contract=contract, by=legal, comment="违约条款需修改")
    # Back to draft: it reached legal's step in round 1, so legal still sees it.
    assert Contract.objects.visible_to(legal).filter(pk=contract.pk).exists()
    assert set(Contract.objects.visible_to(legal).values_list("pk", flat=True)) == {contract.pk}


def test_a_manager_up_the_tree_sees_the_subtree(org, rep, book):
    from teams.models import Role
    from tests.factories import UserFactory

    regional = UserFactory(role=Role.SALES_MANAGER, team=org["east"])
    visible = set(Contract.objects.visible_to(regional).values_list("pk", flat=True))
    assert visible == {book[name].pk for name in REPS}


def test_a_colleague_the_customer_is_shared_with_sees_its_contracts(other_rep, book):
    CustomerShare.objects.create(customer=book["rep_signed"].customer, user=other_rep)
    visible = set(Contract.objects.visible_to(other_rep).values_list("pk", flat=True))
    assert book["rep_signed"].pk in visible


def test_instalments_follow_their_contract(rep, other_rep, book):
    mine = InstalmentFactory(contract=book["rep_signed"])
    InstalmentFactory(contract=book["other_signed"])
    assert list(Instalment.objects.visible_to(rep)) == [mine]
