"""Logging in and out, lockout, deactivated accounts, password change."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import login_through_form

pytestmark = pytest.mark.django_db


def test_every_page_is_private_by_default(client, rep):
    for url in [reverse("home"), reverse("teams:user-list"), reverse("password_change")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == f"{reverse('login')}?next={url}"


def test_login_page_is_public_and_styled(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b"bootstrap.min.css" in response.content
    assert b'name="username"' in response.content


def test_good_login_lands_on_home_with_a_new_session_key(client, rep, password):
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    response = login_through_form(client, "rep", password)
    assert response.status_code == 302 and response.url == reverse("home")
    assert client.session.session_key != before
    home = client.get(reverse("home")).content.decode()
    assert f"Hello, {rep.display_name}" in home
    assert "Sales rep" in home


def test_wrong_password_says_so_and_does_not_log_in(client, rep):
    response = login_through_form(client, "rep", "not-the-password")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_deactivated_user_is_told_so(client, rep, password):
    rep.is_active = False
    rep.save()
    response = login_through_form(client, "rep", password)
    assert response.status_code == 200
    assert "This account is inactive." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_deactivated_user_with_wrong_password_learns_nothing(client, rep):
    rep.is_active = False
    rep.save()
    response = login_through_form(client, "rep", "wrong")
    assert "Please enter a correct username and password" in response.content.decode()


def test_five_failures_lock_the_account_for_this_address(client, rep, password):
    for _ in range(4):
        assert login_through_form(client, "rep", "wrong").status_code == 200
    response = login_through_form(client, "rep", "wrong")
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "locked on this device for 15 minutes after 5 wrong passwords" in (
        response.content.decode()
    )
    # Even the right password is refused while locked.
    response = login_through_form(client, "rep", password)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not locked.


def test_lock_is_per_account_and_address(client, rep, other_rep, password):
    for _ in range(5):
        login_through_form(client, "rep", "wrong")
    assert login_through_form(client, "other_rep", password).status_code == 302
    other_address = Client(REMOTE_ADDR="10.1.2.3", headers={"accept-language": "en"})
    assert login_through_form(other_address, "rep", password).status_code == 302


def test_lock_expires_after_fifteen_minutes(client, rep, password, settings):
    from datetime import timedelta

    from axes.models import AccessAttempt
    from django.utils import timezone

    for _ in range(5):
        login_through_form(client, "rep", "wrong")
    assert timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert login_through_form(client, "rep", password).status_code == 302


def test_logout_is_post_and_ends_the_session(client, rep, password):
    login_through_form(client, "rep", password)
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response.url == reverse("login")
    assert client.get(reverse("home")).status_code == 302


def test_password_change(client, rep, password):
    login_through_form(client, "rep", password)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": password,
            "new_password1": "another-Strong-pass-7",
            "new_password2": "another-Strong-pass-7",
        },
    )
    assert response.status_code == 302
    rep.refresh_from_db()
    assert rep.check_password("another-Strong-pass-7")
    # Still logged in after the change (session hash updated).
    assert client.get(reverse("home")).status_code == 200


def test_password_change_with_wrong_old_password(client, rep, password):
    login_through_form(client, "rep", password)
    response = client.post(
        reverse("password_change"),
        {"old_password": "nope", "new_password1": "x-Strong-9a", "new_password2": "x-Strong-9a"},
    )
    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()
    rep.refresh_from_db()
    assert rep.check_password(password)
