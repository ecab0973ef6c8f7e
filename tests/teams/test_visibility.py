"""Who reaches the administration of users and teams: each role × every admin page.

Only the admin role manages users and teams (403 for every other role, with nothing changed);
Django's own admin site is for superusers only.
"""

import pytest
from django.urls import reverse

from tests.conftest import ROLE_FIXTURES
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NON_ADMIN_ROLES = [r for r in ROLE_FIXTURES if r != "admin_user"]


def admin_urls(member, team):
    return [
        ("get", reverse("teams:user-list")),
        ("get", reverse("teams:user-create")),
        ("get", reverse("teams:user-detail", args=[member.pk])),
        ("get", reverse("teams:user-update", args=[member.pk])),
        ("get", reverse("teams:user-password-reset", args=[member.pk])),
        ("post", reverse("teams:user-deactivate", args=[member.pk])),
        ("post", reverse("teams:user-reactivate", args=[member.pk])),
        ("get", reverse("teams:team-list")),
        ("get", reverse("teams:team-create")),
        ("get", reverse("teams:team-update", args=[team.pk])),
    ]


@pytest.mark.parametrize("role_fixture", NON_ADMIN_ROLES)
def test_every_other_role_gets_403_everywhere(request, client, role_fixture, org, other_rep):
    viewer = request.getfixturevalue(role_fixture)
    client.force_login(viewer)
    for method, url in admin_urls(other_rep, org["team_c"]):
        assert getattr(client, method)(url).status_code == 403, url
    other_rep.refresh_from_db()
    assert other_rep.is_active


def test_admin_reaches_every_page(client, admin_user, org, rep):
    client.force_login(admin_user)
    for method, url in admin_urls(rep, org["team_a"]):
        if method == "get":
            assert client.get(url).status_code == 200, url


def test_anonymous_is_sent_to_login(client, rep):
    response = client.get(reverse("teams:user-list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_unknown_user_is_404_for_admin(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("teams:user-detail", args=[99999])).status_code == 404


def test_django_admin_is_for_superusers_only(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/django-admin/").status_code == 302  # role admin, not staff
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    assert client.get("/django-admin/teams/user/").status_code == 200
