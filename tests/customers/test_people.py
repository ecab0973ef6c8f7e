"""The user pickers: owner, colleague and receiver fields search one endpoint scoped by the
teams policy instead of listing every user, and the forms accept only whom it would offer."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.forms import CustomerBulkForm, CustomerForm, HandoverForm, ShareForm
from customers.models import Customer, CustomerShare
from teams.models import Role
from tests.customers.helpers import payload
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("customers:people-search")


@pytest.fixture
def people(org, rep, manager, other_rep, director, legal, general_manager, admin_user):
    return {
        "rep": rep,
        "manager": manager,
        "other_rep": other_rep,
        "director": director,
        "legal": legal,
        "general_manager": general_manager,
        "admin_user": admin_user,
        "rep2": UserFactory(username="rep2", role=Role.SALES_REP, team=org["team_a"]),
        "gone": UserFactory(
            username="gone", role=Role.SALES_REP, team=org["team_a"], is_active=False
        ),
    }


def found(client, **params):
    response = client.get(URL, {**params, "format": "json"})
    assert response.status_code == 200
    return {row["username"] for row in response.json()["results"]}


SALES = {"rep", "rep2", "manager", "other_rep", "director"}
OWNER_SCOPE = [
    # who searches, whom they may make an owner (the search "r" matches every one here)
    ("rep", {"rep"}),
    ("manager", {"rep", "rep2", "manager"}),
    ("director", SALES),
    ("general_manager", SALES),
    ("admin_user", SALES),
]


@pytest.mark.parametrize(("role", "expected"), OWNER_SCOPE)
def test_the_owner_search_offers_whom_the_policy_lets_the_user_assign(
    client, people, role, expected
):
    client.force_login(people[role])
    assert found(client, **{"for": "owner", "q": "r"}) == expected


@pytest.mark.parametrize("role", ["legal", "delivery", "aftersales"])
def test_roles_without_customers_may_not_search_people(request, client, people, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(URL, {"for": "owner", "q": "r"}).status_code == 403


def test_the_colleague_search_offers_active_reps_and_managers_of_any_team(client, people):
    customer = CustomerFactory(owner=people["rep"])
    client.force_login(people["rep"])
    search = {"for": "colleague", "customer": customer.pk, "q": "r"}
    assert found(client, **search) == {"rep2", "manager", "other_rep"}
    # Another rep's customer does not exist for them; a colleague may not share onward.
    client.force_login(people["other_rep"])
    assert client.get(URL, search).status_code == 404
    CustomerShare.objects.create(customer=customer, user=people["other_rep"], can_edit=True)
    assert client.get(URL, search).status_code == 403


def test_the_search_matches_names_as_written_and_returns_at_most_twenty(client, org, director):
    UserFactory(username="liwei", first_name="伟", last_name="李", team=org["team_a"])
    UserFactory(username="js", first_name="John", last_name="Smith", team=org["team_a"])
    UserFactory.create_batch(25, team=org["team_b"], role=Role.SALES_REP)
    client.force_login(director)
    assert found(client, **{"for": "owner", "q": "李伟"}) == {"liwei"}
    assert found(client, **{"for": "owner", "q": "john smi"}) == {"js"}
    assert found(client, **{"for": "owner", "q": ""}) == set()
    rows = client.get(URL, {"for": "owner", "q": "e", "format": "json"}).json()["results"]
    assert len(rows) == 20


def test_the_html_results_are_radios_and_keep_the_chosen_one(client, people):
    client.force_login(people["manager"])
    page = client.get(
        URL, {"for": "owner", "field": "to_user", "to_user_q": "rep2", "to_user": people["rep"].pk}
    ).content.decode()
    assert page.count('type="radio" name="to_user"') == 2
    assert f'value="{people["rep"].pk}" checked' in page
    assert "other_rep" not in page
    empty = client.get(URL, {"for": "owner", "field": "owner", "owner_q": "nobody"}).content
    assert "Nobody you may choose matches" in empty.decode()


def test_the_search_runs_a_constant_number_of_queries(
    client, org, director, django_assert_max_num_queries
):
    client.force_login(director)
    client.get(URL, {"for": "owner", "q": "e"})
    with django_assert_max_num_queries(5) as few:
        client.get(URL, {"for": "owner", "q": "e"})
    UserFactory.create_batch(30, team=org["team_b"], role=Role.SALES_REP)
    with django_assert_max_num_queries(5) as many:
        client.get(URL, {"for": "owner", "q": "e"})
    assert len(few.captured_queries) == len(many.captured_queries)


# --- the forms take only whom the search offers -----------------------------------------------


def test_a_username_typed_without_javascript_is_checked_the_same_way(people):
    manager, rep2, other = people["manager"], people["rep2"], people["other_rep"]
    form = CustomerForm(data={**payload(), "owner_q": "REP2"}, user=manager)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["owner"] == rep2
    form = CustomerForm(data={**payload(), "owner_q": other.username}, user=manager)
    assert "owner" in form.errors
    mine = CustomerFactory(owner=rep2)
    bulk = CustomerBulkForm(
        data={"action": "reassign", "ids": [mine.pk], "to_user_q": "gone"}, user=manager
    )
    assert "to_user" in bulk.errors
    handover = HandoverForm(
        data={"customers": [mine.pk], "to_user_q": "rep"}, user=manager, from_user=rep2
    )
    assert handover.is_valid(), handover.errors
    assert handover.cleaned_data["to_user"] == people["rep"]
    share = ShareForm(data={"user_q": "director", "access": "read"}, user=rep2, customer=mine)
    assert "user" in share.errors


# --- pages render no option per user --------------------------------------------------------


def _pages(customer, rep):
    return [
        reverse("customers:customer-create"),
        reverse("customers:customer-update", args=[customer.pk]),
        reverse("customers:customer-detail", args=[customer.pk]),
        f"{reverse('customers:handover')}?from={rep.pk}",
    ]


def test_the_pages_with_user_fields_do_not_grow_with_the_number_of_users(
    client, org, director, rep, django_assert_num_queries
):
    customer = CustomerFactory(owner=rep, name="宁波海川电子有限公司")
    client.force_login(director)
    before = {}
    for url in _pages(customer, rep):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url)
        assert page.status_code == 200, url
        before[url] = (len(queries), len(page.content))
    crowd = UserFactory.create_batch(60, team=org["team_b"], role=Role.SALES_REP)
    for url in _pages(customer, rep):
        queries_before, size_before = before[url]
        with django_assert_num_queries(queries_before):
            page = client.get(url)
        html = page.content.decode()
        assert len(page.content) == size_before, url
        assert not any(user.username in html for user in crowd), url
        assert 'type="search" name="' in html, url


def test_a_manager_reassigns_through_the_picker(client, manager, rep, people):
    customer = CustomerFactory(owner=people["rep2"])
    client.force_login(manager)
    client.post(
        reverse("customers:customer-bulk"),
        {"action": "reassign", "ids": [customer.pk], "to_user": rep.pk, "confirm": "1"},
    )
    assert Customer.objects.get(pk=customer.pk).owner == rep
