"""The approval inbox ("waiting for me") and the decision each row posts: who sees which
rows, who may post, bad input changing nothing, and a constant number of queries."""

import pytest
from django.urls import reverse

from contracts.models import ApprovalDecision, Contract
from contracts.services import approval
from tests.factories import ContractFactory, CustomerFactory

pytestmark = pytest.mark.django_db

INBOX = reverse("contracts:approval-inbox")


def decide(contract):
    return reverse("contracts:contract-decide", args=[contract.pk])


@pytest.fixture
def waiting(rep, other_rep, manager, contract):
    """`contract` at the manager's step; another at legal's; one of other_rep's at its
    manager's step (team C has none: it waits for nobody here)."""
    at_legal = ContractFactory(customer=contract.customer)
    approval.contract_submit(contract=contract, by=rep)
    approval.contract_submit(contract=at_legal, by=rep)
    approval.contract_approve(contract=at_legal, by=manager)
    return {"manager_step": contract, "legal_step": at_legal}


@pytest.mark.parametrize(
    ("who", "status", "rows"),
    [
        ("manager", 200, {"manager_step"}),
        ("legal", 200, {"legal_step"}),
        ("general_manager", 200, set()),
        ("director", 200, set()),
        ("rep", 403, None),
        ("other_rep", 403, None),
        ("delivery", 403, None),
        ("aftersales", 403, None),
        ("admin_user", 403, None),
    ],
)
def test_who_sees_which_rows(request, client, waiting, who, status, rows):
    client.force_login(request.getfixturevalue(who))
    response = client.get(INBOX)
    assert response.status_code == status
    if rows is not None:
        names = {c.pk: n for n, c in waiting.items()}
        assert {names[c.pk] for c in response.context["contracts"]} == rows


def test_a_row_shows_what_an_approver_needs(client, manager, waiting):
    client.force_login(manager)
    page = client.get(INBOX).content.decode()
    contract = waiting["manager_step"]
    for text in (contract.number, contract.customer.name, "113,000.00", contract.key_terms):
        assert text in page
    assert 'name="round" value="1"' in page and f'name="version" value="{contract.version}"' in page


def test_the_navbar_shows_approvals_to_approvers_only(client, rep, manager):
    client.force_login(manager)
    assert f'href="{INBOX}"' in client.get(reverse("home")).content.decode()
    client.force_login(rep)
    assert f'href="{INBOX}"' not in client.get(reverse("home")).content.decode()


def test_approving_from_the_inbox(client, manager, legal, waiting):
    contract = waiting["manager_step"]
    client.force_login(manager)
    response = client.post(
        decide(contract), {"action": "approve", "comment": "同意", "round": 1, "version": 1}
    )
    assert response.status_code == 302 and response.url == INBOX
    decision = ApprovalDecision.objects.get(round__contract=contract)
    assert (decision.by, decision.comment) == (manager, "同意")
    follow = client.get(INBOX)
    assert f"Contract {contract.number} approved." in follow.content.decode()
    client.force_login(legal)
    assert contract in client.get(INBOX).context["contracts"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "reject", "comment": ""}, "Say why in a comment."),
        ({"action": "return", "comment": "  "}, "Say why in a comment."),
        ({"action": "approve", "round": 9}, "This approval round is over"),
        ({"action": "approve", "version": 9}, "The contract changed since you opened it"),
        ({"action": "sign"}, "Choose approve, reject or return."),
    ],
)
def test_bad_input_gives_a_message_and_changes_nothing(client, manager, waiting, data, message):
    contract = waiting["manager_step"]
    client.force_login(manager)
    response = client.post(decide(contract), data, follow=True)
    assert message in response.content.decode()
    assert not ApprovalDecision.objects.filter(round__contract=contract).exists()
    contract.refresh_from_db()
    assert contract.status == Contract.Status.IN_APPROVAL


def test_out_of_turn_is_a_message(client, general_manager, waiting):
    client.force_login(general_manager)
    response = client.post(decide(waiting["manager_step"]), {"action": "approve"}, follow=True)
    assert "Not your turn yet" in response.content.decode()
    assert not ApprovalDecision.objects.filter(round__contract=waiting["manager_step"]).exists()


def test_a_rep_posting_a_decision_is_refused(client, rep, other_rep, waiting):
    client.force_login(rep)  # their own contract: the action is not theirs
    assert client.post(decide(waiting["manager_step"]), {"action": "approve"}).status_code == 403
    client.force_login(other_rep)  # not theirs to see
    assert client.post(decide(waiting["manager_step"]), {"action": "approve"}).status_code == 404
    assert not ApprovalDecision.objects.filter(round__contract=waiting["manager_step"]).exists()


def test_the_inbox_runs_a_constant_number_of_queries(
    client, rep, manager, legal, steps, django_assert_num_queries
):
    customer = CustomerFactory(owner=rep)

    def add(count):
        for _ in range(count):
            contract = ContractFactory(customer=customer)
            approval.contract_submit(contract=contract, by=rep)
            approval.contract_approve(contract=contract, by=manager)

    add(1)
    client.force_login(legal)
    client.get(INBOX)
    with django_assert_num_queries(7) as one:
        response = client.get(INBOX)
    assert len(response.context["contracts"]) == 1
    add(24)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(INBOX)
    assert len(response.context["contracts"]) == 25


def test_the_inbox_speaks_chinese(manager, waiting):
    from django.test import Client

    chinese = Client(headers={"accept-language": "zh-hans"})
    chinese.force_login(manager)
    page = chinese.get(INBOX).content.decode()
    for text in ("待我审批", "批准", "退回修改", "驳回", "关键条款", "销售经理审批"):
        assert text in page
