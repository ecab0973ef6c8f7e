"""An opportunity after-sales made links back to where it came from (OPPORTUNITY_ORIGINS):
the complaint, the after-sales record, or the contract it renews; the complaint and record
pages link to it. One query more on the opportunity page, and only for such an opportunity."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aftersales import services
from aftersales.models import Complaint
from opportunities.models import Opportunity
from tests.factories import ContractFactory
from tests.factories.opportunities import default_stages

pytestmark = pytest.mark.django_db

NEED = {"name": "二期扩容", "expected_amount": "200000", "expected_close_date": "2027-03-31"}
NEED_DATA = {
    "name": "二期扩容",
    "expected_amount": Decimal("200000"),
    "expected_close_date": date(2027, 3, 31),
}


def _page(client, opportunity):
    return client.get(reverse("opportunities:opportunity-detail", args=[opportunity.pk]))


def test_from_a_complaint_both_ways(client, aftersales, served, rep, manager):
    default_stages()
    complaint = services.complaint_create(
        by=aftersales,
        customer=served,
        subject="扩容需求",
        description="现有容量不够",
        channel=Complaint.Channel.PHONE,
        category=Complaint.Category.SERVICE,
        severity=Complaint.Severity.LOW,
    )
    client.force_login(aftersales)
    url = reverse("aftersales:complaint-move", args=[complaint.pk])
    assert client.post(url, {"action": "cross_sell", **NEED}).status_code == 302
    opportunity = Opportunity.objects.get()
    complaint_page = client.get(complaint.get_absolute_url()).content.decode()
    assert reverse("opportunities:opportunity-detail", args=[opportunity.pk]) in complaint_page

    for reader in (rep, manager):
        client.force_login(reader)
        page = _page(client, opportunity).content.decode()
        assert 'id="origin-complaint"' in page
        assert f'href="{complaint.get_absolute_url()}"' in page
        assert complaint.number in page


def test_from_a_record(client, aftersales, served, rep):
    default_stages()
    record = services.record_create(
        by=aftersales, customer=served, date=timezone.localdate(), method="phone", feedback="扩容"
    )
    services.cross_sell_create(by=aftersales, record=record, **NEED_DATA)
    client.force_login(rep)
    page = _page(client, Opportunity.objects.get()).content.decode()
    assert 'id="origin-record"' in page
    assert reverse("aftersales:record-detail", args=[record.pk]) in page


def test_a_renewal_links_to_its_contract(client, served, rep):
    default_stages()
    today = timezone.localdate()
    contract = ContractFactory(
        customer=served, completed=True, end_date=today + timedelta(days=60), warranty="3年"
    )
    assert services.propose_renewals(today=today) == 1
    client.force_login(rep)
    page = _page(client, Opportunity.objects.get()).content.decode()
    assert 'id="origin-contract"' in page
    assert reverse("contracts:contract-detail", args=[contract.pk]) in page


def test_one_query_more_and_only_for_an_after_sales_opportunity(client, aftersales, served, rep):
    from tests.factories import OpportunityFactory

    default_stages()
    plain = OpportunityFactory(customer=served, owner=rep)
    record = services.record_create(
        by=aftersales, customer=served, date=timezone.localdate(), method="phone", feedback="扩容"
    )
    made = services.cross_sell_create(by=aftersales, record=record, **NEED_DATA)
    client.force_login(rep)
    counts = []
    for opportunity in (plain, made):
        _page(client, opportunity)
        with CaptureQueriesContext(connection) as queries:
            page = _page(client, opportunity)
        assert page.status_code == 200
        counts.append(len(queries.captured_queries))
    assert 'id="origin-' not in _page(client, plain).content.decode()
    assert counts[1] == counts[0] + 1
