"""Staff users and superusers are out of an app admin's reach (issue 7, point 4).

Only a superuser edits, resets, deactivates, reactivates, changes the role of, or grants the
staff/superuser flags to a staff user or a superuser; app admins see them read-only; nobody
raises their own privileges; the Django admin is for superusers only.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from customers.models import Customer
from teams import services
from teams.models import Role, User
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "brand-New-pass-42"


@pytest.fixture
def superuser(org):
    return UserFactory(
        username="root", role=Role.ADMIN, team=org["company"], is_staff=True, is_superuser=True
    )


@pytest.fixture
def staff_user(org):
    """Staff but not superuser, with an ordinary role: reaches nothing of the app admin's."""
    return UserFactory(username="staff", role=Role.SALES_REP, team=org["team_b"], is_staff=True)


@pytest.fixture
def staff_admin(org):
    """An app admin who also carries the staff flag."""
    return UserFactory(username="staff_admin", role=Role.ADMIN, team=org["company"], is_staff=True)


def _target(request, kind, actor):
    if kind == "self":
        return actor
    if kind == "normal":
        return UserFactory(
            username="normal", role=Role.SALES_REP, team=request.getfixturevalue("org")["team_a"]
        )
    if kind == "staff":
        return UserFactory(username="other_staff", role=Role.SALES_REP, is_staff=True)
    return UserFactory(username="other_root", role=Role.ADMIN, is_staff=True, is_superuser=True)


def _edit_payload(target, **overrides):
    data = {
        "first_name": target.first_name,
        "last_name": target.last_name,
        "email": target.email,
        "phone": target.phone,
        "role": target.role,
        "team": target.team_id or "",
    }
    return {**data, **overrides}


