"""The customer list as a manager shapes it: filter chips, the sales-team filter and column,
the owner filter's search grouped by team, the column chooser, default and shared saved views."""

import pytest
from django.test import Client
from django.urls import reverse

from customers.models import ListColumns, SavedView
from customers.views.lists import OPTIONAL_COLUMNS
from teams.models import Role
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("customers:customer-list")
COLUMNS_URL = reverse("customers:list-columns")
PEOPLE_URL = reverse("customers:people-search")


def names(response):
    return sorted(customer.name for customer in response.context["customers"])


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def director_client(client, director):
    client.force_login(director)
    return client


# --- chips ---------------------------------------------------------------------------------


def test_each_active_filter_is_a_chip_that_removes_only_itself(manager_client, rep):
    CustomerFactory(name="逾期A", owner=rep, grade_a=True, overdue=True)
    CustomerFactory(name="正常A", owner=rep, grade_a=True)
    response = manager_client.get(URL, {"grade": "A", "overdue": "on", "owner": rep.pk})
    chips = response.context["chips"]
    by_label = {str(chip["label"]): chip for chip in chips}
    assert set(by_label) == {"Grade", "Overdue follow-up only", "Owner"}
    assert by_label["Owner"]["value"] == rep.display_name
    assert names(response) == ["逾期A"]

    # Following a chip drops that filter and keeps the others.
    without_overdue = manager_client.get(by_label["Overdue follow-up only"]["url"])
    assert names(without_overdue) == ["正常A", "逾期A"]
    assert {str(c["label"]) for c in without_overdue.context["chips"]} == {"Grade", "Owner"}


def test_a_chip_removes_one_tag_of_several(manager_client, rep):
    from customers.models import Tag
    from tests.factories import TagFactory

    first = TagFactory(name="制造业", dimension=Tag.Dimension.INDUSTRY)
    second = TagFactory(name="零售", dimension=Tag.Dimension.INDUSTRY)
    response = manager_client.get(URL, {"tag_industry": [first.pk, second.pk]})
    chip = next(c for c in response.context["chips"] if c["value"] == "制造业")
    after = manager_client.get(chip["url"])
    assert [c["value"] for c in after.context["chips"]] == ["零售"]


def test_no_chips_without_filters(manager_client, rep):
    assert manager_client.get(URL).context["chips"] == []


# --- sales team ----------------------------------------------------------------------------


def test_team_filter_takes_the_owners_team_and_the_teams_below(director_client, org, rep):
    east_rep_b = UserFactory(username="rep_b", role=Role.SALES_REP, team=org["team_b"])
    south_rep = UserFactory(username="rep_c", role=Role.SALES_REP, team=org["team_c"])
    CustomerFactory(name="A组的", owner=rep)
    CustomerFactory(name="B组的", owner=east_rep_b)
    CustomerFactory(name="南区的", owner=south_rep)

    assert names(director_client.get(URL, {"team": org["east"].pk})) == ["A组的", "B组的"]
    assert names(director_client.get(URL, {"team": org["team_b"].pk})) == ["B组的"]
    assert names(director_client.get(URL, {"team": org["team_c"].pk})) == ["南区的"]


def test_team_filter_offers_only_the_teams_a_manager_reaches(manager_client, org):
    form = manager_client.get(URL).context["filter"].form
    offered = {str(value) for value, _label in form.fields["team"].widget.choices if value}
    assert offered == {str(org["team_a"].pk)}
    response = manager_client.get(URL, {"team": org["team_c"].pk})
    assert "team" in response.context["filter"].form.errors


def test_rows_show_the_owners_team(manager_client, rep):
    CustomerFactory(name="有团队的", owner=rep)
    page = manager_client.get(URL).content.decode()
    assert 'class="col-team"' in page and "Team A" in page


# --- owner filter: search as you type, grouped by team --------------------------------------


def test_the_list_renders_no_list_of_users(director_client, org, rep):
    for n in range(30):
        UserFactory(username=f"seller{n}", role=Role.SALES_REP, team=org["team_b"])
    page = director_client.get(URL).content.decode()
    assert "seller1" not in page and "<option" not in page.split('id="id_owner"')[1][:500]


