"""Lead screening (线索筛选): due 3 working days after entry on the working-day calendar, the
score from the admin's weights, qualify or disqualify with a reason, and who sees which leads."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from customers import leads, services
from customers.models import Customer, DisqualifyReason, LeadScreening, ScreeningSettings
from tests.factories import CustomerFactory, PoolFactory

pytestmark = pytest.mark.django_db

CHINA = ZoneInfo("Asia/Shanghai")
LIST = reverse("customers:lead-list")


@pytest.mark.parametrize(
    ("entered", "due"),
    [
        (date(2026, 12, 1), date(2026, 12, 4)),  # Tuesday → Friday
        (date(2026, 12, 3), date(2026, 12, 8)),  # Thursday → next Tuesday
        (date(2026, 9, 29), date(2026, 10, 9)),  # National Day holiday, 10-10 a make-up Saturday
    ],
)
def test_a_lead_is_due_three_working_days_after_entry(official_calendar, entered, due):
    moment = datetime.combine(entered, datetime.min.time()).replace(hour=10, tzinfo=CHINA)
    assert leads.due_on(moment) == due


def test_the_score_weighs_each_mark():
    weights = ScreeningSettings(
        weight_industry=30, weight_size=20, weight_budget=30, weight_decision=20
    )
    assert weights.score(industry=5, size=5, budget=5, decision=5) == 100
    assert weights.score(industry=5, size=0, budget=5, decision=0) == 60
    assert weights.score(industry=0, size=0, budget=0, decision=0) == 0


def lead(owner, days_ago=0, **kwargs):
    customer = CustomerFactory(owner=owner, status=Customer.Status.LEAD, **kwargs)
    Customer.objects.filter(pk=customer.pk).update(
        created_at=timezone.now() - timezone.timedelta(days=days_ago)
    )
    return customer


def test_the_list_splits_due_overdue_and_screened(client, rep):
    lead(rep, days_ago=0, name="新线索")
    lead(rep, days_ago=20, name="过期线索")
    done = lead(rep, days_ago=1, name="已筛选线索")
    services.lead_screen(
        by=rep,
        customer=done,
        industry_fit=4,
        size=3,
        budget=4,
        decision_chain=2,
        decision=LeadScreening.Decision.QUALIFIED,
    )
    client.force_login(rep)
    due = client.get(LIST).content.decode()
    overdue = client.get(LIST, {"tab": "overdue"}).content.decode()
    screened = client.get(LIST, {"tab": "screened"}).content.decode()
    assert "新线索" in due and "过期线索" not in due and "已筛选线索" not in due
    assert "过期线索" in overdue and "新线索" not in overdue
    assert "已筛选线索" in screened and "Qualified" in screened


def test_managers_see_their_teams_unscreened_leads_and_not_others(client, rep, other_rep, manager):
    lead(rep, name="组员线索")
    lead(other_rep, name="别组线索")
    client.force_login(manager)
    html = client.get(LIST).content.decode()
    assert "组员线索" in html and "别组线索" not in html


def test_qualifying_makes_a_prospect(client, rep):
    customer = lead(rep)
    client.force_login(rep)
    data = {"industry_fit": 5, "size": 4, "budget": 5, "decision_chain": 3, "decision": "qualified"}
    response = client.post(reverse("customers:lead-screen", args=[customer.pk]), data)
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.status == Customer.Status.PROSPECT
    assert customer.screening.score == 88


def test_disqualifying_needs_a_reason_then_closes_or_pools(client, rep, org):
    reason = DisqualifyReason.objects.create(label="无预算")
    customer = lead(rep)
    client.force_login(rep)
    url = reverse("customers:lead-screen", args=[customer.pk])
    data = {
        "industry_fit": 1,
        "size": 1,
        "budget": 0,
        "decision_chain": 0,
        "decision": "disqualified",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Choose why the lead is disqualified." in response.content.decode()
    customer.refresh_from_db()
    assert customer.status == Customer.Status.LEAD
    client.post(url, {**data, "reason": reason.pk})
    customer.refresh_from_db()
    assert customer.status == Customer.Status.CHURNED
    pool = PoolFactory(teams=[org["team_a"]])
    other = lead(rep)
    services.lead_screen(
        by=rep,
        customer=other,
        industry_fit=0,
        size=0,
        budget=0,
        decision_chain=0,
        decision=LeadScreening.Decision.DISQUALIFIED,
        reason=reason,
        to_pool=True,
    )
    other.refresh_from_db()
    assert other.pool == pool and other.owner is None


def test_another_reps_lead_is_not_found(client, rep, other_rep):
    customer = lead(other_rep)
    client.force_login(rep)
    assert client.get(reverse("customers:lead-screen", args=[customer.pk])).status_code == 404
