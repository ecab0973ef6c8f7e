"""Bulk reassign shows what will happen and asks to confirm; bulk reassign and bulk tagging
report every row they skipped and why (issue 9, point 2)."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from customers.models import Customer, Tag
from teams.models import Role
from tests.factories import CustomerFactory, TagFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.django_db

BULK_URL = reverse("customers:customer-bulk")
CONFIRM_URL = reverse("customers:customer-bulk-reassign")
LIST_URL = reverse("customers:customer-list")


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def teammate(org):
    return UserFactory(username="teammate", role=Role.SALES_REP, team=org["team_a"])


@pytest.fixture
def selection(rep, manager, teammate):
    """Two of the rep's customers with three open tasks, one of the manager's, one already the
    teammate's."""
    first = CustomerFactory(name="甲公司", owner=rep)
    second = CustomerFactory(name="乙公司", owner=rep)
    TaskFactory.create_batch(2, customer=first, owner=rep)
    TaskFactory(customer=second, owner=rep)
    own = CustomerFactory(name="丙公司", owner=manager)
    theirs = CustomerFactory(name="丁公司", owner=teammate)
    return [first, second, own, theirs]


def test_reassign_first_shows_what_will_happen_and_changes_nothing(
    client, manager, rep, teammate, selection
):
    client.force_login(manager)
    ids = [c.pk for c in selection]
    response = client.post(
        f"{BULK_URL}?grade=C", {"action": "reassign", "ids": ids, "to_user": teammate.pk}
    )
    assert response.status_code == 302 and response.url.startswith(f"{CONFIRM_URL}?")
    assert Customer.objects.filter(owner=teammate).count() == 1  # nothing moved yet
    page = client.get(response.url)
    assert page.status_code == 200
    preview = page.context["preview"]
    assert {c.name for c in preview["moving"]} == {"甲公司", "乙公司", "丙公司"}
    assert {(row["owner"], row["count"]) for row in preview["owners"]} == {(rep, 2), (manager, 1)}
    assert ("Open tasks", 3) in [(str(label).capitalize(), n) for label, n in preview["along"]]
    html = page.content.decode()
    assert f"3 customers go to {teammate.display_name}." in html
    assert f"2 customers from {rep.display_name} to {teammate.display_name}" in html
    assert f"丁公司 — already belongs to {teammate.display_name}" in html
    assert 'name="confirm" value="1"' in html and "?grade=C" in html


def test_over_htmx_the_confirm_page_is_a_page_of_its_own(client, manager, teammate, selection):
    client.force_login(manager)
    response = client.post(
        BULK_URL,
        {"action": "reassign", "ids": [selection[0].pk], "to_user": teammate.pk},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.headers["HX-Redirect"].startswith(f"{CONFIRM_URL}?")
    assert selection[0].owner != teammate


def test_confirmed_reassign_moves_and_reports_each_row_skipped(
    client, manager, teammate, selection
):
    client.force_login(manager)
    response = client.post(
        BULK_URL,
        {
            "action": "reassign",
            "ids": [c.pk for c in selection],
            "to_user": teammate.pk,
            "confirm": "1",
        },
    )
    assert set(Customer.objects.filter(owner=teammate).values_list("name", flat=True)) == {
        "甲公司",
        "乙公司",
        "丙公司",
        "丁公司",
    }
    assert messages_of(response) == [
        f"3 customers now belong to {teammate.display_name}.",
        f"Skipped 1: 丁公司 (already belongs to {teammate.display_name}).",
    ]


def test_bulk_tagging_reports_each_row_skipped(client, manager, rep):
    tag = TagFactory(name="重点", dimension=Tag.Dimension.CUSTOM)
    tagged = CustomerFactory(name="有标签", owner=rep, tags=[tag])
    bare = CustomerFactory(name="无标签", owner=rep)
    client.force_login(manager)
    ids = [tagged.pk, bare.pk]
    response = client.post(BULK_URL, {"action": "tag_add", "ids": ids, "tag": tag.pk})
    assert messages_of(response) == [
        "Tag “重点” added to 1 customer.",
        "Skipped 1: 有标签 (already has the tag 重点).",
    ]
    client.get(response.url)  # the list shows (and so uses up) the messages
    tagged.tags.remove(tag)
    response = client.post(BULK_URL, {"action": "tag_remove", "ids": ids, "tag": tag.pk})
    assert messages_of(response) == [
        "Tag “重点” removed from 1 customer.",
        "Skipped 1: 有标签 (does not have the tag 重点).",
    ]


def test_a_rep_may_not_open_the_confirm_page(client, rep, teammate):
    customer = CustomerFactory(owner=rep)
    client.force_login(rep)
    response = client.get(CONFIRM_URL, {"ids": [customer.pk], "to_user": teammate.pk})
    assert response.status_code == 403


def test_the_confirm_page_refuses_a_customer_outside_the_managers_teams(
    client, manager, other_rep, teammate
):
    stranger = CustomerFactory(name="别队客户", owner=other_rep)
    client.force_login(manager)
    response = client.get(CONFIRM_URL, {"ids": [stranger.pk], "to_user": teammate.pk})
    assert response.status_code == 302 and response.url == LIST_URL
    assert "not yours to change; nothing was changed" in " ".join(messages_of(response))
    assert "别队客户" not in client.get(LIST_URL).content.decode()
