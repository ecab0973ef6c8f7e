"""The UI shell: languages, navbar by permission, CSP, htmx wiring."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_chinese_is_the_default_language(rep):
    client = Client()
    client.force_login(rep)
    page = client.get(reverse("home")).content.decode()
    assert '<html lang="zh-hans">' in page
    assert "销售代表" in page  # the role, in the users' words


def test_english_from_the_switcher(rep):
    client = Client()
    client.force_login(rep)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in page
    assert "Sales rep" in page


def test_language_switch_works_before_login():
    client = Client()
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert "Log in" in client.get(reverse("login")).content.decode()


def test_navbar_shows_admin_areas_only_to_admins(client, rep, admin_user):
    client.force_login(rep)
    page = client.get(reverse("home")).content.decode()
    assert reverse("teams:user-list") not in page
    client.force_login(admin_user)
    page = client.get(reverse("home")).content.decode()
    assert reverse("teams:user-list") in page
    assert reverse("teams:team-list") in page


@pytest.mark.parametrize(
    "role_fixture",
    [
        "rep",
        "manager",
        "legal",
        "general_manager",
        "director",
        "delivery",
        "aftersales",
        "admin_user",
    ],
)
def test_home_greets_every_role(request, client, role_fixture):
    user = request.getfixturevalue(role_fixture)
    client.force_login(user)
    page = client.get(reverse("home")).content.decode()
    assert f"Hello, {user.display_name}" in page
    assert user.get_role_display() in page
    assert "coming soon" not in page.lower()


def test_csp_allows_no_inline_script(client, rep):
    client.force_login(rep)
    response = client.get(reverse("home"))
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    page = response.content.decode()
    assert "<script>" not in page  # every script is a file
    assert " style=" not in page


def test_htmx_is_vendored_and_sends_csrf(client, rep):
    client.force_login(rep)
    page = client.get(reverse("home")).content.decode()
    assert "/static/vendor/htmx/htmx.min.js" in page
    assert 'hx-headers=\'{"X-CSRFToken": "' in page
    assert "cdn" not in page.lower()


def test_static_assets_are_served(client):
    for path in [
        "/static/vendor/bootstrap/bootstrap.min.css",
        "/static/vendor/htmx/htmx.min.js",
        "/static/vendor/bootstrap-icons/font/bootstrap-icons.min.css",
        "/static/css/app.css",
    ]:
        response = client.get(path)
        assert response.status_code == 200, path


def test_only_the_most_specific_nav_item_is_active(client, admin_user):
    client.force_login(admin_user)
    items = client.get(reverse("teams:user-list")).context["nav_items"]
    assert [i["url"] for i in items if i["active"]] == [reverse("teams:user-list")]
    items = client.get(reverse("home")).context["nav_items"]
    assert [i["url"] for i in items if i["active"]] == ["/"]


def test_the_navbar_groups_each_stages_areas_in_one_menu(client, director):
    client.force_login(director)
    menu = client.get(reverse("customers:pool-list")).context["nav_menu"]
    groups = {str(e["label"]): [i["url"] for i in e["items"]] for e in menu if "items" in e}
    assert reverse("customers:pool-list") in groups["Customers"]
    assert reverse("contracts:receivables") in groups["Contracts"]
    # A count to act on stays in the bar itself.
    bar = [e["item"]["url"] for e in menu if "item" in e]
    assert reverse("contracts:approval-inbox") in bar and reverse("home") in bar
    # The page's menu is the active one.
    assert [str(e["label"]) for e in menu if e.get("active") and "items" in e] == ["Customers"]
