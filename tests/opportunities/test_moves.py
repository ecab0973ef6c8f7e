"""Every move between stages goes through opportunity_move: a table of cases, then the history
row, skip requests, won, lost and reopening in detail.

The seeded process: 初步接触 (10%) → 需求确认 (30%: needs survey, decision maker) → 方案报价
(50%: competitors, close date ahead; confirms the needs) → 商务谈判 (70%: approved quote,
budget confirmed by the customer, ticked) → 赢单 (100%) / 输单 (0%).
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from customers.models import CustomerShare
from opportunities.errors import ChecklistNotMet, InvalidInput, OpportunityError, SkipNeedsApproval
from opportunities.models import (
    Opportunity,
    OpportunityCheck,
    Quote,
    StageChange,
    StageRequirement,
    StageSkipRequest,
)
from opportunities.services import moves as services
from opportunities.services import opportunities
from tests.factories import (
    CompetitorFactory,
    CustomerFactory,
    OpportunityFactory,
    QuoteFactory,
    SkipRequestFactory,
    UserFactory,
)
from tests.factories.opportunities import lost_reason

pytestmark = pytest.mark.django_db


def tick_budget(opportunity):
    requirement = StageRequirement.objects.get(stage__code="negotiation", kind="custom")
    OpportunityCheck.objects.create(opportunity=opportunity, requirement=requirement)


# Each setup takes the test's world and returns the opportunity to move.
def in_stage(code, **extra):
    def setup(w):
        return OpportunityFactory(customer=w["customer"], **{code: True} if code else {}, **extra)

    return setup


def bare_customer(w):
    """A customer with neither needs survey nor decision maker."""
    return OpportunityFactory(customer=CustomerFactory(owner=w["rep"]))


def proposal_with_competitor(w):
    opportunity = in_stage("proposal")(w)
    CompetitorFactory(opportunity=opportunity)
    return opportunity


def proposal_with_approved_quote(w):
    opportunity = proposal_with_competitor(w)
    QuoteFactory(opportunity=opportunity, approved=True)
    tick_budget(opportunity)
    return opportunity


def negotiation_with(status):
    def setup(w):
        opportunity = in_stage("negotiation")(w)
        QuoteFactory(opportunity=opportunity, status=status)
        return opportunity

    return setup


def with_approved_skip(w):
    opportunity = in_stage(None)(w)
    SkipRequestFactory(opportunity=opportunity, to_stage=w["stages"]["proposal"], approved=True)
    CompetitorFactory(opportunity=opportunity)
    return opportunity


@dataclass(frozen=True)
class Case:
    setup: object
    to: str
    by: str = "rep"
    expect: object = None  # None: allowed (the StageChange kind), else the exception type
    kind: str = ""
    missing: tuple = ()
    extra: tuple = ()  # keyword arguments of the move

    def kwargs(self, w):
        return {name: value(w) if callable(value) else value for name, value in self.extra}


CASES = {
    "one step forward, checklist met": Case(in_stage(None), "needs", kind="forward"),
    "checklist not met lists what is missing": Case(
        bare_customer,
        "needs",
        expect=ChecklistNotMet,
        missing=("A needs survey of the customer exists", "A decision-maker contact exists"),
    ),
    "proposal needs competitors": Case(
        in_stage("needs"), "proposal", expect=ChecklistNotMet, missing=("Competitors are recorded",)
    ),
    "negotiation needs an approved quote and the tick": Case(
        proposal_with_competitor,
        "negotiation",
        expect=ChecklistNotMet,
        missing=("An approved quote exists", "客户已确认预算与采购流程"),
    ),
    "negotiation with both": Case(proposal_with_approved_quote, "negotiation", kind="forward"),
    "skipping a stage needs approval": Case(in_stage(None), "proposal", expect=SkipNeedsApproval),
    "an approved skip lets it through": Case(with_approved_skip, "proposal", kind="skip"),
    "won skipping negotiation needs approval": Case(
        proposal_with_competitor, "won", expect=SkipNeedsApproval
    ),
    "won without an accepted quote": Case(
        negotiation_with(Quote.Status.SENT), "won", expect=OpportunityError
    ),
    "won with an accepted quote": Case(negotiation_with(Quote.Status.ACCEPTED), "won", kind="won"),
    "lost without a reason": Case(in_stage("needs"), "lost", expect=InvalidInput),
    "lost with a reason": Case(
        in_stage("needs"), "lost", kind="lost", extra=(("lost_reason", lambda w: lost_reason()),)
    ),
    "lost to a competitor without saying which": Case(
        proposal_with_competitor,
        "lost",
        expect=InvalidInput,
        extra=(("lost_reason", lambda w: lost_reason("竞争对手")),),
    ),
    "back a stage needs no approval": Case(in_stage("negotiation"), "needs", kind="back"),
    "reopening by a rep is refused": Case(
        in_stage("lost"), "needs", expect=PermissionDenied, extra=(("reason", "客户重启采购"),)
    ),
    "reopening by the manager without a reason": Case(
        in_stage("lost"), "needs", by="manager", expect=InvalidInput
    ),
    "reopening by the manager with a reason": Case(
        in_stage("lost"),
        "needs",
        by="manager",
        kind="reopened",
        extra=(("reason", "客户重启采购"),),
    ),
    "reopening into won is refused": Case(
        in_stage("lost"), "won", by="manager", expect=OpportunityError, extra=(("reason", "x"),)
    ),
    "another rep's opportunity": Case(
        in_stage(None), "needs", by="other_rep", expect=PermissionDenied
    ),
    "the same stage": Case(in_stage("needs"), "needs", expect=OpportunityError),
}


@pytest.fixture
def world(rep, other_rep, manager, customer, stages):
    return {
        "rep": rep,
        "other_rep": other_rep,
        "manager": manager,
        "customer": customer,
        "stages": stages,
    }


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_stage_moves(world, case):
    opportunity = case.setup(world)
    before = (opportunity.stage_id, opportunity.status, StageChange.objects.count())
    target = world["stages"][case.to]
    by = world[case.by]

    if case.expect is None:
        change = services.opportunity_move(
            opportunity=opportunity, to_stage=target, by=by, **case.kwargs(world)
        )
        opportunity.refresh_from_db()
        assert opportunity.stage == target
        assert change.kind == case.kind
        assert (change.from_stage_id, change.to_stage, change.by) == (before[0], target, by)
        assert opportunity.probability == target.default_probability
        return

    with pytest.raises(case.expect) as raised:
        services.opportunity_move(
            opportunity=opportunity, to_stage=target, by=by, **case.kwargs(world)
        )
    if case.missing:
        assert tuple(raised.value.labels) == case.missing
        for label in case.missing:
            assert label in str(raised.value)
    opportunity.refresh_from_db()
    assert (opportunity.stage_id, opportunity.status, StageChange.objects.count()) == before


def test_the_history_row_records_from_to_who_when_and_days(world):
    opportunity = OpportunityFactory(
        customer=world["customer"], stage_entered_at=timezone.now() - timedelta(days=9, hours=2)
    )
    change = services.opportunity_move(
        opportunity=opportunity, to_stage=world["stages"]["needs"], by=world["rep"]
    )
    assert change.from_stage == world["stages"]["initial"]
    assert change.to_stage == world["stages"]["needs"]
    assert change.by == world["rep"]
    assert abs(change.at - timezone.now()) < timedelta(seconds=30)
    assert change.days_in_previous == 9
    opportunity.refresh_from_db()
    assert abs(opportunity.stage_entered_at - change.at) < timedelta(seconds=1)


def test_skip_request_approved_by_the_manager_then_used_once(world):
    rep, manager, stages = world["rep"], world["manager"], world["stages"]
    opportunity = OpportunityFactory(customer=world["customer"])
    CompetitorFactory(opportunity=opportunity)
    request = services.stage_skip_request(
        opportunity=opportunity, to_stage=stages["proposal"], by=rep, reason="客户已书面确认需求"
    )
    with pytest.raises(SkipNeedsApproval):  # still pending
        services.opportunity_move(opportunity=opportunity, to_stage=stages["proposal"], by=rep)
    with pytest.raises(PermissionDenied):  # the rep never decides their own request
        services.stage_skip_decide(skip_request=request, by=rep, approve=True)

    services.stage_skip_decide(skip_request=request, by=manager, approve=True, comment="同意")
    request.refresh_from_db()
    assert (request.status, request.decided_by, request.comment) == ("approved", manager, "同意")

    change = services.opportunity_move(opportunity=opportunity, to_stage=stages["proposal"], by=rep)
    request.refresh_from_db()
    assert (change.kind, change.skip_request, request.status) == ("skip", request, "used")
    assert [c.to_status for c in request.status_changes.order_by("at", "pk")] == [
        "pending",
        "approved",
        "used",
    ]


def test_a_rejected_skip_shows_the_rep_the_managers_comment(world):
    opportunity = OpportunityFactory(customer=world["customer"])
    request = services.stage_skip_request(
        opportunity=opportunity,
        to_stage=world["stages"]["proposal"],
        by=world["rep"],
        reason="客户很急",
    )
    with pytest.raises(InvalidInput):  # a rejection says why
        services.stage_skip_decide(skip_request=request, by=world["manager"], approve=False)
    services.stage_skip_decide(
        skip_request=request, by=world["manager"], approve=False, comment="先完成需求调研"
    )
    seen = opportunity.skip_requests.get()
    assert (seen.status, seen.comment) == (StageSkipRequest.Status.REJECTED, "先完成需求调研")
    with pytest.raises(OpportunityError, match="already decided"):
        services.stage_skip_decide(skip_request=request, by=world["manager"], approve=True)


def test_a_skip_request_for_one_step_is_refused(world):
    opportunity = OpportunityFactory(customer=world["customer"])
    with pytest.raises(OpportunityError, match="no approval is needed"):
        services.stage_skip_request(
            opportunity=opportunity,
            to_stage=world["stages"]["needs"],
            by=world["rep"],
            reason="x",
        )


def test_winning_takes_the_accepted_quote_total(world):
    opportunity = OpportunityFactory(customer=world["customer"], negotiation=True)
    QuoteFactory(opportunity=opportunity, accepted=True, lines=2)
    accepted = opportunity.quotes.get()
    services.opportunity_win(opportunity=opportunity, by=world["rep"])
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.WON
    assert opportunity.expected_amount == accepted.total_amount
    assert opportunity.closed_at is not None
    assert opportunity.probability == 100


def test_lost_to_a_competitor_records_the_winner(world):
    opportunity = OpportunityFactory(customer=world["customer"], proposal=True)
    winner = CompetitorFactory(opportunity=opportunity, name="友商A")
    other = CompetitorFactory(opportunity=OpportunityFactory(customer=world["customer"]))
    with pytest.raises(InvalidInput, match="recorded on this opportunity"):
        services.opportunity_lose(
            opportunity=opportunity,
            by=world["rep"],
            lost_reason=lost_reason("竞争对手"),
            won_competitor=other,
        )
    services.opportunity_lose(
        opportunity=opportunity,
        by=world["rep"],
        lost_reason=lost_reason("竞争对手"),
        won_competitor=winner,
        note="对方报价低 15%",
    )
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.LOST
    assert (opportunity.won_competitor, opportunity.lost_note) == (winner, "对方报价低 15%")
    assert opportunity.probability == 0


def test_reopening_clears_the_loss_and_is_recorded(world):
    opportunity = OpportunityFactory(customer=world["customer"], lost=True)
    change = services.opportunity_reopen(
        opportunity=opportunity,
        to_stage=world["stages"]["needs"],
        by=world["manager"],
        reason="客户预算已批",
    )
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.OPEN
    assert (opportunity.lost_reason, opportunity.closed_at) == (None, None)
    assert (change.kind, change.reason, change.by) == ("reopened", "客户预算已批", world["manager"])


def test_a_manager_never_reopens_their_own_opportunity(world, org):
    customer = CustomerFactory(owner=world["manager"])
    opportunity = OpportunityFactory(customer=customer, lost=True)
    with pytest.raises(PermissionDenied):
        services.opportunity_reopen(
            opportunity=opportunity,
            to_stage=world["stages"]["needs"],
            by=world["manager"],
            reason="x",
        )


def test_a_stage_that_does_not_exist_or_is_inactive(world):
    opportunity = OpportunityFactory(customer=world["customer"])
    with pytest.raises(OpportunityError, match="does not exist"):
        services.opportunity_move(opportunity=opportunity, to_stage=987654, by=world["rep"])
    needs = world["stages"]["needs"]
    needs.is_active = False
    needs.save()
    with pytest.raises(OpportunityError, match="no longer in use"):
        services.opportunity_move(opportunity=opportunity, to_stage=needs.pk, by=world["rep"])
    opportunity.refresh_from_db()
    assert opportunity.stage == world["stages"]["initial"]


def test_a_read_only_colleague_cannot_move_a_read_write_one_can(world, org):
    opportunity = OpportunityFactory(customer=world["customer"])
    reader = UserFactory(username="reader", team=org["team_c"])
    writer = UserFactory(username="writer", team=org["team_c"])
    CustomerShare.objects.create(customer=world["customer"], user=reader)
    CustomerShare.objects.create(customer=world["customer"], user=writer, can_edit=True)
    with pytest.raises(PermissionDenied):
        services.opportunity_move(
            opportunity=opportunity, to_stage=world["stages"]["needs"], by=reader
        )
    services.opportunity_move(opportunity=opportunity, to_stage=world["stages"]["needs"], by=writer)


def test_moving_past_the_needs_stage_starts_the_solution_clock(world):
    opportunity = OpportunityFactory(customer=world["customer"], needs=True)
    CompetitorFactory(opportunity=opportunity)
    services.opportunity_move(
        opportunity=opportunity, to_stage=world["stages"]["proposal"], by=world["rep"]
    )
    opportunity.refresh_from_db()
    assert opportunity.needs_confirmed_on == timezone.localdate()
    assert opportunity.solution_due > opportunity.needs_confirmed_on


def test_an_unused_skip_request_is_withdrawn_when_the_opportunity_moves(world):
    opportunity = OpportunityFactory(customer=world["customer"])
    request = SkipRequestFactory(opportunity=opportunity, to_stage=world["stages"]["proposal"])
    services.opportunity_move(
        opportunity=opportunity, to_stage=world["stages"]["needs"], by=world["rep"]
    )
    request.refresh_from_db()
    assert request.status == StageSkipRequest.Status.WITHDRAWN


@pytest.mark.parametrize(
    ("by", "probability", "note", "allowed"),
    [
        ("rep", 30, "", True),  # the default of 需求确认
        ("rep", 60, "", False),
        ("rep", 60, "客户口头承诺", True),
        ("manager", 60, "", True),
        ("rep", 20, "", True),
    ],
)
def test_probability_above_the_default_needs_a_note_from_a_rep(
    world, by, probability, note, allowed
):
    opportunity = OpportunityFactory(customer=world["customer"], needs=True)
    call = lambda: opportunities.opportunity_update(  # noqa: E731
        opportunity=opportunity, by=world[by], probability=probability, probability_note=note
    )
    if allowed:
        call()
        opportunity.refresh_from_db()
        assert opportunity.probability == probability
    else:
        with pytest.raises(InvalidInput, match="add a note"):
            call()
        opportunity.refresh_from_db()
        assert opportunity.probability == 30
