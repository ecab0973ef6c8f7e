"""Inbound leads shared out to a team's reps: round robin and least load as tables, skipping
deactivated reps and reps at their pool's cap, each assignment recorded."""

import pytest
from django.core.exceptions import PermissionDenied

from customers import services
from customers.models import Customer, InboundRouting, OwnershipChange
from customers.services.inbound import pick_rep
from teams.models import Role
from tests.factories import CustomerFactory, PoolFactory, UserFactory

pytestmark = pytest.mark.django_db

RR, LL = InboundRouting.Method.ROUND_ROBIN, InboundRouting.Method.LEAST_LOAD


@pytest.mark.parametrize(
    ("candidates", "last", "chosen"),
    [([1, 2, 3], None, 1), ([1, 2, 3], 1, 2), ([1, 2, 3], 3, 1), ([1, 3], 2, 3), ([], 1, None)],
)
def test_round_robin(candidates, last, chosen):
    assert pick_rep(candidates, method=RR, last_id=last) == chosen


@pytest.mark.parametrize(
    ("loads", "chosen"),
    [({1: 3, 2: 1, 3: 2}, 2), ({1: 0, 2: 0, 3: 0}, 1), ({1: 5, 2: 5, 3: 4}, 3), ({}, 1)],
)
def test_least_load(loads, chosen):
    assert pick_rep([1, 2, 3], method=LL, loads=loads) == chosen


@pytest.fixture
def team(org, rep, manager):
    return org["team_a"]


def enter(by, team, name):
    return services.inbound_lead_create(by=by, team=team, name=name)


def test_round_robin_goes_around_the_team_and_is_recorded(manager, rep, org, team):
    second = UserFactory(username="rep_b", role=Role.SALES_REP, team=team)
    owners = [enter(manager, team, f"来访线索{n}").owner for n in range(3)]
    assert owners == [rep, second, rep]
    change = OwnershipChange.objects.filter(how=OwnershipChange.How.LEAD).first()
    assert change.by == manager and change.from_user is None
    lead = Customer.objects.get(name="来访线索0")
    assert lead.status == Customer.Status.LEAD
    assert lead.lead_source == Customer.LeadSource.INBOUND


def test_least_load_skips_inactive_and_capped_reps(manager, rep, org, team):
    InboundRouting.objects.create(team=team, method=LL)
    busy = UserFactory(username="rep_busy", role=Role.SALES_REP, team=team)
    gone = UserFactory(username="rep_gone", role=Role.SALES_REP, team=team, is_active=False)
    CustomerFactory(owner=rep, status=Customer.Status.LEAD)
    assert enter(manager, team, "线索甲").owner == busy  # rep has an open lead
    PoolFactory(teams=[team], cap_total=1)  # both reps now hold one customer: at the cap
    with pytest.raises(services.CustomerError, match="No rep of Team A can take a lead"):
        enter(manager, team, "线索乙")
    assert gone.customers.count() == 0


def test_a_rep_may_not_enter_inbound_leads(rep, team):
    with pytest.raises(PermissionDenied):
        enter(rep, team, "线索")
