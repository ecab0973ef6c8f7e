"""Delivery's rule: a phase late → its owner and their manager (or, for a team without one,
the delivery leads), once per end date; a table of cases at a fixed `now` (Asia/Shanghai) on
the official calendar: 2026-12-02 is a Wednesday; 2026-10-01 to 10-07 is the National Day
holiday, 10-10 (a Saturday) a make-up working day."""

from datetime import date

import pytest

from contracts.models import Contract
from delivery.models import Phase, Plan
from teams.models import Role
from tests.factories import ContractFactory, CustomerFactory, TeamFactory, UserFactory
from tests.notifications.helpers import at, run

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("official_calendar")]

WED = at(2026, 12, 2, 9)
RULE = "delivery.phases_late"
OWNER = "Phase late since {end}: 需求调研, HT2026100003 (华东精密制造有限公司)"
MANAGER = "Phase of {owner} late by {days} days: 需求调研, HT2026100003 (华东精密制造有限公司)"


@pytest.fixture
def crew(org):
    team = TeamFactory(name="Delivery", parent=org["company"])
    head = UserFactory(username="head", role=Role.DELIVERY, team=team)
    team.manager = head
    team.save()
    return {"head": head, "owner": UserFactory(username="engineer", role=Role.DELIVERY, team=team)}


@pytest.fixture
def contract(rep):
    customer = CustomerFactory(owner=rep, name="华东精密制造有限公司")
    return ContractFactory(customer=customer, number="HT2026100003", in_delivery=True)


def _phase(contract, owner, end, status=Phase.Status.IN_PROGRESS):
    plan, _new = Plan.objects.get_or_create(contract=contract)
    return Phase.objects.create(
        plan=plan,
        name="需求调研",
        start_date=date(2026, 9, 1),
        end_date=end,
        owner=owner,
        status=status,
    )


@pytest.mark.parametrize(
    ("now", "end", "status", "days"),
    [
        (WED, date(2026, 12, 1), Phase.Status.IN_PROGRESS, 1),
        (WED, date(2026, 11, 20), Phase.Status.PLANNED, 12),
        (WED, date(2026, 12, 2), Phase.Status.IN_PROGRESS, None),  # ends today: not late
        (WED, date(2026, 11, 20), Phase.Status.DONE, None),
        (at(2026, 12, 5, 9), date(2026, 12, 1), Phase.Status.IN_PROGRESS, None),  # Saturday
        (at(2026, 10, 5, 9), date(2026, 9, 30), Phase.Status.IN_PROGRESS, None),  # holiday
        (at(2026, 10, 8, 9), date(2026, 9, 30), Phase.Status.IN_PROGRESS, 8),  # back at work
        (at(2026, 10, 10, 9), date(2026, 10, 9), Phase.Status.IN_PROGRESS, 1),  # make-up day
    ],
)
def test_a_late_phase_goes_to_its_owner_and_their_manager(crew, contract, now, end, status, days):
    _phase(contract, crew["owner"], end, status)
    expected = []
    if days is not None:
        expected = [
            ("engineer", OWNER.format(end=end.isoformat())),
            ("head", MANAGER.format(owner=crew["owner"], days=days)),
        ]
    assert run(RULE, now) == expected
    assert run(RULE, now) == []  # once


def test_a_new_end_date_is_reminded_again_when_it_passes(crew, contract):
    phase = _phase(contract, crew["owner"], date(2026, 11, 30))
    assert len(run(RULE, WED)) == 2
    Phase.objects.filter(pk=phase.pk).update(end_date=date(2026, 12, 1))
    assert len(run(RULE, WED)) == 2
    assert run(RULE, at(2026, 12, 3, 9)) == []


def test_a_team_without_a_manager_tells_the_delivery_leads(lead, delivery, contract):
    _phase(contract, delivery, date(2026, 12, 1))
    _phase(contract, None, date(2026, 12, 1))  # nobody owns it: the leads only
    assert [username for username, _t in run(RULE, WED)] == ["delivery", "lead", "lead"]


def test_a_deactivated_owners_reminder_goes_to_their_manager(crew, contract):
    _phase(contract, crew["owner"], date(2026, 12, 1))
    crew["owner"].is_active = False
    crew["owner"].save()
    assert [username for username, _t in run(RULE, WED)] == ["head", "head"]


def test_a_contract_no_longer_in_delivery_is_not_reminded(crew, contract):
    _phase(contract, crew["owner"], date(2026, 12, 1))
    Contract.objects.filter(pk=contract.pk).update(status=Contract.Status.COMPLETED)
    assert run(RULE, WED) == []
