"""The opportunities app's reminder rules as tables of cases at a fixed `now` (Asia/Shanghai,
official calendar): 2026-12-02 is a Wednesday. Team A's manager approves for its reps; the
East region's manager is the approver's own manager."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from opportunities.models import Opportunity, Quote, StageSkipRequest
from teams.models import Role
from tests.factories import (
    CustomerFactory,
    OpportunityFactory,
    QuoteFactory,
    SkipRequestFactory,
    UserFactory,
)
from tests.notifications.helpers import at, run

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("official_calendar")]

WED = at(2026, 12, 2, 10)


@pytest.fixture
def regional(org):
    user = UserFactory(username="regional", role=Role.SALES_MANAGER, team=org["east"])
    org["east"].manager = user
    org["east"].save()
    return user


def _opportunity(owner, **fields):
    opportunity = OpportunityFactory(customer=CustomerFactory(owner=owner, name="Acme"), name="ERP")
    Opportunity.objects.filter(pk=opportunity.pk).update(**fields)
    return opportunity


OWNER_LATE = "Solution overdue since {due}: ERP (Acme)"
MANAGER_LATE = "Your team's solution is overdue since {due}: ERP (Acme, {owner})"


@pytest.mark.parametrize(
    ("due", "submitted", "to_manager"),
    [
        (date(2026, 12, 2), False, None),  # due today: not late yet
        (date(2026, 12, 1), False, False),  # 1 working day late: the owner
        (date(2026, 11, 30), False, True),  # 2 working days late: the manager too
        (date(2026, 11, 30), True, None),  # submitted: nothing
    ],
)
def test_solutions_overdue(rep, manager, due, submitted, to_manager):
    _opportunity(
        rep,
        solution_due=due,
        needs_confirmed_on=due - timedelta(days=7),
        solution_submitted_at=timezone.now() if submitted else None,
    )
    expected = []
    if to_manager is not None:
        expected.append(("rep", OWNER_LATE.format(due=due)))
    if to_manager:
        expected.append(("manager", MANAGER_LATE.format(due=due, owner=rep)))
    assert run("opportunities.solutions_overdue", WED) == sorted(expected)


def test_a_closed_opportunity_and_a_day_off_send_nothing(rep, manager):
    _opportunity(rep, solution_due=date(2026, 11, 20), status=Opportunity.Status.LOST)
    assert run("opportunities.solutions_overdue", WED) == []
    _opportunity(rep, solution_due=date(2026, 11, 20))
    assert run("opportunities.solutions_overdue", at(2026, 12, 5)) == []  # Saturday
    assert len(run("opportunities.solutions_overdue", at(2026, 12, 7))) == 2
    assert run("opportunities.solutions_overdue", at(2026, 12, 8)) == []  # once


WAITS = "Waiting on {approver} for more than 48 hours: ERP (Acme)"


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        (23, []),
        (25, [("manager", "A stage skip request waits for your decision: ERP")]),
        (
            49,
            [
                ("manager", "A stage skip request waits for your decision: ERP"),
                ("regional", "WAITS"),
            ],
        ),
    ],
)
def test_a_stage_skip_waiting(rep, manager, regional, hours, expected):
    skip = SkipRequestFactory(opportunity=_opportunity(rep))
    StageSkipRequest.objects.filter(pk=skip.pk).update(requested_at=WED - timedelta(hours=hours))
    expected = [(who, WAITS.format(approver=manager) if t == "WAITS" else t) for who, t in expected]
    assert run("opportunities.approvals_waiting", WED) == sorted(expected)


@pytest.mark.parametrize(
    ("status", "hours", "expected"),
    [
        (Quote.Status.IN_REVIEW, 30, [("manager", "A quote waits for your review: ERP")]),
        (Quote.Status.IN_REVIEW, 10, []),
        (Quote.Status.APPROVED, 30, []),
    ],
)
def test_a_quote_review_waiting(rep, manager, regional, status, hours, expected):
    quote = QuoteFactory(opportunity=_opportunity(rep))
    Quote.objects.filter(pk=quote.pk).update(
        status=status, submitted_at=WED - timedelta(hours=hours)
    )
    assert run("opportunities.approvals_waiting", WED) == expected


def test_a_decided_request_and_a_second_run_send_nothing_more(rep, manager, regional):
    waiting = SkipRequestFactory(opportunity=_opportunity(rep))
    StageSkipRequest.objects.filter(pk=waiting.pk).update(requested_at=WED - timedelta(hours=60))
    assert len(run("opportunities.approvals_waiting", WED)) == 2
    assert run("opportunities.approvals_waiting", WED + timedelta(hours=3)) == []
    StageSkipRequest.objects.filter(pk=waiting.pk).update(status=StageSkipRequest.Status.REJECTED)
    decided = SkipRequestFactory(
        opportunity=_opportunity(rep), status=StageSkipRequest.Status.APPROVED
    )
    StageSkipRequest.objects.filter(pk=decided.pk).update(requested_at=WED - timedelta(hours=60))
    assert run("opportunities.approvals_waiting", at(2026, 12, 3, 10)) == []


def test_the_approval_thresholds_are_admin_settings(rep, manager, regional):
    from notifications.models import ReminderSettings

    skip = SkipRequestFactory(opportunity=_opportunity(rep))
    StageSkipRequest.objects.filter(pk=skip.pk).update(requested_at=WED - timedelta(hours=10))
    ReminderSettings.objects.update_or_create(
        pk=1, defaults={"approval_hours": 8, "approval_manager_hours": 9}
    )
    assert [who for who, _title in run("opportunities.approvals_waiting", WED)] == [
        "manager",
        "regional",
    ]