# action → (how to attempt it, did it take effect?)
ACTIONS = {
    "edit": (
        lambda c, t: c.post(
            reverse("teams:user-update", args=[t.pk]), _edit_payload(t, first_name="Changed")
        ),
        lambda t: t.first_name == "Changed",
    ),
    "change_role": (
        lambda c, t: c.post(
            reverse("teams:user-update", args=[t.pk]), _edit_payload(t, role=Role.DIRECTOR)
        ),
        lambda t: t.role == Role.DIRECTOR,
    ),
    "reset_password": (
        lambda c, t: c.post(
            reverse("teams:user-password-reset", args=[t.pk]),
            {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        ),
        lambda t: t.check_password(NEW_PASSWORD),
    ),
    "deactivate": (
        lambda c, t: c.post(reverse("teams:user-deactivate", args=[t.pk])),
        lambda t: not t.is_active,
    ),
    "reactivate": (
        lambda c, t: c.post(reverse("teams:user-reactivate", args=[t.pk])),
        lambda t: t.is_active,
    ),
}

ALLOWED, FORBIDDEN, REFUSED = "allowed", "403", "refused"

# (actor, target) → outcome of every action; exceptions per action below.
TABLE = {
    ("admin_user", "normal"): ALLOWED,
    ("admin_user", "staff"): FORBIDDEN,
    ("admin_user", "superuser"): FORBIDDEN,
    ("admin_user", "self"): ALLOWED,
    ("superuser", "normal"): ALLOWED,
    ("superuser", "staff"): ALLOWED,
    ("superuser", "superuser"): ALLOWED,
    ("superuser", "self"): ALLOWED,
    ("staff_user", "normal"): FORBIDDEN,
    ("staff_user", "staff"): FORBIDDEN,
    ("staff_user", "superuser"): FORBIDDEN,
    ("staff_user", "self"): FORBIDDEN,
    # An app admin who is staff is a protected account: not even they change it.
    ("staff_admin", "normal"): ALLOWED,
    ("staff_admin", "staff"): FORBIDDEN,
    ("staff_admin", "superuser"): FORBIDDEN,
    ("staff_admin", "self"): FORBIDDEN,
}
# Nobody deactivates their own account (a message, nothing changes).
SELF_DEACTIVATE = {"admin_user": REFUSED, "superuser": REFUSED}
# The last active admin keeps a role that manages roles (a message in the form, nothing changes;
# tests/teams/test_access.py).
IN_FORM = "refused in the form"
SELF_CHANGE_ROLE = {"admin_user": IN_FORM}

CASES = [
    (actor, target, action)
    for (actor, target) in TABLE
    for action in ACTIONS
    if not (target == "self" and action == "reactivate")  # an inactive user cannot log in
]


@pytest.mark.parametrize(("actor_fixture", "target_kind", "action"), CASES)
def test_who_may_change_whom(request, client, actor_fixture, target_kind, action):
    actor = request.getfixturevalue(actor_fixture)
    target = _target(request, target_kind, actor)
    if action == "reactivate":
        User.objects.filter(pk=target.pk).update(is_active=False)
    expected = TABLE[(actor_fixture, target_kind)]
    if target_kind == "self" and action == "deactivate":
        expected = SELF_DEACTIVATE.get(actor_fixture, expected)
    if target_kind == "self" and action == "change_role":
        expected = SELF_CHANGE_ROLE.get(actor_fixture, expected)
    attempt, took_effect = ACTIONS[action]
    client.force_login(actor)

    response = attempt(client, target)

    target.refresh_from_db()
    if expected == ALLOWED:
        assert response.status_code == 302, response.content.decode()[:500]
        assert took_effect(target)
    elif expected == FORBIDDEN:
        assert response.status_code == 403
        assert not took_effect(target)
    elif expected == IN_FORM:
        assert response.status_code == 200
        assert response.context["form"].errors
        assert not took_effect(target)
    else:
        assert response.status_code == 302
        assert not took_effect(target)


@pytest.mark.parametrize("target_kind", ["staff", "superuser"])
def test_admin_sees_protected_users_read_only(request, client, admin_user, target_kind):
    target = _target(request, target_kind, admin_user)
    client.force_login(admin_user)
    assert client.get(reverse("teams:user-list")).status_code == 200
    page = client.get(reverse("teams:user-detail", args=[target.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Only a superuser can change this account." in html
    for name in ("teams:user-update", "teams:user-password-reset", "teams:user-deactivate"):
        assert reverse(name, args=[target.pk]) not in html
    for name in ("teams:user-update", "teams:user-password-reset"):
        assert client.get(reverse(name, args=[target.pk])).status_code == 403


def test_superuser_sees_the_buttons_on_a_superuser(client, superuser):
    other = UserFactory(username="other_root", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    html = client.get(reverse("teams:user-detail", args=[other.pk])).content.decode()
    assert "Only a superuser can change this account." not in html
    assert reverse("teams:user-update", args=[other.pk]) in html
    assert reverse("teams:user-password-reset", args=[other.pk]) in html
    assert reverse("teams:user-deactivate", args=[other.pk]) in html


def test_admin_sees_buttons_on_a_normal_user(client, admin_user, rep):
    client.force_login(admin_user)
    html = client.get(reverse("teams:user-detail", args=[rep.pk])).content.decode()
    assert "Only a superuser can change this account." not in html
    assert reverse("teams:user-update", args=[rep.pk]) in html


def test_detail_marks_staff_and_superusers(client, superuser, staff_user):
    client.force_login(superuser)
    html = client.get(reverse("teams:user-detail", args=[superuser.pk])).content.decode()
    assert 'id="superuser-badge"' in html
    html = client.get(reverse("teams:user-detail", args=[staff_user.pk])).content.decode()
    assert 'id="staff-badge"' in html and 'id="superuser-badge"' not in html


# The flags: the forms do not offer them, the services refuse them to anyone but a superuser.


def test_admin_cannot_raise_themselves_through_the_edit_form(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("teams:user-update", args=[admin_user.pk]),
        _edit_payload(admin_user, is_staff="on", is_superuser="on"),
    )
    assert response.status_code == 302
    admin_user.refresh_from_db()
    assert not admin_user.is_staff and not admin_user.is_superuser


def test_admin_cannot_create_a_privileged_user_through_the_form(client, admin_user, org):
    client.force_login(admin_user)
    client.post(
        reverse("teams:user-create"),
        {
            "username": "sneaky",
            "first_name": "S",
            "last_name": "N",
            "email": "",
            "phone": "",
            "role": Role.ADMIN,
            "team": org["company"].pk,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "is_staff": "on",
            "is_superuser": "on",
        },
    )
    created = User.objects.get(username="sneaky")
    assert not created.is_staff and not created.is_superuser


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_services_refuse_flags_to_an_admin(admin_user, rep, flag):
    with pytest.raises(PermissionDenied):
        services.user_update(by=admin_user, user=rep, **{flag: True})
    with pytest.raises(PermissionDenied):
        services.user_update(by=admin_user, user=admin_user, **{flag: True})
    with pytest.raises(PermissionDenied):
        services.user_create(
            by=admin_user, username="sneaky", password=NEW_PASSWORD, role=Role.ADMIN, **{flag: True}
        )
    rep.refresh_from_db()
    admin_user.refresh_from_db()
    assert not getattr(rep, flag) and not getattr(admin_user, flag)
    assert not User.objects.filter(username="sneaky").exists()


def test_superuser_grants_and_removes_the_flags(superuser, rep):
    services.user_update(by=superuser, user=rep, is_staff=True)
    rep.refresh_from_db()
    assert rep.is_staff
    services.user_update(by=superuser, user=rep, is_staff=False)
    rep.refresh_from_db()
    assert not rep.is_staff
    created = services.user_create(
        by=superuser, username="root2", password=NEW_PASSWORD, role=Role.ADMIN, is_superuser=True
    )
    assert created.is_superuser


def test_services_refuse_an_admin_on_a_superuser(admin_user, superuser):
    for call in (
        lambda: services.user_update(by=admin_user, user=superuser, first_name="X"),
        lambda: services.user_reset_password(by=admin_user, user=superuser, password=NEW_PASSWORD),
        lambda: services.user_deactivate(by=admin_user, user=superuser),
    ):
        with pytest.raises(PermissionDenied):
            call()
    User.objects.filter(pk=superuser.pk).update(is_active=False)
    with pytest.raises(PermissionDenied):
        services.user_reactivate(by=admin_user, user=superuser)
    superuser.refresh_from_db()
    assert superuser.first_name != "X" and not superuser.check_password(NEW_PASSWORD)


def test_service_checks_the_row_it_locks(admin_user, rep):
    """A user made staff after the page was loaded is protected by the time of the write."""
    stale = User.objects.get(pk=rep.pk)
    User.objects.filter(pk=rep.pk).update(is_staff=True)
    with pytest.raises(PermissionDenied):
        services.user_reset_password(by=admin_user, user=stale, password=NEW_PASSWORD)


def test_forms_refuse_a_protected_account_to_an_admin(admin_user, superuser):
    from teams.forms import PasswordResetForm, UserUpdateForm

    form = UserUpdateForm(_edit_payload(superuser), user=admin_user, instance=superuser)
    assert not form.is_valid()
    assert form.non_field_errors() == ["Only a superuser can change this account."]
    data = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    form = PasswordResetForm(data, user=admin_user, target=superuser)
    assert not form.is_valid()
    assert form.non_field_errors() == ["Only a superuser can change this account."]
    assert PasswordResetForm(data, user=superuser, target=superuser).is_valid()


def test_protected_account_note_in_chinese(superuser, admin_user):
    from django.test import Client

    client = Client(headers={"accept-language": "zh-hans"})
    client.force_login(admin_user)
    html = client.get(reverse("teams:user-detail", args=[superuser.pk])).content.decode()
    assert "只有超级用户可以修改此账号。" in html and "超级用户" in html


# The Django admin: superusers only, so no staff flag opens it and nobody escalates there.


def _django_admin_change_payload(user, **overrides):
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "role": user.role,
        "team": user.team_id or "",
        "phone": user.phone,
        "groups": list(user.groups.values_list("pk", flat=True)),
    }
    if user.is_staff:
        data["is_staff"] = "on"
    return {**data, **overrides}


def test_staff_admin_cannot_make_themselves_superuser_in_django_admin(client, staff_admin):
    client.force_login(staff_admin)
    url = reverse("admin:teams_user_change", args=[staff_admin.pk])
    assert client.get(url).status_code != 200
    client.post(url, _django_admin_change_payload(staff_admin, is_superuser="on"))
    staff_admin.refresh_from_db()
    assert not staff_admin.is_superuser


def test_staff_user_does_not_reach_django_admin_data(client, staff_user, org):
    CustomerFactory(owner=UserFactory(username="someone_else", team=org["team_c"]))
    client.force_login(staff_user)
    assert client.get(reverse("admin:index")).status_code == 302
    response = client.get(reverse("admin:customers_customer_changelist"))
    assert response.status_code == 302
    assert Customer.objects.count() == 1


@pytest.mark.parametrize("actor_fixture", ["admin_user", "staff_user", "staff_admin"])
def test_only_superusers_open_django_admin(request, client, actor_fixture, superuser):
    client.force_login(request.getfixturevalue(actor_fixture))
    assert client.get(reverse("admin:teams_user_changelist")).status_code == 302
    client.force_login(superuser)
    assert client.get(reverse("admin:teams_user_changelist")).status_code == 200


def test_superuser_grants_the_flag_in_django_admin(client, superuser, rep):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:teams_user_change", args=[rep.pk]),
        _django_admin_change_payload(rep, is_staff="on"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    rep.refresh_from_db()
    assert rep.is_staff
