"""The navbar's global search: customers (name, phone), contacts, opportunities, contracts and
complaints the user may see, grouped by kind, at most 5 of a kind with a link to the rest, and
nothing of another rep's."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aftersales.models import AftersalesAssignment, Complaint
from tests.factories import (
    ContactFactory,
    ContractFactory,
    CustomerFactory,
    OpportunityFactory,
)

pytestmark = pytest.mark.django_db

URL = reverse("global-search")


def _groups(client, user, text, htmx=False):
    client.force_login(user)
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.get(URL, {"q": text}, headers=headers)
    assert response.status_code == 200
    return response, {g.kind: [hit.title for hit in g.hits] for g in response.context["groups"]}


def test_finds_each_kind_the_user_may_see(client, rep, other_rep):
    mine = CustomerFactory(owner=rep, name="华东精密机械有限公司", phone="021-5555 0101")
    ContactFactory(customer=mine, name="王华东", title="采购经理", phone="139 1234 5678")
    OpportunityFactory(customer=mine, owner=rep, name="华东产线升级")
    ContractFactory(customer=mine, number="HT2026120042", title="华东年度维保合同")
    theirs = CustomerFactory(owner=other_rep, name="华东别人的客户")
    OpportunityFactory(customer=theirs, owner=other_rep, name="华东别人的机会")

    _, found = _groups(client, rep, "华东")

    assert found == {
        "customers": ["华东精密机械有限公司"],
        "contacts": ["王华东 (采购经理)"],
        "opportunities": ["华东产线升级"],
        "contracts": ["HT2026120042 华东年度维保合同"],
    }


def test_a_phone_number_in_any_format_finds_the_customer_and_the_contact(client, rep):
    customer = CustomerFactory(owner=rep, name="上海示例", phone="021-5555 0101")
    ContactFactory(customer=customer, name="李四", title="", phone="13912345678")
    _, by_customer_phone = _groups(client, rep, "5555-0101")
    _, by_contact_phone = _groups(client, rep, "139 1234")
    assert by_customer_phone["customers"] == ["上海示例"]
    assert by_contact_phone["contacts"] == ["李四"]
    assert by_contact_phone["customers"] == ["上海示例"]  # through its contact


def test_a_contract_number_finds_the_contract(client, rep, director):
    customer = CustomerFactory(owner=rep)
    ContractFactory(customer=customer, number="HT2026120007", title="软件采购")
    _, found = _groups(client, director, "ht20261200")
    assert found["contracts"] == ["HT2026120007 软件采购"]


def test_five_of_a_kind_and_a_link_to_the_rest(client, rep):
    for n in range(7):
        CustomerFactory(owner=rep, name=f"星河科技{n}")
    response, found = _groups(client, rep, "星河")
    assert len(found["customers"]) == 5
    group = response.context["groups"][0]
    assert group.more_url == reverse("customers:customer-list") + "?q=%E6%98%9F%E6%B2%B3"
    assert "See all" in response.content.decode()


def test_short_or_empty_text_searches_nothing(client, rep):
    CustomerFactory(owner=rep, name="A公司")
    response, found = _groups(client, rep, "A")
    assert found == {} and "at least 2 characters" in response.content.decode()
    _, found = _groups(client, rep, "   ")
    assert found == {}


def test_nothing_matches_says_so(client, rep):
    response, _ = _groups(client, rep, "不存在的公司")
    assert "Nothing you can see matches" in response.content.decode()


def test_htmx_gets_only_the_results(client, rep):
    CustomerFactory(owner=rep, name="华东精密")
    response, _ = _groups(client, rep, "华东", htmx=True)
    body = response.content.decode()
    assert "global-search-results-list" in body and "<nav" not in body


def test_a_user_without_sales_access_finds_no_customers(client, delivery, rep):
    CustomerFactory(owner=rep, name="华东精密")
    _, found = _groups(client, delivery, "华东")
    assert found == {}


def test_the_search_runs_a_constant_number_of_queries(client, rep):
    def count():
        client.force_login(rep)
        with CaptureQueriesContext(connection) as queries:
            client.get(URL, {"q": "华东"}, headers={"HX-Request": "true"})
        return len(queries)

    customer = CustomerFactory(owner=rep, name="华东一")
    few = count()
    for n in range(8):
        customer = CustomerFactory(owner=rep, name=f"华东{n}")
        ContactFactory(customer=customer, name=f"华东联系人{n}")
        OpportunityFactory(customer=customer, owner=rep, name=f"华东机会{n}")
        ContractFactory(customer=customer, title=f"华东合同{n}")
        _complaint(customer, rep, f"华东投诉{n}")
    assert count() == few


def test_the_navbar_has_the_search_box(client, rep):
    client.force_login(rep)
    body = client.get(reverse("home")).content.decode()
    assert 'id="global-search-q"' in body and 'id="search-icon"' in body


def _complaint(customer, handler, subject):
    now = timezone.now()
    return Complaint.objects.create(
        customer=customer,
        subject=subject,
        description="—",
        channel=Complaint.Channel.PHONE,
        category=Complaint.Category.PRODUCT,
        severity=Complaint.Severity.MEDIUM,
        received_at=now,
        handler=handler,
        respond_by=now + timedelta(hours=48),
        resolve_by=now + timedelta(days=7),
    )


def test_complaints_are_found_by_subject_or_number_where_visible(
    client, rep, other_rep, manager, aftersales, director
):
    mine = CustomerFactory(owner=rep, name="华东精密")
    theirs = CustomerFactory(owner=other_rep, name="华南物流")
    own = _complaint(mine, aftersales, "设备异响")
    other = _complaint(theirs, aftersales, "设备漏油")
    AftersalesAssignment.objects.create(customer=theirs, user=aftersales)

    assert _groups(client, rep, "设备")[1]["complaints"] == [f"{own.number} 设备异响"]
    assert "complaints" not in _groups(client, rep, "华东精")[1]  # the customer's group finds it
    assert _groups(client, manager, own.number.lower())[1]["complaints"] == [
        f"{own.number} 设备异响"
    ]
    # Another rep's customer's complaint: not for this rep, nor by its number.
    assert "complaints" not in _groups(client, rep, other.number)[1]
    # The after-sales user serving both and handling both, and a director, find both.
    both = sorted([f"{own.number} 设备异响", f"{other.number} 设备漏油"])
    assert sorted(_groups(client, aftersales, "设备")[1]["complaints"]) == both
    assert sorted(_groups(client, director, "设备")[1]["complaints"]) == both
    response, _found = _groups(client, rep, "设备")
    group = next(g for g in response.context["groups"] if g.kind == "complaints")
    assert group.hits[0].url == f"/aftersales/complaints/{own.pk}/"
    assert group.hits[0].detail.startswith("华东精密 · ")
