"""Who sees which customers: each role × the list, the customer page and the bulk actions.

A rep sees what they own and what is shared with them, a manager their team's subtree,
director, general manager and admin everything; legal, delivery and after-sales have no
customer list (403) and no customer page (404) until later issues give them a reason.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from customers import services
from customers.models import Customer, CustomerShare, Tag
from teams.models import Role
from tests.conftest import ROLE_FIXTURES
from tests.factories import CustomerFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("customers:customer-list")
BULK_URL = reverse("customers:customer-bulk")
EVERYONE = {"rep_own", "shared_with_rep", "teammate_own", "manager_own", "team_b", "other_team"}

SEES = {
    "rep": {"rep_own", "shared_with_rep"},
    "manager": {"rep_own", "teammate_own", "manager_own"},
    "general_manager": EVERYONE,
    "director": EVERYONE,
    "admin_user": EVERYONE,
    "legal": set(),
    "delivery": set(),
    "aftersales": set(),
}
NO_CUSTOMER_LIST = {"legal", "delivery", "aftersales"}
MANAGES = {"manager", "general_manager", "director", "admin_user"}


@pytest.fixture
def world(org, rep, other_rep, manager):
    """One customer per place in the team tree, named after whose it is."""
    teammate = UserFactory(username="teammate", role=Role.SALES_REP, team=org["team_a"])
    team_b_rep = UserFactory(username="team_b_rep", role=Role.SALES_REP, team=org["team_b"])
    customers = {
        "rep_own": CustomerFactory(name="rep_own", owner=rep),
        "shared_with_rep": CustomerFactory(name="shared_with_rep", owner=other_rep),
        "teammate_own": CustomerFactory(name="teammate_own", owner=teammate),
        "manager_own": CustomerFactory(name="manager_own", owner=manager),
        "team_b": CustomerFactory(name="team_b", owner=team_b_rep),
        "other_team": CustomerFactory(name="other_team", owner=other_rep),
    }
    CustomerShare.objects.create(customer=customers["shared_with_rep"], user=rep)
    return customers


@pytest.mark.parametrize("role_fixture", ROLE_FIXTURES)
def test_list_shows_each_role_its_customers(request, client, world, role_fixture):
    client.force_login(request.getfixturevalue(role_fixture))
    response = client.get(LIST_URL, {"o": "name"})
    if role_fixture in NO_CUSTOMER_LIST:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    assert {customer.name for customer in response.context["customers"]} == SEES[role_fixture]
    assert response.context["paginator"].count == len(SEES[role_fixture])
    page = response.content.decode()
    for hidden in EVERYONE - SEES[role_fixture]:
        assert f">{hidden}<" not in page


@pytest.mark.parametrize("role_fixture", ROLE_FIXTURES)
def test_customer_page_answers_404_for_what_the_role_cannot_see(
    request, client, world, role_fixture
):
    client.force_login(request.getfixturevalue(role_fixture))
    for name, customer in world.items():
        response = client.get(reverse("customers:customer-detail", args=[customer.pk]))
        expected = 200 if name in SEES[role_fixture] else 404
        assert response.status_code == expected, (role_fixture, name)


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(LIST_URL)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role_fixture", ROLE_FIXTURES)
def test_bulk_endpoint_is_for_managers_and_above(request, client, world, role_fixture):
    tag = TagFactory(name="重点", dimension=Tag.Dimension.CUSTOM)
    client.force_login(request.getfixturevalue(role_fixture))
    target = world["rep_own"]
    response = client.post(BULK_URL, {"action": "tag_add", "ids": [target.pk], "tag": tag.pk})
    if role_fixture in MANAGES:
        assert response.status_code == 302
        assert tag.customers.filter(pk=target.pk).exists()
    else:
        assert response.status_code == 403
        assert not tag.customers.exists()


def test_bulk_endpoint_refuses_the_whole_action_on_a_customer_outside_the_subtree(
    client, world, manager, rep
):
    tag = TagFactory(name="重点", dimension=Tag.Dimension.CUSTOM)
    client.force_login(manager)
    ids = [world["rep_own"].pk, world["other_team"].pk]
    for data in (
        {"action": "tag_add", "ids": ids, "tag": tag.pk},
        {"action": "reassign", "ids": ids, "to_user": manager.pk},
    ):
        client.post(BULK_URL, data)
    page = client.get(LIST_URL).content.decode()
    assert "not yours to change; nothing was changed" in page
    assert not tag.customers.exists()
    assert set(Customer.objects.filter(owner=manager).values_list("name", flat=True)) == {
        "manager_own"
    }


def test_services_refuse_reps_and_customers_outside_the_subtree(world, rep, manager):
    tag = TagFactory(name="重点", dimension=Tag.Dimension.CUSTOM)
    with pytest.raises(PermissionDenied):
        services.customers_bulk_tag(by=rep, customers=[world["rep_own"]], tag=tag, add=True)
    with pytest.raises(PermissionDenied):
        services.customers_bulk_reassign(by=rep, customers=[world["rep_own"]], to_user=rep)
    with pytest.raises(PermissionDenied):
        services.customers_bulk_tag(
            by=manager, customers=[world["rep_own"], world["team_b"]], tag=tag, add=True
        )
    assert not tag.customers.exists()


def test_a_customer_merely_shared_with_a_manager_is_not_theirs_to_reassign(
    world, manager, other_rep
):
    shared = world["other_team"]
    CustomerShare.objects.create(customer=shared, user=manager, can_edit=True)
    assert Customer.objects.visible_to(manager).filter(pk=shared.pk).exists()
    with pytest.raises(PermissionDenied):
        services.customers_bulk_reassign(by=manager, customers=[shared], to_user=manager)
    shared.refresh_from_db()
    assert shared.owner == other_rep


def test_owner_dropdowns_list_only_colleagues_in_scope(client, world, manager):
    client.force_login(manager)
    response = client.get(LIST_URL)
    outsiders = {world["other_team"].owner.pk, world["team_b"].owner.pk}
    bulk_choices = {
        value for value, label in response.context["bulk_form"].fields["to_user"].choices
    }
    filter_choices = {
        value for value, label in response.context["filter"].form.fields["owner"].choices
    }
    assert manager.pk in bulk_choices and manager.pk in filter_choices
    assert outsiders.isdisjoint(bulk_choices | filter_choices)
    # ...and the forms validate against the same scope.
    assert outsiders.isdisjoint(
        response.context["filter"].filters["owner"].queryset.values_list("pk", flat=True)
    )
