"""The visibility policy, proven on users and teams themselves."""

import pytest

from teams import policy
from teams.models import Role, Team, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def visible_usernames(viewer):
    return set(User.objects.visible_to(viewer).values_list("username", flat=True))


def test_rep_sees_only_themselves(rep, other_rep, manager):
    assert visible_usernames(rep) == {"rep"}


def test_manager_sees_their_subtree_not_a_sibling_team(org, manager, rep, other_rep):
    sibling = UserFactory(username="sibling", team=org["team_b"])
    assert visible_usernames(manager) == {"manager", "rep"}
    assert "sibling" not in visible_usernames(manager)
    assert "other_rep" not in visible_usernames(manager)
    assert sibling.team.parent == manager.team.parent


def test_region_manager_sees_every_team_below_the_region(org, rep, other_rep):
    region_manager = UserFactory(username="east_boss", role=Role.SALES_MANAGER, team=org["east"])
    in_b = UserFactory(username="in_b", team=org["team_b"])
    seen = visible_usernames(region_manager)
    assert {"east_boss", "rep", in_b.username} <= seen
    assert "other_rep" not in seen


def test_subtree_reaches_grandchildren(org):
    ids = policy.team_subtree_ids(org["company"].pk)
    assert set(ids) == set(Team.objects.values_list("pk", flat=True))
    assert set(policy.team_subtree_ids(org["south"].pk)) == {org["south"].pk, org["team_c"].pk}


@pytest.mark.parametrize("role_fixture", ["director", "general_manager", "admin_user"])
def test_director_gm_and_admin_see_everyone(request, role_fixture, rep, other_rep, manager):
    viewer = request.getfixturevalue(role_fixture)
    assert visible_usernames(viewer) == set(User.objects.values_list("username", flat=True))


@pytest.mark.parametrize("role_fixture", ["legal", "delivery", "aftersales"])
def test_support_roles_own_no_sales_records(request, role_fixture, rep):
    viewer = request.getfixturevalue(role_fixture)
    assert policy.reach(viewer) is policy.Reach.NONE
    # Owned records: nothing, unless the app passes a reason in as `extra`.
    assert not User.objects.filter(policy.owned_q(viewer, owner_field="pk")).exists()
    assert visible_usernames(viewer) == {viewer.username}


def test_owned_q_filters_by_owner_field(org, rep, other_rep, manager):
    # Teams' managers act as "owners" here: the same Q any app's visible_to uses.
    org["team_c"].manager = other_rep
    org["team_c"].save()
    visible = Team.objects.filter(policy.owned_q(manager, owner_field="manager"))
    assert list(visible) == [org["team_a"]]
    assert not Team.objects.filter(policy.owned_q(rep, owner_field="manager")).exists()


def test_manager_without_team_sees_only_their_own(db):
    lone = UserFactory(username="lone", role=Role.SALES_MANAGER, team=None)
    UserFactory(username="someone")
    assert policy.reach(lone) is policy.Reach.OWN
    assert visible_usernames(lone) == {"lone"}


def test_teams_visible_to(org, manager, rep, director):
    assert set(Team.objects.visible_to(manager)) == {org["team_a"]}
    assert set(Team.objects.visible_to(rep)) == {org["team_a"]}
    assert Team.objects.visible_to(director).count() == 6


def test_inactive_user_sees_nothing(org):
    gone = UserFactory(username="gone", role=Role.DIRECTOR, team=org["company"], is_active=False)
    assert policy.reach(gone) is policy.Reach.NONE


def test_cycle_detection(org):
    assert policy.would_create_cycle(org["east"], org["team_a"])
    assert policy.would_create_cycle(org["east"], org["east"])
    assert not policy.would_create_cycle(org["team_a"], org["south"])
    assert not policy.would_create_cycle(org["east"], None)
