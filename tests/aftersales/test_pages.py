"""The pages at work: logging a complaint (bad input says why, changes nothing), the moves a
row posts, a record with satisfaction, cross-sell, the lists' query counts at 1 and many rows,
the customer page section and home panels."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aftersales import services
from aftersales.models import AftersalesRecord, Complaint, CrossSell, Satisfaction
from opportunities.models import Opportunity, Source
from tests.factories import CustomerFactory
from tests.factories.opportunities import default_stages

pytestmark = pytest.mark.django_db


def make(by, customer, n=1, **extra):
    return [
        services.complaint_create(
            by=by,
            customer=customer,
            subject=f"投诉 {i}",
            description="...",
            channel=Complaint.Channel.PHONE,
            category=Complaint.Category.SERVICE,
            severity=Complaint.Severity.HIGH,
            **extra,
        )
        for i in range(n)
    ]


def test_logging_a_complaint(client, aftersales, served):
    client.force_login(aftersales)
    url = reverse("aftersales:complaint-create") + f"?customer={served.pk}"
    data = {
        "subject": "设备异响",
        "severity": "critical",
        "channel": "hotline",
        "category": "product",
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "description": "客户来电",
    }
    response = client.post(url, data)
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response.url == complaint.get_absolute_url()
    assert complaint.handler == aftersales and complaint.is_critical


def test_a_future_complaint_is_refused(client, aftersales, served):
    client.force_login(aftersales)
    url = reverse("aftersales:complaint-create") + f"?customer={served.pk}"
    future = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        url,
        {
            "subject": "x",
            "severity": "low",
            "channel": "phone",
            "category": "other",
            "received_at": future,
            "description": "x",
        },
    )
    assert response.status_code == 200
    assert "in the future" in str(response.context["form"].errors)
    assert not Complaint.objects.exists()


def test_closing_a_new_complaint_says_why_and_changes_nothing(client, aftersales, served):
    (complaint,) = make(aftersales, served)
    client.force_login(aftersales)
    url = reverse("aftersales:complaint-move", args=[complaint.pk])
    response = client.post(url, {"action": "close", "score": 5})
    assert response.status_code == 200
    assert "“New” cannot change to “Closed”" in " ".join(
        response.context["close_form"].non_field_errors()
    )
    complaint.refresh_from_db()
    assert complaint.is_new and not Satisfaction.objects.exists()


def test_a_satisfaction_outside_1_to_5_is_refused_on_the_page(client, aftersales, served):
    (complaint,) = make(aftersales, served)
    services.complaint_acknowledge(by=aftersales, complaint=complaint)
    services.complaint_start(by=aftersales, complaint=complaint)
    client.force_login(aftersales)
    url = reverse("aftersales:complaint-move", args=[complaint.pk])
    response = client.post(
        url,
        {
            "action": "resolve",
            "resolution": "更换部件",
            "told_how": "phone",
            "told_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    response = client.post(url, {"action": "close", "score": 7})
    assert response.status_code == 200
    assert "from 1 to 5" in str(response.context["close_form"].errors["score"])
    complaint.refresh_from_db()
    assert complaint.is_resolved and not Satisfaction.objects.exists()
    client.post(url, {"action": "close", "score": 4, "comment": "满意"})
    complaint.refresh_from_db()
    assert complaint.is_closed and Satisfaction.objects.get().score == 4


def test_a_record_with_satisfaction_and_a_bad_one(client, aftersales, served):
    client.force_login(aftersales)
    url = reverse("aftersales:record-create") + f"?customer={served.pk}"
    data = {
        "date": timezone.localdate().isoformat(),
        "method": "visit",
        "feedback": "运行良好，想增加两个站点",
        "score": 0,
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "from 1 to 5" in str(response.context["form"].errors)
    assert not AftersalesRecord.objects.exists()
    data["score"] = 5
    response = client.post(url, data)
    record = AftersalesRecord.objects.get()
    assert response.status_code == 302 and record.satisfaction.score == 5


def test_a_second_need_becomes_an_opportunity_for_the_owner_linked_both_ways(
    client, aftersales, served, rep
):
    default_stages()
    record = services.record_create(
        by=aftersales,
        customer=served,
        date=timezone.localdate(),
        method="phone",
        feedback="需要扩容",
    )
    client.force_login(aftersales)
    response = client.post(
        reverse("aftersales:record-cross-sell", args=[record.pk]),
        {"name": "二期扩容", "expected_amount": "200000", "expected_close_date": "2027-03-31"},
    )
    assert response.status_code == 302
    opportunity = Opportunity.objects.get()
    assert (opportunity.owner, opportunity.source) == (rep, Source.AFTERSALES)
    assert CrossSell.objects.get().record == record
    assert opportunity.aftersales_origin.record == record
    page = client.get(reverse("aftersales:record-detail", args=[record.pk]))
    assert "二期扩容" in page.content.decode()


def test_a_renewal_is_proposed_90_days_before_the_term_ends_once(served, rep):
    from tests.factories import ContractFactory

    default_stages()
    today = timezone.localdate()
    ContractFactory(
        customer=served,
        completed=True,
        start_date=today - timedelta(days=300),
        end_date=today + timedelta(days=60),
        delivery_date=today - timedelta(days=10),
        warranty="3年",
    )
    ContractFactory(customer=served, completed=True, end_date=today + timedelta(days=200))
    assert services.propose_renewals(today=today) == 1
    assert services.propose_renewals(today=today) == 0
    assert CrossSell.objects.get().kind == CrossSell.Kind.RENEWAL


def _list_queries(client, django_assert_num_queries, url, add, key, few=1, many=30):
    add(few)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        response = client.get(url)
    assert len(response.context[key]) == few
    add(many - few)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert len(response.context[key]) == 25
    return len(one.captured_queries)


# session, user, the count, the rows (+ the manager's team tree)
@pytest.mark.parametrize(("who", "queries"), [("aftersales", 4), ("manager", 5), ("director", 4)])
def test_the_complaint_list_runs_a_constant_number_of_queries(
    request, client, served, django_assert_num_queries, who, queries
):
    aftersales = request.getfixturevalue("aftersales")
    client.force_login(request.getfixturevalue(who))
    url = reverse("aftersales:complaint-list")
    count = _list_queries(
        client,
        django_assert_num_queries,
        url,
        lambda n: make(aftersales, served, n),
        "complaints",
    )
    assert count == queries


def test_my_customers_runs_a_constant_number_of_queries(
    client, aftersales, rep, django_assert_num_queries
):
    from aftersales.models import AftersalesAssignment

    def add(n):
        for _ in range(n):
            customer = CustomerFactory(owner=rep)
            AftersalesAssignment.objects.create(customer=customer, user=aftersales)

    client.force_login(aftersales)
    count = _list_queries(
        client,
        django_assert_num_queries,
        reverse("aftersales:customer-list"),
        add,
        "assignments",
    )
    assert count == 5


def test_the_list_filters_breached_and_open(client, aftersales, served):
    late, fine = make(aftersales, served, 2)
    Complaint.objects.filter(pk=late.pk).update(response_breached=True)
    client.force_login(aftersales)
    response = client.get(reverse("aftersales:complaint-list") + "?breached=true&state=open")
    assert [c.pk for c in response.context["complaints"]] == [late.pk]


def test_the_customer_page_shows_satisfaction_and_complaints(client, aftersales, served, rep):
    (complaint,) = make(aftersales, served)
    for score in (2, 4):
        services.record_create(
            by=aftersales,
            customer=served,
            date=timezone.localdate(),
            method="phone",
            feedback="回访",
            score=score,
        )
    client.force_login(rep)
    page = client.get(reverse("customers:customer-detail", args=[served.pk])).content.decode()
    assert 'id="satisfaction-summary"' in page and "4/5" in page and "3.0" in page
    events = client.get(reverse("customers:customer-timeline", args=[served.pk]))
    events = events.content.decode()
    assert complaint.number in events and "After-sales: Phone" in events


def test_home_panels(client, aftersales, served, manager):
    (complaint,) = make(aftersales, served)
    client.force_login(aftersales)
    page = client.get(reverse("home")).content.decode()
    assert 'id="panel-revisits-due"' in page and 'id="panel-complaints-near-deadline"' in page
    client.force_login(manager)
    page = client.get(reverse("home")).content.decode()
    assert 'id="panel-team-complaints"' in page and complaint.number in page


def test_satisfaction_scores_for_analytics(aftersales, served, unserved):
    services.record_create(
        by=aftersales,
        customer=served,
        date=timezone.localdate(),
        method="phone",
        feedback="a",
        score=3,
    )
    services.record_create(
        by=aftersales,
        customer=served,
        date=timezone.localdate(),
        method="phone",
        feedback="b",
        score=5,
    )
    found = services.scores([served.pk, unserved.pk])
    assert found[served.pk].latest == 5 and found[served.pk].average == 4.0
    assert found[unserved.pk].latest is None and found[unserved.pk].count == 0