def test_owner_search_results_are_grouped_by_team(director_client, org, rep):
    UserFactory(username="zhang_b", first_name="张", role=Role.SALES_REP, team=org["team_b"])
    UserFactory(username="zhang_c", first_name="张", role=Role.SALES_REP, team=org["team_c"])
    UserFactory(username="zhang_a", first_name="张", role=Role.SALES_REP, team=org["team_a"])
    response = director_client.get(PEOPLE_URL, {"for": "owner", "field": "owner", "owner_q": "张"})
    page = response.content.decode()
    order = [page.index(name) for name in ("Team A", "zhang_a", "Team B", "zhang_b", "Team C")]
    assert order == sorted(order)
    assert page.index("zhang_c") > page.index("Team C")


def test_owner_filter_typed_text_that_is_nobody_filters_nothing(director_client, rep):
    CustomerFactory(name="一个", owner=rep)
    response = director_client.get(URL, {"owner_q": "张"})
    assert not response.context["filter"].form.errors
    assert names(response) == ["一个"]
    assert names(director_client.get(URL, {"owner_q": "rep"})) == ["一个"]


# --- column chooser ------------------------------------------------------------------------


def test_hidden_columns_are_remembered_for_the_user_only(manager_client, manager, rep, client):
    CustomerFactory(name="客户甲", owner=rep)
    response = manager_client.post(f"{COLUMNS_URL}?grade=A", {"columns": ["owner", "team", "due"]})
    assert response.status_code == 302 and response.url == f"{URL}?grade=A"
    page = manager_client.get(URL).content.decode()
    assert 'class="col-team"' in page and 'class="col-tags"' not in page
    assert 'class="col-contact"' not in page
    # The list's own columns (later apps' columns join the chooser: aftersales' tests).
    assert set(ListColumns.objects.get(user=manager).hidden) & set(OPTIONAL_COLUMNS) == {
        "status",
        "tags",
        "last_followup",
        "overdue_days",
        "contact",
    }

    client.force_login(rep)
    assert 'class="col-tags"' in client.get(URL).content.decode()


def test_column_chooser_needs_a_login(client):
    response = client.post(COLUMNS_URL, {"columns": ["owner"]})
    assert response.status_code in (302, 403)
    assert not ListColumns.objects.exists()


# --- default and shared views --------------------------------------------------------------


def save(client, name, query, **flags):
    data = {"name": name, **{flag: "on" for flag, on in flags.items() if on}}
    return client.post(f"{reverse('customers:savedview-create')}?{query}", data)


def test_the_default_view_opens_the_bare_list(manager_client, manager, rep):
    CustomerFactory(name="A客户", owner=rep, grade_a=True)
    CustomerFactory(name="C客户", owner=rep)
    save(manager_client, "我的A", "grade=A", is_default=True)
    assert names(manager_client.get(URL)) == ["A客户"]
    # "Clear" asks for the whole list, without the default.
    assert names(manager_client.get(URL, {"all": "1"})) == ["A客户", "C客户"]


def test_a_new_default_replaces_the_old_one(manager_client, manager):
    save(manager_client, "一", "grade=A", is_default=True)
    save(manager_client, "二", "grade=B", is_default=True)
    defaults = SavedView.objects.filter(user=manager, is_default=True)
    assert [view.name for view in defaults] == ["二"]


def test_a_shared_view_shows_to_the_team_and_only_its_author_deletes_it(
    manager_client, manager, rep, other_rep
):
    save(manager_client, "团队重点", "grade=A", shared=True)
    save(manager_client, "我自己的", "grade=B")
    shared = SavedView.objects.get(name="团队重点")

    client = Client()
    client.force_login(rep)  # same team
    page = client.get(URL).content.decode()
    assert "团队重点" in page and "我自己的" not in page
    assert manager.display_name in page
    delete = reverse("customers:savedview-delete", args=[shared.pk])
    assert client.post(delete).status_code == 404
    assert SavedView.objects.filter(pk=shared.pk).exists()

    client.force_login(other_rep)  # another team
    assert "团队重点" not in client.get(URL).content.decode()


def test_a_teammates_default_is_not_mine(manager_client, manager, rep):
    CustomerFactory(name="A客户", owner=rep, grade_a=True)
    CustomerFactory(name="C客户", owner=rep)
    save(manager_client, "经理默认", "grade=A", is_default=True, shared=True)
    client = Client()
    client.force_login(rep)
    assert names(client.get(URL)) == ["A客户", "C客户"]
