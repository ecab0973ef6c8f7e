"""Who sees and who changes which opportunities (and, through them, quotes, lines and
competitors): each role against one opportunity per place in the team tree, plus a customer
shared read-only and one shared read-write with the rep."""

import pytest

from customers.models import CustomerShare
from opportunities import permissions
from opportunities.models import Competitor, Opportunity, Quote, QuoteLine
from teams.models import Role
from tests.conftest import ROLE_FIXTURES
from tests.factories import (
    CompetitorFactory,
    CustomerFactory,
    OpportunityFactory,
    QuoteFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

EVERYONE = {
    "rep_own",
    "teammate_own",
    "manager_own",
    "team_b",
    "other_team",
    "shared_read_only",
    "shared_read_write",
}
SEES = {
    "rep": {"rep_own", "shared_read_only", "shared_read_write"},
    "manager": {"rep_own", "teammate_own", "manager_own"},
    "director": EVERYONE,
    "general_manager": EVERYONE,
    "admin_user": EVERYONE,
    "legal": set(),
    "delivery": set(),
    "aftersales": set(),
}
EDITS = {
    "rep": {"rep_own", "shared_read_write"},
    "manager": {"rep_own", "teammate_own", "manager_own"},
    "director": EVERYONE,
    "general_manager": set(),  # reads everything, changes nothing
    "admin_user": EVERYONE,
    "legal": set(),
    "delivery": set(),
    "aftersales": set(),
}
# role: (pipeline, catalogue, stages and settings, costs and margins, forecast commit)
CAN = {
    "rep": (True, False, False, False, False),
    "manager": (True, False, False, True, True),
    "director": (True, True, False, True, True),
    "general_manager": (True, False, False, True, False),
    "admin_user": (True, True, True, True, False),
    "legal": (False, False, False, False, False),
    "delivery": (False, False, False, False, False),
    "aftersales": (False, False, False, False, False),
}


@pytest.fixture
def world(org, rep, other_rep, manager, stages):
    teammate = UserFactory(username="teammate", role=Role.SALES_REP, team=org["team_a"])
    team_b_rep = UserFactory(username="team_b_rep", role=Role.SALES_REP, team=org["team_b"])
    owners = {
        "rep_own": rep,
        "teammate_own": teammate,
        "manager_own": manager,
        "team_b": team_b_rep,
        "other_team": other_rep,
        "shared_read_only": other_rep,
        "shared_read_write": other_rep,
    }
    found = {}
    for name, owner in owners.items():
        opportunity = OpportunityFactory(name=name, customer=CustomerFactory(owner=owner))
        QuoteFactory(opportunity=opportunity)
        CompetitorFactory(opportunity=opportunity)
        found[name] = opportunity
    CustomerShare.objects.create(customer=found["shared_read_only"].customer, user=rep)
    CustomerShare.objects.create(
        customer=found["shared_read_write"].customer, user=rep, can_edit=True
    )
    return found


def names(queryset, path="name"):
    return set(queryset.values_list(path, flat=True))


@pytest.mark.parametrize("role_fixture", ROLE_FIXTURES)
def test_each_role_sees_its_opportunities_and_what_hangs_on_them(request, world, role_fixture):
    user = request.getfixturevalue(role_fixture)
    assert names(Opportunity.objects.visible_to(user)) == SEES[role_fixture]
    assert names(Quote.objects.visible_to(user), "opportunity__name") == SEES[role_fixture]
    assert (
        names(QuoteLine.objects.visible_to(user), "quote__opportunity__name") == SEES[role_fixture]
    )
    assert names(Competitor.objects.visible_to(user), "opportunity__name") == SEES[role_fixture]


@pytest.mark.parametrize("role_fixture", ROLE_FIXTURES)
def test_each_role_changes_only_what_it_may(request, world, role_fixture):
    user = request.getfixturevalue(role_fixture)
    editable = {
        name
        for name, opportunity in world.items()
        if user.has_perm("opportunities.edit_opportunity", opportunity)
    }
    assert editable == EDITS[role_fixture]
    quotes = {
        name
        for name, opportunity in world.items()
        if user.has_perm("opportunities.edit_quote", opportunity.quotes.get())
    }
    assert quotes == EDITS[role_fixture]


@pytest.mark.parametrize("role_fixture", ROLE_FIXTURES)
def test_what_each_role_may_do_beyond_its_records(request, org, role_fixture):
    user = request.getfixturevalue(role_fixture)
    assert (
        user.has_perm("opportunities.work_with_opportunities"),
        user.has_perm("opportunities.manage_catalogue"),
        user.has_perm("opportunities.manage_stages"),
        user.has_perm("opportunities.see_costs"),
        user.has_perm("opportunities.commit_forecast", user.team),
    ) == CAN[role_fixture]


def test_a_manager_commits_the_forecast_of_their_subtree_only(org, manager):
    assert permissions.can_commit_forecast(manager, org["team_a"])
    assert not permissions.can_commit_forecast(manager, org["team_b"])
    assert not permissions.can_commit_forecast(manager, org["team_c"])


def test_a_read_only_colleague_cannot_open_an_opportunity_on_the_customer(world, rep):
    shared = world["shared_read_only"].customer
    assert not rep.has_perm("opportunities.create_opportunity", shared)
    assert rep.has_perm("opportunities.create_opportunity", world["shared_read_write"].customer)
    assert rep.has_perm("opportunities.create_opportunity", world["rep_own"].customer)


def test_reopening_is_for_managers_who_reach_the_owner(world, rep, manager, director, stages):
    lost = OpportunityFactory(customer=world["rep_own"].customer, lost=True)
    assert not rep.has_perm("opportunities.reopen_opportunity", lost)
    assert manager.has_perm("opportunities.reopen_opportunity", lost)
    assert director.has_perm("opportunities.reopen_opportunity", lost)
    assert not manager.has_perm("opportunities.reopen_opportunity", world["rep_own"])  # open
    other = OpportunityFactory(customer=world["other_team"].customer, lost=True)
    assert not manager.has_perm("opportunities.reopen_opportunity", other)
