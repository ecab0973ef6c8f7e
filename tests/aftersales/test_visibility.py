"""Who sees after-sales rows, and who may act: the assigned after-sales user sees and serves
their customers (the assignment is the policy's `extra`, through customers' visibility); an
unassigned one sees nothing; the customer's rep and their manager read; the director, GM and
admins see all. A record you may not see is a 404, an action you may not take a 403."""

import pytest
from django.urls import reverse

from aftersales import services
from aftersales.models import AftersalesAssignment, AftersalesRecord, Complaint
from customers.models import Customer
from teams.roles import Role
from tests.factories import PoolFactory, UserFactory, pooled

pytestmark = pytest.mark.django_db


@pytest.fixture
def complaint(aftersales, served):
    return services.complaint_create(
        by=aftersales,
        customer=served,
        subject="发票开错",
        description="税号错误",
        channel=Complaint.Channel.EMAIL,
        category=Complaint.Category.BILLING,
        severity=Complaint.Severity.MEDIUM,
    )


@pytest.fixture
def stranger(org):
    """An after-sales user nobody assigned anything to."""
    return UserFactory(username="stranger", role=Role.AFTERSALES, team=org["company"])


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("aftersales", True),
        ("stranger", False),
        ("rep", True),
        ("manager", True),
        ("other_rep", False),
        ("legal", False),
        ("delivery", False),
        ("director", True),
        ("general_manager", True),
        ("admin_user", True),
    ],
)
def test_the_matrix(request, client, complaint, served, who, sees):
    user = request.getfixturevalue(who)
    assert Customer.objects.visible_to(user).filter(pk=served.pk).exists() is sees
    assert Complaint.objects.visible_to(user).filter(pk=complaint.pk).exists() is sees
    client.force_login(user)
    response = client.get(reverse("aftersales:complaint-detail", args=[complaint.pk]))
    assert response.status_code == (200 if sees else 404)
    customer_page = client.get(reverse("customers:customer-detail", args=[served.pk]))
    assert customer_page.status_code == (200 if sees else 404)


@pytest.mark.parametrize(
    ("who", "status"),
    [("aftersales", 302), ("stranger", 404), ("rep", 403), ("manager", 403), ("admin_user", 302)],
)
def test_who_may_move_a_complaint(request, client, complaint, who, status):
    client.force_login(request.getfixturevalue(who))
    url = reverse("aftersales:complaint-move", args=[complaint.pk])
    response = client.post(url, {"action": "acknowledge"})
    assert response.status_code == status
    complaint.refresh_from_db()
    assert complaint.is_new is (status != 302)


def test_the_rep_reads_without_the_buttons(client, complaint, rep, served):
    client.force_login(rep)
    page = client.get(reverse("aftersales:complaint-detail", args=[complaint.pk]))
    assert page.context["can_handle"] is False
    assert b'id="complaint-actions"' not in page.content
    section = client.get(reverse("customers:customer-detail", args=[served.pk]))
    assert b'id="section-aftersales"' in section.content
    assert b'id="new-complaint"' not in section.content


@pytest.mark.parametrize(("who", "status"), [("aftersales", 200), ("rep", 403), ("stranger", 404)])
def test_who_may_log_a_complaint_or_a_record(request, client, served, who, status):
    client.force_login(request.getfixturevalue(who))
    for name in ("aftersales:complaint-create", "aftersales:record-create"):
        response = client.get(reverse(name) + f"?customer={served.pk}")
        assert response.status_code == status


def test_assignment_gives_and_takes_sight(client, served, stranger, director):
    assert not Customer.objects.visible_to(stranger).filter(pk=served.pk).exists()
    client.force_login(director)
    response = client.post(reverse("aftersales:assign", args=[served.pk]), {"user": stranger.pk})
    assert response.status_code == 302
    assert Customer.objects.visible_to(stranger).filter(pk=served.pk).exists()
    client.post(reverse("aftersales:assign", args=[served.pk]), {"user": ""})
    assert not Customer.objects.visible_to(stranger).filter(pk=served.pk).exists()


def test_a_rep_may_not_assign(client, served, rep, stranger):
    client.force_login(rep)
    response = client.post(reverse("aftersales:assign", args=[served.pk]), {"user": stranger.pk})
    assert response.status_code == 403


