"""The approval chain (sales manager → legal → general manager by default): who may act at
which step, never on their own contract, never twice in a round, never out of turn; amount,
discount and credit thresholds; delegation; the manager's seat empty; reject and return with
a comment; resubmitting starts a new round and the earlier ones stay."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from contracts.errors import ContractError, InvalidInput, NotYourTurn, StaleContract
from contracts.models import ApprovalDecision, ApprovalRound, ApprovalStep, Contract
from contracts.permissions import acting_as, can_approve
from contracts.services import approval, contracts, lifecycle
from teams.models import Role
from tests.factories import ContractFactory, CustomerFactory, DelegationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(org, rep, other_rep, manager, legal, general_manager, director, delivery):
    team_c_manager = UserFactory(username="manager_c", role=Role.SALES_MANAGER, team=org["team_c"])
    org["team_c"].manager = team_c_manager
    org["team_c"].save()
    return {
        "rep": rep,
        "other_rep": other_rep,
        "manager": manager,
        "manager_c": team_c_manager,
        "legal": legal,
        "legal_2": UserFactory(username="legal_2", role=Role.LEGAL, team=org["company"]),
        "gm": general_manager,
        "director": director,
        "delivery": delivery,
    }


def at_step(contract, people, role):
    """Submit `contract` and approve it up to the step of `role`."""
    approval.contract_submit(contract=contract, by=people["rep"])
    order = [Role.SALES_MANAGER, Role.LEGAL, Role.GENERAL_MANAGER]
    deciders = {Role.SALES_MANAGER: "manager", Role.LEGAL: "legal", Role.GENERAL_MANAGER: "gm"}
    for step_role in order[: order.index(role)]:
        approval.contract_approve(contract=contract, by=people[deciders[step_role]])
    contract.refresh_from_db()
    assert contract.current_step.role == role
    return contract


NOT_TURN = "Not your turn yet"
NOT_WAITING = "not waiting for your decision"
TWICE = "already decided in this approval round"
OWN = "Nobody approves their own contract"


@pytest.mark.parametrize(
    ("step", "who", "outcome"),
    [
        (Role.SALES_MANAGER, "manager", "ok"),
        (Role.SALES_MANAGER, "rep", OWN),
        (Role.SALES_MANAGER, "manager_c", PermissionDenied),  # cannot even see it
        (Role.SALES_MANAGER, "other_rep", PermissionDenied),
        (Role.SALES_MANAGER, "legal", PermissionDenied),  # not reached yet: 404
        (Role.SALES_MANAGER, "gm", NOT_TURN),
        (Role.SALES_MANAGER, "director", NOT_WAITING),
        (Role.LEGAL, "legal", "ok"),
        (Role.LEGAL, "legal_2", "ok"),  # any active user with the role
        (Role.LEGAL, "manager", TWICE),
        (Role.LEGAL, "gm", NOT_TURN),
        (Role.LEGAL, "rep", OWN),
        (Role.LEGAL, "delivery", PermissionDenied),
        (Role.GENERAL_MANAGER, "gm", "ok"),
        (Role.GENERAL_MANAGER, "legal", TWICE),
        (Role.GENERAL_MANAGER, "legal_2", NOT_WAITING),
        (Role.GENERAL_MANAGER, "director", NOT_WAITING),
    ],
)
def test_who_may_approve_at_which_step(people, contract, step, who, outcome):
    contract = at_step(contract, people, step)
    user = people[who]
    decisions = ApprovalDecision.objects.count()
    if outcome == "ok":
        assert can_approve(user, contract)
        decision = approval.contract_approve(contract=contract, by=user, comment="同意")
        assert (decision.by, decision.on_behalf_of, decision.step.role) == (user, None, step)
        return
    if outcome is PermissionDenied:
        with pytest.raises(PermissionDenied):
            approval.contract_approve(contract=contract, by=user)
    else:
        assert not can_approve(user, contract)
        assert outcome in acting_as(user, contract).refusal
        with pytest.raises(NotYourTurn, match=outcome):
            approval.contract_approve(contract=contract, by=user)
    assert ApprovalDecision.objects.count() == decisions
    contract.refresh_from_db()
    assert contract.current_step.role == step and contract.status == Contract.Status.IN_APPROVAL


def test_the_whole_chain_approves_in_order_and_records_each_step(people, contract):
    round = approval.contract_submit(contract=contract, by=people["rep"])
    assert round.number == 1 and len(round.step_ids) == 3
    for who in ("manager", "legal", "gm"):
        approval.contract_approve(contract=contract, by=people[who], comment=f"{who} 同意")
    contract.refresh_from_db()
    round.refresh_from_db()
    assert contract.status == Contract.Status.APPROVED and contract.current_step is None
    assert round.outcome == ApprovalRound.Outcome.APPROVED and round.finished_at
    rows = list(round.decisions.values_list("step__role", "by__username", "decision"))
    assert rows == [
        (Role.SALES_MANAGER, "manager", "approve"),
        (Role.LEGAL, "legal", "approve"),
        (Role.GENERAL_MANAGER, "gm", "approve"),
    ]
    assert all(d.waited >= timedelta(0) for d in round.decisions.all())
    assert list(contract.status_changes.values_list("to_status", flat=True)) == [
        "approved",
        "in_approval",
    ]


def test_an_approved_contract_takes_no_more_decisions(people, contract):
    approval.contract_submit(contract=contract, by=people["rep"])
    for who in ("manager", "legal", "gm"):
        approval.contract_approve(contract=contract, by=people[who])
    with pytest.raises(NotYourTurn, match="not waiting for an approval"):
        approval.contract_approve(contract=contract, by=people["legal_2"])


@pytest.mark.parametrize(
    ("amount", "roles"),
    [
        (D("113000.00"), [Role.SALES_MANAGER, Role.LEGAL]),
        (D("199999.99"), [Role.SALES_MANAGER, Role.LEGAL]),
        (D("200000.00"), [Role.SALES_MANAGER, Role.LEGAL, Role.GENERAL_MANAGER]),
    ],
)
def test_a_small_contract_skips_the_general_manager(people, customer, steps, amount, roles):
    ApprovalStep.objects.filter(role=Role.GENERAL_MANAGER).update(min_amount=D("200000.00"))
    contract = ContractFactory(customer=customer, lines__unit_price=amount)
    assert contract.amount == amount
    assert [s.role for s in approval.applicable_steps(contract)] == roles
    round = approval.contract_submit(contract=contract, by=people["rep"])
    for who in ("manager", "legal", "gm")[: len(roles)]:
        approval.contract_approve(contract=contract, by=people[who])
    contract.refresh_from_db()
    round.refresh_from_db()
    assert contract.status == Contract.Status.APPROVED
    assert round.decisions.count() == len(roles)


@pytest.mark.parametrize(
    ("discount", "credit_days", "director_step"),
    [
        (D("0.00"), 0, False),
        (D("19.99"), 0, False),
        (D("20.00"), 0, True),
        (D("0.00"), 90, True),
        (D("0.00"), 89, False),
    ],
)
def test_a_step_with_a_discount_or_credit_condition(
    people, customer, steps, discount, credit_days, director_step
):
    ApprovalStep.objects.create(
        order=25, role=Role.DIRECTOR, name="销售总监审批（折扣）", min_discount_percent=D("20")
    )
    ApprovalStep.objects.create(
        order=26, role=Role.DIRECTOR, name="销售总监审批（账期）", min_credit_days=90
    )
    contract = ContractFactory(
        customer=customer, credit_days=credit_days, lines__discount_percent=discount
    )
    roles = [s.role for s in approval.applicable_steps(contract)]
    assert (Role.DIRECTOR in roles) is director_step


def test_an_inactive_step_is_skipped(people, contract, steps):
    ApprovalStep.objects.filter(role=Role.LEGAL).update(is_active=False)
    assert [s.role for s in approval.applicable_steps(contract)] == [
        Role.SALES_MANAGER,
        Role.GENERAL_MANAGER,
    ]


def test_the_chain_of_a_round_is_the_one_at_submission(people, contract, steps):
    approval.contract_submit(contract=contract, by=people["rep"])
    ApprovalStep.objects.filter(role=Role.LEGAL).update(is_active=False)
    approval.contract_approve(contract=contract, by=people["manager"])
    contract.refresh_from_db()
    assert contract.current_step.role == Role.LEGAL


# --- the manager's step -------------------------------------------------------------------


def test_the_manager_seat_empty_goes_to_the_next_manager_up(org, people, contract):
    org["team_a"].manager = None
    org["team_a"].save()
    regional = UserFactory(username="east_manager", role=Role.SALES_MANAGER, team=org["east"])
    org["east"].manager = regional
    org["east"].save()
    approval.contract_submit(contract=contract, by=people["rep"])
    # Still a manager in team A (sees it), no longer the one who decides for it.
    with pytest.raises(NotYourTurn, match=NOT_WAITING):
        approval.contract_approve(contract=contract, by=people["manager"])
    decision = approval.contract_approve(contract=contract, by=regional)
    assert decision.by == regional


def test_no_manager_up_the_tree_refuses_the_submission(org, people, contract):
    org["team_a"].manager = None
    org["team_a"].save()
    with pytest.raises(ContractError, match="No manager above"):
        approval.contract_submit(contract=contract, by=people["rep"])
    contract.refresh_from_db()
    assert contract.status == Contract.Status.DRAFT and not contract.rounds.exists()


def test_a_managers_own_contract_goes_to_the_manager_above(org, people, steps):
    regional = UserFactory(username="east_manager", role=Role.SALES_MANAGER, team=org["east"])
    org["east"].manager = regional
    org["east"].save()
    own = ContractFactory(customer=CustomerFactory(owner=people["manager"]))
    approval.contract_submit(contract=own, by=people["manager"])
    with pytest.raises(NotYourTurn, match=OWN):
        approval.contract_approve(contract=own, by=people["manager"])
    assert approval.contract_approve(contract=own, by=regional).by == regional


# --- delegation ---------------------------------------------------------------------------


def test_a_delegate_decides_and_both_names_are_recorded(people, contract):
    DelegationFactory(approver=people["gm"], delegate=people["director"])
    at_step(contract, people, Role.GENERAL_MANAGER)
    decision = approval.contract_approve(contract=contract, by=people["director"], comment="代批")
    assert (decision.by, decision.on_behalf_of) == (people["director"], people["gm"])
    contract.refresh_from_db()
    assert contract.status == Contract.Status.APPROVED


def test_a_delegate_of_the_manager_sees_and_decides_the_managers_step(people, contract):
    DelegationFactory(approver=people["manager"], delegate=people["manager_c"])
    approval.contract_submit(contract=contract, by=people["rep"])
    assert Contract.objects.waiting_for(people["manager_c"]).filter(pk=contract.pk).exists()
    decision = approval.contract_approve(contract=contract, by=people["manager_c"])
    assert (decision.by, decision.on_behalf_of) == (people["manager_c"], people["manager"])


@pytest.mark.parametrize(("starts", "ends"), [(-10, -1), (1, 5)])
def test_a_delegation_outside_its_dates_gives_nothing(people, contract, starts, ends):
    today = timezone.localdate()
    DelegationFactory(
        approver=people["gm"],
        delegate=people["director"],
        starts_on=today + timedelta(days=starts),
        ends_on=today + timedelta(days=ends),
    )
    at_step(contract, people, Role.GENERAL_MANAGER)
    with pytest.raises(NotYourTurn, match=NOT_WAITING):
        approval.contract_approve(contract=contract, by=people["director"])


def test_the_owner_as_a_delegate_still_cannot_approve(people, contract):
    DelegationFactory(approver=people["manager"], delegate=people["rep"])
    approval.contract_submit(contract=contract, by=people["rep"])
    with pytest.raises(NotYourTurn, match=OWN):
        approval.contract_approve(contract=contract, by=people["rep"])


def test_a_delegate_who_decided_a_step_does_not_decide_another_in_the_round(people, contract):
    DelegationFactory(approver=people["manager"], delegate=people["legal"])
    approval.contract_submit(contract=contract, by=people["rep"])
    approval.contract_approve(contract=contract, by=people["legal"])  # for the manager
    with pytest.raises(NotYourTurn, match=TWICE):
        approval.contract_approve(contract=contract, by=people["legal"])
    assert (
        approval.contract_approve(contract=contract, by=people["legal_2"]).by == people["legal_2"]
    )


# --- reject, return, rounds ------------------------------------------------------------------


@pytest.mark.parametrize("service", [approval.contract_reject, approval.contract_return])
def test_reject_and_return_need_a_comment(people, contract, service):
    approval.contract_submit(contract=contract, by=people["rep"])
    with pytest.raises(InvalidInput, match="Say why"):
        service(contract=contract, by=people["manager"], comment="  ")
    contract.refresh_from_db()
    assert contract.status == Contract.Status.IN_APPROVAL
    assert not ApprovalDecision.objects.exists()


@pytest.mark.parametrize(
    ("service", "outcome"),
    [
        (approval.contract_reject, ApprovalRound.Outcome.REJECTED),
        (approval.contract_return, ApprovalRound.Outcome.RETURNED),
    ],
)
def test_reject_or_return_sends_it_back_to_draft_and_a_new_round_starts(
    people, contract, service, outcome
):
    at_step(contract, people, Role.LEGAL)
    service(contract=contract, by=people["legal"], comment="付款条件需调整")
    contract.refresh_from_db()
    assert contract.status == Contract.Status.DRAFT and contract.current_step is None
    assert contract.status_changes.first().reason == "付款条件需调整"

    contracts.contract_update(contract=contract, by=people["rep"], credit_days=15)
    second = approval.contract_submit(contract=contract, by=people["rep"])
    rounds = list(contract.rounds.all())
    assert [(r.number, r.outcome) for r in rounds] == [
        (1, outcome),
        (2, ApprovalRound.Outcome.IN_PROGRESS),
    ]
    assert rounds[0].decisions.count() == 2  # kept
    assert [str(f) for f in approval.changed_since_last_round(contract, rounds)] == [
        "credit period (days)"
    ]
    # The manager decides again in the new round.
    assert approval.contract_approve(contract=contract, by=people["manager"]).round == second


def test_a_decision_on_an_earlier_round_or_version_is_refused(people, contract):
    approval.contract_submit(contract=contract, by=people["rep"])
    approval.contract_return(contract=contract, by=people["manager"], comment="补充交付日期")
    contracts.contract_update(contract=contract, by=people["rep"], warranty="24 个月")
    approval.contract_submit(contract=contract, by=people["rep"])
    with pytest.raises(StaleContract, match="round is over"):
        approval.contract_approve(contract=contract, by=people["manager"], round_number=1)
    with pytest.raises(StaleContract, match="changed since you opened it"):
        approval.contract_approve(contract=contract, by=people["manager"], version=1)
    assert approval.contract_approve(
        contract=contract, by=people["manager"], round_number=2, version=2
    )


def test_only_a_draft_is_submitted(people, contract):
    approval.contract_submit(contract=contract, by=people["rep"])
    with pytest.raises(ContractError, match="in approval already"):
        approval.contract_submit(contract=contract, by=people["rep"])
    signed = ContractFactory(customer=contract.customer, signed=True)
    with pytest.raises(ContractError, match="Only a draft"):
        approval.contract_submit(contract=signed, by=people["rep"])


def test_cancelling_in_approval_ends_the_round(people, contract):
    approval.contract_submit(contract=contract, by=people["rep"])
    lifecycle.contract_cancel(contract=contract, by=people["manager"], reason="客户终止采购")
    contract.refresh_from_db()
    assert contract.status == Contract.Status.CANCELLED and contract.current_step is None
    assert contract.rounds.get().outcome == ApprovalRound.Outcome.CANCELLED
    assert not Contract.objects.waiting_for(people["manager"]).exists()


def test_the_queue_of_each_approver(people, contract, customer):
    other = ContractFactory(customer=customer)
    approval.contract_submit(contract=contract, by=people["rep"])
    approval.contract_submit(contract=other, by=people["rep"])
    approval.contract_approve(contract=other, by=people["manager"])

    def queue(who):
        return set(Contract.objects.waiting_for(people[who]).values_list("pk", flat=True))

    assert queue("manager") == {contract.pk}
    assert queue("legal") == queue("legal_2") == {other.pk}
    assert queue("gm") == queue("director") == queue("rep") == set()


def test_an_approver_names_a_delegate_for_a_range(people):
    from contracts.services.delegations import delegation_create

    today = timezone.localdate()
    gm, director = people["gm"], people["director"]
    given = delegation_create(
        approver=gm, delegate=director, starts_on=today, ends_on=today + timedelta(3), by=gm
    )
    assert (given.approver, given.delegate) == (gm, director)
    with pytest.raises(InvalidInput, match="Nobody delegates to themself"):
        delegation_create(approver=gm, delegate=gm, starts_on=today, ends_on=today, by=gm)
    with pytest.raises(InvalidInput, match="The last day is before the first"):
        delegation_create(
            approver=gm, delegate=director, starts_on=today, ends_on=today - timedelta(1), by=gm
        )
    with pytest.raises(InvalidInput, match="over already"):
        delegation_create(
            approver=gm,
            delegate=director,
            starts_on=today - timedelta(9),
            ends_on=today - timedelta(1),
            by=gm,
        )
    with pytest.raises(PermissionDenied):
        delegation_create(
            approver=gm, delegate=director, starts_on=today, ends_on=today, by=director
        )
