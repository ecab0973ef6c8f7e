"""What opportunities shows on the customer page (section, timeline), the home page (panels)
and the navbar, through crm_site/hooks.py: customers never imports opportunities."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from opportunities.models import StageChange
from opportunities.services import moves
from tests.factories import CustomerFactory, OpportunityFactory, QuoteFactory, SkipRequestFactory

pytestmark = pytest.mark.django_db

HOME = reverse("home")


def customer_page(customer):
    return reverse("customers:customer-detail", args=[customer.pk])


def customer_timeline(customer):
    return reverse("customers:customer-timeline", args=[customer.pk])


def test_the_customer_page_lists_its_opportunities_open_first(client, rep, customer, stages):
    lost = OpportunityFactory(customer=customer, lost=True, name="丢单")
    open_one = OpportunityFactory(customer=customer, name="进行中")
    client.force_login(rep)
    response = client.get(customer_page(customer))
    section = next(s for s in response.context["sections"]["main"] if "opportunities" in s.template)
    assert section.context["rows"] == [open_one, lost]
    page = response.content.decode()
    assert f"{reverse('opportunities:opportunity-create')}?customer={customer.pk}" in page


def test_stage_changes_quotes_and_skips_are_on_the_timeline(client, rep, manager, customer, stages):
    opportunity = OpportunityFactory(customer=customer, name="MES 项目")
    moves.opportunity_move(opportunity=opportunity, to_stage=stages["needs"], by=rep)
    skip = SkipRequestFactory(opportunity=opportunity, to_stage=stages["negotiation"])
    skip.status_changes.create(from_status="", to_status="pending", by=rep)
    moves.stage_skip_decide(skip_request=skip, by=manager, approve=False, comment="先报价")
    quote = QuoteFactory(opportunity=opportunity)
    quote.status_changes.create(from_status="draft", to_status="in_review", by=rep)
    client.force_login(rep)
    kinds = {e.kind for e in client.get(customer_timeline(customer)).context["timeline"]}
    assert {"stage", "quote", "skip"} <= kinds
    page = client.get(customer_timeline(customer)).content.decode()
    assert "MES 项目 · 初步接触 → 需求确认" in page
    assert "先报价" in page


def test_the_customer_page_runs_the_same_queries_with_1_and_50_opportunities(
    client, rep, customer, stages
):
    def grow(n):
        for _ in range(n):
            opportunity = OpportunityFactory(customer=customer)
            StageChange.objects.create(
                opportunity=opportunity, kind=StageChange.Kind.CREATED, to_stage=stages["initial"]
            )
            QuoteFactory(opportunity=opportunity, lines=0).status_changes.create(
                from_status="", to_status="draft"
            )

    grow(1)
    client.force_login(rep)
    client.get(customer_page(customer))
    with CaptureQueriesContext(connection) as one:
        client.get(customer_page(customer))
    grow(49)
    with CaptureQueriesContext(connection) as fifty:
        client.get(customer_page(customer))
    assert len(one.captured_queries) == len(fifty.captured_queries)


def test_reps_see_their_deals_closing_this_month_and_overdue_solutions(client, rep, customer):
    today = timezone.localdate()
    closing = OpportunityFactory(customer=customer, expected_close_date=today, name="本月成交")
    overdue = OpportunityFactory(
        customer=customer,
        proposal=True,
        solution_due=today - timedelta(days=2),
        expected_close_date=today + timedelta(days=90),
        name="方案逾期",
    )
    client.force_login(rep)
    page = client.get(HOME).content.decode()
    assert 'id="panel-closing-this-month"' in page and closing.name in page
    assert 'id="panel-overdue-solutions"' in page and overdue.name in page
    assert 'id="panel-waiting-for-me"' not in page
    assert f'href="{reverse("opportunities:opportunity-list")}"' in page


def test_managers_see_the_quotes_and_skips_waiting_for_them(client, rep, manager, customer):
    QuoteFactory(opportunity=OpportunityFactory(customer=customer), in_review=True, name="待审方案")
    SkipRequestFactory(opportunity=OpportunityFactory(customer=customer, name="想跳阶段"))
    client.force_login(manager)
    page = client.get(HOME).content.decode()
    assert 'id="panel-waiting-for-me"' in page
    assert "待审方案" in page and "想跳阶段" in page


def test_the_queue_badge_counts_what_waits_and_stops_at_its_cap(
    client, manager, customer, monkeypatch
):
    from opportunities import pages

    for _ in range(2):
        QuoteFactory(opportunity=OpportunityFactory(customer=customer), in_review=True)
    SkipRequestFactory(opportunity=OpportunityFactory(customer=customer))
    client.force_login(manager)
    badge = re.compile(r'id="panel-waiting-for-me".*?<span class="badge[^"]*">([^<]*)</span>', re.S)
    assert badge.search(client.get(HOME).content.decode()).group(1) == "3"
    monkeypatch.setattr(pages, "PANEL_COUNT_CAP", 2)
    assert badge.search(client.get(HOME).content.decode()).group(1) == "2+"


@pytest.mark.parametrize("role_fixture", ["rep", "manager"])
def test_the_home_page_runs_the_same_queries_with_1_and_50_rows(
    request, client, customer, stages, role_fixture
):
    user = request.getfixturevalue(role_fixture)
    today = timezone.localdate()

    def grow(n):
        for _ in range(n):
            OpportunityFactory(customer=customer, expected_close_date=today)
            OpportunityFactory(customer=customer, proposal=True, solution_due=today - timedelta(3))
            QuoteFactory(opportunity=OpportunityFactory(customer=customer), in_review=True)
            SkipRequestFactory(opportunity=OpportunityFactory(customer=customer))

    grow(1)
    client.force_login(user)
    client.get(HOME)
    with CaptureQueriesContext(connection) as one:
        client.get(HOME)
    grow(49)
    with CaptureQueriesContext(connection) as fifty:
        client.get(HOME)
    assert len(one.captured_queries) == len(fifty.captured_queries)


def test_navbar_shows_the_pipeline_to_sales_roles_and_the_list_links_stages_for_admins(
    client, rep, legal, admin_user
):
    pipeline = f'href="{reverse("opportunities:opportunity-list")}"'
    stages_link = f'href="{reverse("opportunities:stage-settings")}"'
    client.force_login(rep)
    assert pipeline in client.get(HOME).content.decode()
    assert stages_link not in client.get(reverse("opportunities:opportunity-list")).content.decode()
    client.force_login(legal)
    assert pipeline not in client.get(HOME).content.decode()
    client.force_login(admin_user)
    assert stages_link in client.get(reverse("opportunities:opportunity-list")).content.decode()


def test_another_reps_opportunities_stay_off_my_customer_page(
    client, rep, other_rep, customer, stages
):
    from customers.models import CustomerShare

    shared = CustomerFactory(owner=other_rep)
    CustomerShare.objects.create(customer=shared, user=rep, can_edit=False)
    OpportunityFactory(customer=shared, name="共享客户的商机")
    client.force_login(rep)
    response = client.get(customer_page(shared))
    section = next(s for s in response.context["sections"]["main"] if "opportunities" in s.template)
    assert [o.name for o in section.context["rows"]] == ["共享客户的商机"]
    assert not section.context["can_create"]
