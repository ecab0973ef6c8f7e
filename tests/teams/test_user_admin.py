"""In-app administration of users and teams, everything recorded (who reaches which page:
test_visibility.py)."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from teams.models import Role, Team, User
from tests.conftest import login_through_form
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_list_searches_and_filters(client, admin_user, org):
    UserFactory(username="zhang_wei", first_name="伟", last_name="张", team=org["team_a"])
    UserFactory(username="li_na", first_name="娜", last_name="李", team=org["team_c"])
    UserFactory(username="gone", team=org["team_c"], is_active=False)
    client.force_login(admin_user)
    url = reverse("teams:user-list")

    names = lambda r: {u.username for u in r.context["users"]}  # noqa: E731
    assert names(client.get(url, {"q": "张"})) == {"zhang_wei"}
    assert names(client.get(url, {"team": org["team_c"].pk})) == {"li_na", "gone"}
    assert names(client.get(url, {"is_active": "0"})) == {"gone"}
    assert "admin" in names(client.get(url, {"role": Role.ADMIN}))


def test_list_query_count_is_constant(client, admin_user, org, django_assert_num_queries):
    client.force_login(admin_user)
    url = reverse("teams:user-list")
    client.get(url)  # warm caches (content types, sessions)
    with django_assert_num_queries(5) as first:
        client.get(url)
    for i in range(50):
        UserFactory(username=f"bulk{i}", team=org["team_b"])
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(url)
    assert response.context["paginator"].count == 51


def test_htmx_request_renders_only_rows(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("teams:user-list"), {"q": "adm"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert b'id="user-rows"' in response.content


def create_payload(org, **overrides):
    data = {
        "username": "new_rep",
        "first_name": "小明",
        "last_name": "王",
        "email": "new_rep@example.com",
        "phone": "13800138000",
        "role": Role.SALES_REP,
        "team": org["team_b"].pk,
        "password1": "a-long-Secret-123",
        "password2": "a-long-Secret-123",
    }
    return {**data, **overrides}


def test_admin_creates_user_with_role_group_and_history(client, admin_user, org):
    client.force_login(admin_user)
    response = client.post(reverse("teams:user-create"), create_payload(org), follow=True)
    user = User.objects.get(username="new_rep")
    assert user.role == Role.SALES_REP and user.team == org["team_b"]
    assert list(user.groups.values_list("name", flat=True)) == [Role.SALES_REP]
    assert user.check_password("a-long-Secret-123")
    assert "was created" in response.content.decode()
    record = user.history.get()
    assert record.history_user == admin_user
    client.logout()
    response = login_through_form(client, "new_rep", "a-long-Secret-123")
    assert response.status_code == 302 and response.url == reverse("home")


def test_duplicate_username_is_refused_and_nothing_changes(client, admin_user, org, rep):
    client.force_login(admin_user)
    before = User.objects.count()
    response = client.post(reverse("teams:user-create"), create_payload(org, username="rep"))
    assert response.status_code == 200
    assert "A user with that username already exists." in response.content.decode()
    assert User.objects.count() == before


def test_mismatched_or_weak_password_is_refused(client, admin_user, org):
    client.force_login(admin_user)
    url = reverse("teams:user-create")
    response = client.post(url, create_payload(org, password2="something-else-99"))
    assert "The two passwords do not match." in response.content.decode()
    response = client.post(url, create_payload(org, password1="123", password2="123"))
    assert "too short" in response.content.decode()
    assert not User.objects.filter(username="new_rep").exists()


def test_edit_changes_role_and_team_and_history_shows_it(client, admin_user, org, rep):
    client.force_login(admin_user)
    url = reverse("teams:user-update", args=[rep.pk])
    response = client.post(
        url,
        {
            "first_name": rep.first_name,
            "last_name": rep.last_name,
            "email": rep.email,
            "phone": "",
            "role": Role.SALES_MANAGER,
            "team": org["team_b"].pk,
        },
    )
    assert response.status_code == 302
    rep.refresh_from_db()
    assert rep.role == Role.SALES_MANAGER and rep.team == org["team_b"]
    assert list(rep.groups.values_list("name", flat=True)) == [Role.SALES_MANAGER]
    page = client.get(reverse("teams:user-detail", args=[rep.pk])).content.decode()
    assert "Team A → Team B" in page
    assert "Sales rep → Sales manager" in page
    assert admin_user.display_name in page


def test_deactivate_blocks_login_keeps_the_user_and_ends_sessions(
    client, admin_user, rep, password
):
    rep_client = Client(headers={"accept-language": "en"})
    assert login_through_form(rep_client, "rep", password).status_code == 302
    assert rep_client.get(reverse("home")).status_code == 200
    client.force_login(admin_user)
    client.post(reverse("teams:user-deactivate", args=[rep.pk]))
    rep.refresh_from_db()
    assert not rep.is_active
    assert User.objects.filter(pk=rep.pk).exists()
    assert rep_client.get(reverse("home")).status_code == 302  # session ended
    page = client.get(reverse("teams:user-detail", args=[rep.pk])).content.decode()
    assert "Deactivated" in page
    client.post(reverse("teams:user-reactivate", args=[rep.pk]))
    rep.refresh_from_db()
    assert rep.is_active


def test_deactivate_only_by_post(client, admin_user, rep):
    client.force_login(admin_user)
    assert client.get(reverse("teams:user-deactivate", args=[rep.pk])).status_code == 405
    rep.refresh_from_db()
    assert rep.is_active


def test_admin_cannot_deactivate_themselves(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("teams:user-deactivate", args=[admin_user.pk]), follow=True)
    assert "You cannot deactivate your own account." in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.is_active


def test_reset_password(client, admin_user, rep):
    client.force_login(admin_user)
    response = client.post(
        reverse("teams:user-password-reset", args=[rep.pk]),
        {"password1": "brand-New-pass-42", "password2": "brand-New-pass-42"},
    )
    assert response.status_code == 302
    rep.refresh_from_db()
    assert rep.check_password("brand-New-pass-42")
    assert rep.history.first().history_change_reason == "Password reset"
    page = client.get(reverse("teams:user-detail", args=[rep.pk])).content.decode()
    assert "Password reset" in page


def test_team_tree_page_shows_nesting(client, admin_user, org):
    client.force_login(admin_user)
    response = client.get(reverse("teams:team-list"))
    names = [row["team"].name for row in response.context["rows"]]
    assert names.index("Company") < names.index("East") < names.index("Team A")
    depth = {row["team"].name: row["depth"] for row in response.context["rows"]}
    assert depth == {"Company": 0, "East": 1, "South": 1, "Team A": 2, "Team B": 2, "Team C": 2}


def test_admin_creates_and_moves_a_team(client, admin_user, org):
    client.force_login(admin_user)
    client.post(
        reverse("teams:team-create"),
        {"name": "Team D", "kind": Team.Kind.TEAM, "parent": org["south"].pk, "manager": ""},
    )
    team = Team.objects.get(name="Team D")
    assert team.parent == org["south"]
    client.post(
        reverse("teams:team-update", args=[team.pk]),
        {"name": "Team D", "kind": Team.Kind.TEAM, "parent": org["east"].pk, "manager": ""},
    )
    team.refresh_from_db()
    assert team.parent == org["east"]


def test_team_cannot_become_its_own_ancestor(client, admin_user, org):
    client.force_login(admin_user)
    response = client.post(
        reverse("teams:team-update", args=[org["east"].pk]),
        {"name": "East", "kind": Team.Kind.REGION, "parent": org["team_a"].pk, "manager": ""},
    )
    assert response.status_code == 200
    assert "cannot be placed under itself" in response.content.decode()
    org["east"].refresh_from_db()
    assert org["east"].parent == org["company"]


def test_service_refuses_cycle_even_without_the_form(admin_user, org):
    from teams import services

    with pytest.raises(services.TeamsError):
        services.team_update(by=admin_user, team=org["company"], parent=org["team_c"])
    org["company"].refresh_from_db()
    assert org["company"].parent is None


def test_role_groups_exist_and_carry_no_model_permission(db):
    """A user's Group names their role; what they may do is the rules (tests/teams/test_roles)."""
    names = set(Group.objects.values_list("name", flat=True))
    assert names >= {role.value for role in Role}
    assert not Group.objects.filter(permissions__isnull=False).exists()


def test_chinese_names_read_family_name_first(db):
    assert UserFactory(username="lw", first_name="伟", last_name="李").display_name == "李伟"
    assert UserFactory(username="js", first_name="John", last_name="Smith").display_name == (
        "John Smith"
    )
    assert UserFactory(username="nn", first_name="", last_name="").display_name == "nn"