def test_region_rules_assign_the_customers_nobody_assigned_by_hand(
    client, director, served, stranger, rep
):
    from tests.factories import CustomerFactory

    east = CustomerFactory(owner=rep, region=Customer.Region.EAST)
    south = CustomerFactory(owner=rep, region=Customer.Region.SOUTH)
    client.force_login(director)
    client.post(reverse("aftersales:regions"), {"region": "east", "user": stranger.pk})
    assert Customer.objects.visible_to(stranger).filter(pk=east.pk).exists()
    assert not Customer.objects.visible_to(stranger).filter(pk=south.pk).exists()
    # `served` (east too) keeps its hand assignment.
    assert served.aftersales_assignment.user.username == "aftersales"


def test_the_deadlines_page_is_for_admins(client, admin_user, aftersales):
    client.force_login(aftersales)
    assert client.get(reverse("aftersales:deadlines")).status_code == 403
    client.force_login(admin_user)
    page = client.get(reverse("aftersales:deadlines"))
    assert page.status_code == 200
    data = {
        "form-TOTAL_FORMS": 4,
        "form-INITIAL_FORMS": 4,
    }
    for i, form in enumerate(page.context["formset"]):
        data[f"form-{i}-id"] = form.instance.pk
        data[f"form-{i}-respond_hours"] = form.instance.respond_hours
        data[f"form-{i}-resolve_working_days"] = form.instance.resolve_working_days
    data["form-0-respond_hours"] = 0
    response = client.post(reverse("aftersales:deadlines"), data)
    assert response.status_code == 200 and response.context["formset"].errors[0]


def test_a_record_of_an_unseen_customer_is_a_404(client, aftersales, unserved, other_rep):
    record = AftersalesRecord.objects.create(
        customer=unserved, date="2026-11-01", person=other_rep, method="phone", feedback="x"
    )
    client.force_login(aftersales)
    assert client.get(reverse("aftersales:record-detail", args=[record.pk])).status_code == 404


def test_the_assignment_shows_the_customers_contracts_and_no_others(
    aftersales, stranger, served_contract, unserved
):
    from contracts.models import Contract
    from tests.factories import ContractFactory

    other = ContractFactory(customer=unserved, signed=True)
    visible = set(Contract.objects.visible_to(aftersales).values_list("pk", flat=True))
    assert served_contract.pk in visible
    assert other.pk not in visible
    assert not Contract.objects.visible_to(stranger).exists()


def test_a_shared_customer_s_complaints_show_to_the_colleague_and_their_manager(
    complaint, served, other_rep, org
):
    from customers.models import CustomerShare

    south_manager = UserFactory(role=Role.SALES_MANAGER, team=org["team_c"])
    for user in (other_rep, south_manager):
        assert not Complaint.objects.visible_to(user).filter(pk=complaint.pk).exists()
    CustomerShare.objects.create(customer=served, user=other_rep)
    CustomerShare.objects.create(customer=served, user=south_manager)
    for user in (other_rep, south_manager):
        assert Complaint.objects.visible_to(user).filter(pk=complaint.pk).exists()


def test_a_pool_customer_s_complaints_show_to_the_pool_s_teams_only(aftersales, manager, org):
    """A customer waiting in a pool (公海) is seen by the pool's teams, so are its complaints
    (matched by the pool through the customer, customers.querysets
    customer_visibility_through); another team's manager sees neither."""
    pool = PoolFactory(name="华东公海", teams=[org["team_a"]])
    waiting = pooled(pool, name="青禾食品有限公司")
    AftersalesAssignment.objects.create(customer=waiting, user=aftersales, by_hand=True)
    found = services.complaint_create(
        by=aftersales,
        customer=waiting,
        subject="设备异响",
        description="运行时噪音大",
        channel=Complaint.Channel.PHONE,
        category=Complaint.Category.PRODUCT,
        severity=Complaint.Severity.LOW,
    )
    south_manager = UserFactory(role=Role.SALES_MANAGER, team=org["team_c"])
    assert list(Complaint.objects.visible_to(manager)) == [found]
    assert not Complaint.objects.visible_to(south_manager).exists()
