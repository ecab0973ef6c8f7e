"""Two decisions at the same moment, a double click, or a decision racing an edit: one
decision per step, never a decision on a changed contract. Each call runs in its own thread
on its own database connection (tests/race.py)."""

import pytest

from contracts.errors import ContractError, NotYourTurn, StaleContract
from contracts.models import ApprovalDecision, ApprovalRound, Contract
from contracts.services import approval, contracts
from teams.models import Role
from tests.factories import UserFactory
from tests.race import at_once

pytestmark = pytest.mark.django_db(transaction=True)


def decisions(contract):
    return list(
        ApprovalDecision.objects.filter(round__contract=contract).values_list(
            "step__role", "by__username", "decision"
        )
    )


def test_approve_and_reject_in_two_tabs_give_one_decision(monkeypatch, rep, manager, contract):
    approval.contract_submit(contract=contract, by=rep)
    first, second = at_once(
        monkeypatch,
        approval,
        "acting_as",
        lambda: approval.contract_approve(contract=contract, by=manager),
        lambda: approval.contract_reject(contract=contract, by=manager, comment="价格过低"),
    )
    assert isinstance(first, ApprovalDecision), first
    assert isinstance(second, NotYourTurn)
    assert "already decided in this approval round" in str(second)
    assert decisions(contract) == [(Role.SALES_MANAGER, "manager", "approve")]
    contract.refresh_from_db()
    assert contract.status == Contract.Status.IN_APPROVAL
    assert contract.current_step.role == Role.LEGAL


def test_a_double_click_gives_one_decision(monkeypatch, rep, manager, legal, contract):
    approval.contract_submit(contract=contract, by=rep)
    approval.contract_approve(contract=contract, by=manager)
    click = lambda: approval.contract_approve(contract=contract, by=legal, round_number=1)  # noqa: E731
    first, second = at_once(monkeypatch, approval, "acting_as", click, click)
    assert isinstance(first, ApprovalDecision), first
    assert isinstance(second, NotYourTurn), second
    assert len(decisions(contract)) == 2


def test_two_legal_colleagues_at_once_give_one_decision(
    monkeypatch, org, rep, manager, legal, contract
):
    colleague = UserFactory(username="legal_2", role=Role.LEGAL, team=org["company"])
    approval.contract_submit(contract=contract, by=rep)
    approval.contract_approve(contract=contract, by=manager)
    first, second = at_once(
        monkeypatch,
        approval,
        "acting_as",
        lambda: approval.contract_return(contract=contract, by=legal, comment="条款需修改"),
        lambda: approval.contract_approve(contract=contract, by=colleague),
    )
    assert isinstance(first, ApprovalDecision), first
    assert isinstance(second, StaleContract | NotYourTurn), second
    assert decisions(contract) == [
        (Role.SALES_MANAGER, "manager", "approve"),
        (Role.LEGAL, "legal", "return"),
    ]
    contract.refresh_from_db()
    assert contract.status == Contract.Status.DRAFT


def test_an_edit_racing_a_decision_changes_nothing(monkeypatch, rep, manager, contract):
    approval.contract_submit(contract=contract, by=rep)
    first, second = at_once(
        monkeypatch,
        approval,
        "acting_as",
        lambda: approval.contract_approve(contract=contract, by=manager),
        lambda: contracts.contract_update(contract=contract, by=rep, warranty="36 个月"),
    )
    assert isinstance(first, ApprovalDecision), first
    assert isinstance(second, ContractError)
    assert "in approval cannot be edited" in str(second)
    contract.refresh_from_db()
    assert (contract.warranty, contract.version) == ("12 个月", 1)


def test_a_submission_racing_an_edit_is_refused_as_stale(monkeypatch, rep, contract):
    seen = contract.version
    first, second = at_once(
        monkeypatch,
        contracts,
        "check_version",
        lambda: contracts.contract_update(contract=contract, by=rep, warranty="24 个月"),
        lambda: approval.contract_submit(contract=contract, by=rep, version=seen),
    )
    assert isinstance(first, Contract), first
    assert isinstance(second, StaleContract), second
    contract.refresh_from_db()
    assert contract.status == Contract.Status.DRAFT and contract.version == seen + 1
    assert not ApprovalRound.objects.filter(contract=contract).exists()
