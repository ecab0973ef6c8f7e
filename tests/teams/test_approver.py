"""Who decides for an owner (quote review, stage skip, extension): the active manager of the
owner's team, else of the next team up; never the owner. approves_for_q is the same rule
as a filter, for the queues."""

import pytest

from teams import policy
from teams.models import Role, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def owners_decided_by(user):
    return set(
        User.objects.filter(policy.approves_for_q(user, owner_field=None)).values_list(
            "username", flat=True
        )
    )


@pytest.fixture
def east_boss(org):
    boss = UserFactory(username="east_boss", role=Role.SALES_MANAGER, team=org["east"])
    org["east"].manager = boss
    org["east"].save()
    return boss


def test_the_team_manager_decides_for_the_team(rep, manager, other_rep):
    assert policy.approver_for(rep) == manager
    assert policy.approver_for(other_rep) is None  # team C, South and Company have none
    assert owners_decided_by(manager) == {"rep"}


def test_the_next_manager_up_decides_for_a_manager_and_for_a_team_without_one(
    org, rep, manager, east_boss
):
    in_b = UserFactory(username="in_b", team=org["team_b"])
    assert policy.approver_for(manager) == east_boss
    assert policy.approver_for(in_b) == east_boss
    assert policy.approver_for(east_boss) is None
    assert owners_decided_by(east_boss) == {"manager", "in_b"}
    assert owners_decided_by(manager) == {"rep"}


def test_an_inactive_manager_is_passed_over(org, rep, manager, east_boss):
    manager.is_active = False
    manager.save()
    assert policy.approver_for(rep) == east_boss
    assert "rep" in owners_decided_by(east_boss)
    assert owners_decided_by(manager) == set()
