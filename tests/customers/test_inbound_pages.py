"""Inbound leads through the pages: a manager (their teams) or customer service (the admin
role, any team) enters a lead by hand or imports a file of them (all or nothing, each row's
problems listed); each lead goes to a rep by the team's routing, recorded in the ownership
log. Reps and the general manager (who enters no customers) may not."""

import pytest
from django.urls import reverse

from customers.models import Customer, ImportLog, InboundRouting, OwnershipChange
from teams.models import Role
from tests.customers.helpers import good_row, xlsx
from tests.factories import CustomerFactory, PoolFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW = reverse("customers:inbound-create")
IMPORT = reverse("customers:inbound-import")


@pytest.fixture
def team(org, rep, manager):
    UserFactory(username="rep_b", role=Role.SALES_REP, team=org["team_a"])
    return org["team_a"]


def lead(for_team, **extra):
    return {
        "team": for_team.pk,
        "name": "杭州来访科技有限公司",
        "phone": "0571-8765 4321",
        "region": Customer.Region.EAST,
        "lead_source": Customer.LeadSource.INBOUND,
        "initial_need": "官网留言：询问包装线报价",
        "contact_name": "李雷",
        "contact_title": "采购经理",
        "contact_phone": "139 1234 5678",
        "contact_email": "li.lei@example.com",
        **extra,
    }


def row(n, **extra):
    return good_row(n, **{"行业": None, **extra})


@pytest.mark.parametrize(
    ("who", "status"),
    [("rep", 403), ("general_manager", 403), ("manager", 200), ("admin_user", 200)],
)
def test_who_may_enter_inbound_leads(client, request, team, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(NEW).status_code == status
    assert client.get(IMPORT).status_code == status


def test_a_rep_posting_the_form_changes_nothing(client, rep, team):
    client.force_login(rep)
    assert client.post(NEW, lead(team)).status_code == 403
    assert not Customer.objects.exists()


def test_a_manager_enters_a_lead_and_it_goes_to_a_rep_by_round_robin(client, manager, rep, team):
    client.force_login(manager)
    response = client.post(NEW, lead(team))
    customer = Customer.objects.get(name="杭州来访科技有限公司")
    assert response.status_code == 302
    assert response.url == reverse("customers:customer-detail", args=[customer.pk])
    assert customer.owner == rep and customer.status == Customer.Status.LEAD
    assert customer.contacts.get().phone == "139 1234 5678"
    change = OwnershipChange.objects.get(customer=customer)
    assert (change.how, change.by, change.to_user) == (OwnershipChange.How.LEAD, manager, rep)
    page = client.get(response.url).content.decode()
    assert "went to" in page and rep.display_name in page
    second = client.post(NEW, lead(team, name="第二家来访公司", phone="", contact_phone=""))
    assert second.status_code == 302
    assert Customer.objects.get(name="第二家来访公司").owner.username == "rep_b"


def test_customer_service_enters_for_any_team_a_manager_only_for_theirs(
    client, admin_user, manager, team, org
):
    other = org["team_c"]
    UserFactory(username="rep_c", role=Role.SALES_REP, team=other)
    client.force_login(manager)
    response = client.post(NEW, lead(other))
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    client.force_login(admin_user)
    assert client.post(NEW, lead(other)).status_code == 302
    assert Customer.objects.get().owner.username == "rep_c"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"name": "  "}, "This field is required."),
        ({"phone": "12"}, "Enter a phone number of 7 to 15 digits"),
        ({"contact_name": ""}, "or leave the contact fields empty."),
        ({"contact_email": "not-an-address"}, "Enter a valid email address."),
        ({"team": ""}, "This field is required."),
    ],
)
def test_bad_input_is_refused_clearly_and_nothing_is_saved(client, manager, team, extra, message):
    client.force_login(manager)
    response = client.post(NEW, lead(team, **extra))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Customer.objects.exists()


def test_a_company_already_in_the_crm_needs_save_anyway(client, manager, other_rep, team):
    CustomerFactory(owner=other_rep, name="杭州来访科技有限公司")
    client.force_login(manager)
    response = client.post(NEW, lead(team))
    assert response.status_code == 200
    assert "exists already" in response.content.decode()
    assert Customer.objects.count() == 1
    assert client.post(NEW, lead(team, save_anyway="on")).status_code == 302
    assert Customer.objects.count() == 2


def test_when_no_rep_can_take_it_the_page_says_so_and_nothing_is_saved(client, manager, rep, team):
    PoolFactory(teams=[team], cap_total=0)
    client.force_login(manager)
    response = client.post(NEW, lead(team))
    assert response.status_code == 200
    assert "can take a lead now" in response.content.decode()
    assert not Customer.objects.exists()


# --- the import ----------------------------------------------------------------------------


def test_an_import_shares_the_leads_out_by_least_load(client, manager, rep, team):
    InboundRouting.objects.create(team=team, method=InboundRouting.Method.LEAST_LOAD)
    CustomerFactory(owner=rep, status=Customer.Status.LEAD)  # rep already has one waiting
    client.force_login(manager)
    upload = xlsx([row(n) for n in range(1, 4)], name="来访线索.xlsx")
    response = client.post(IMPORT, {"team": team.pk, "file": upload})
    assert response.status_code == 302, response.content.decode()[:3000]
    leads = Customer.objects.filter(name__startswith="导入测试").order_by("name")
    owners = [c.owner.username for c in leads]
    assert owners == ["rep_b", "rep", "rep_b"]
    assert all(c.status == Customer.Status.LEAD for c in leads)
    assert all(c.contacts.count() == 1 for c in leads)
    assert OwnershipChange.objects.filter(how=OwnershipChange.How.LEAD).count() == 3
    assert ImportLog.objects.get().customer_count == 3


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([row(1), row(2, **{"负责人(用户名)": "rep"})], "Leave the owner empty"),
        ([row(1), row(2, **{"客户状态": "潜在客户"})], "An inbound lead is a lead"),
        ([row(1), row(2, **{"联系人电话": "12"})], "is not a phone number"),
        ([row(1), row(1)], "The same company as row 2"),
    ],
    ids=["owner given", "not a lead", "bad phone", "twice in the file"],
)
def test_an_import_with_a_bad_row_imports_nothing_and_lists_the_row(
    client, manager, team, rows, message
):
    client.force_login(manager)
    response = client.post(IMPORT, {"team": team.pk, "file": xlsx(rows)})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was imported" in html and message in html
    assert "Row 3" in html or "Row 2" in html
    assert not Customer.objects.exists()


def test_an_import_that_runs_out_of_reps_imports_nothing(client, manager, rep, team):
    PoolFactory(teams=[team], cap_total=1)  # each rep may hold one customer
    client.force_login(manager)
    response = client.post(IMPORT, {"team": team.pk, "file": xlsx([row(n) for n in (1, 2, 3)])})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was imported. Row 4" in html and "can take a lead now" in html
    assert not Customer.objects.exists() and not OwnershipChange.objects.exists()


def test_a_rep_may_not_import_inbound_leads(client, rep, team):
    client.force_login(rep)
    assert client.post(IMPORT, {"team": team.pk, "file": xlsx([row(1)])}).status_code == 403
    assert not Customer.objects.exists()
