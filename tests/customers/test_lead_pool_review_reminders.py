"""The customers' rules for unscreened leads, pool reclaim warnings and the quarterly grade
review, as tables of cases at a fixed `now` (Asia/Shanghai) on the official calendar:
2026-12-02 is a Wednesday; 2026-10-01 to 10-07 is the National Day holiday, 10-10 (a Saturday)
a make-up working day. `rep` is in team A, whose manager is `manager`."""

from datetime import date
from decimal import Decimal

import pytest

from customers.models import Customer, GradeProposal, LeadScreening, ReclaimWarning
from tests.factories import CustomerFactory
from tests.notifications.helpers import at, run

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("official_calendar")]

WED = at(2026, 12, 2, 9)


def _lead(owner, entered, name="Acme"):
    lead = CustomerFactory(owner=owner, name=name, status=Customer.Status.LEAD)
    Customer.objects.filter(pk=lead.pk).update(created_at=entered)
    return lead


OWNER = "Lead not screened by {due}: Acme"
MANAGER = "A lead of {owner} not screened by {due}: Acme"


@pytest.mark.parametrize(
    ("entered", "now", "due"),
    [
        (at(2026, 11, 26, 10), WED, "2026-12-01"),  # 3 working days: Fri, Mon, Tue
        (at(2026, 11, 27, 10), WED, None),  # due today: not yet
        (at(2026, 11, 26, 10), at(2026, 12, 5, 9), None),  # a Saturday: nothing goes out
        # Entered before the holiday: Wed 9-30, then Thu 10-8 and Fri 10-9 count.
        (at(2026, 9, 29, 10), at(2026, 10, 5, 9), None),  # the holiday week
        (at(2026, 9, 29, 10), at(2026, 10, 9, 9), None),  # due that day
        (at(2026, 9, 29, 10), at(2026, 10, 10, 9), "2026-10-09"),  # the make-up Saturday
    ],
)
def test_a_lead_not_screened_in_3_working_days_goes_to_its_owner_and_manager(
    rep, manager, entered, now, due
):
    _lead(rep, entered)
    expected = []
    if due:
        expected = [
            ("manager", MANAGER.format(owner=rep, due=due)),
            ("rep", OWNER.format(due=due)),
        ]
    assert run("customers.leads_unscreened", now) == expected
    assert run("customers.leads_unscreened", now) == []  # once


def test_a_screened_lead_a_customer_or_a_lead_without_owner_is_not_reminded(rep, manager):
    screened = _lead(rep, at(2026, 11, 20, 10))
    LeadScreening.objects.create(
        customer=screened,
        industry_fit=3,
        size=3,
        budget=3,
        decision_chain=3,
        score=60,
        decision=LeadScreening.Decision.QUALIFIED,
        by=rep,
    )
    prospect = _lead(rep, at(2026, 11, 20, 10), name="Prospect")
    Customer.objects.filter(pk=prospect.pk).update(status=Customer.Status.PROSPECT)
    pooled = _lead(rep, at(2026, 11, 20, 10), name="Pooled")
    Customer.objects.filter(pk=pooled.pk).update(owner=None)
    assert run("customers.leads_unscreened", WED) == []


def test_a_deactivated_owners_lead_goes_to_their_manager(rep, manager):
    _lead(rep, at(2026, 11, 26, 10))
    rep.is_active = False
    rep.save()
    sent = run("customers.leads_unscreened", WED)
    assert {username for username, _title in sent} == {"manager"}
    assert len(sent) == 2  # the owner's reminder and the manager's own


# --- reclaim warnings ---------------------------------------------------------------------------


def _warned(owner, reclaim_on):
    customer = CustomerFactory(owner=owner, name="Acme")
    ReclaimWarning.objects.create(customer=customer, owner=owner, reclaim_on=reclaim_on)
    return customer


@pytest.mark.parametrize(
    ("now", "reclaim_on", "sent"),
    [
        (WED, date(2026, 12, 5), True),
        (WED, date(2026, 12, 2), True),  # today: not reclaimed yet at 08:40
        (WED, date(2026, 12, 1), False),  # past: reclaimed already (or kept by a follow-up)
        # The reclaim counts calendar days and does not stop for a holiday: neither does this.
        (at(2026, 10, 3, 9), date(2026, 10, 5), True),
    ],
)
def test_a_customer_about_to_be_reclaimed_warns_its_owner(rep, now, reclaim_on, sent):
    _warned(rep, reclaim_on)
    title = f"Goes back to the pool on {reclaim_on.isoformat()} unless you follow up: Acme"
    assert run("customers.reclaim_warnings", now) == ([("rep", title)] if sent else [])
    assert run("customers.reclaim_warnings", now) == []


def test_a_warning_is_not_sent_once_the_customer_changed_hands_or_is_in_a_pool(
    rep, other_rep, manager
):
    handed = _warned(rep, date(2026, 12, 5))
    Customer.objects.filter(pk=handed.pk).update(owner=other_rep)
    pooled = _warned(rep, date(2026, 12, 5))
    Customer.objects.filter(pk=pooled.pk).update(owner=None)
    assert run("customers.reclaim_warnings", WED) == []


def test_a_deactivated_owners_warning_goes_to_their_manager(rep, manager):
    _warned(rep, date(2026, 12, 5))
    rep.is_active = False
    rep.save()
    assert [u for u, _t in run("customers.reclaim_warnings", WED)] == ["manager"]


# --- the quarterly grade review -----------------------------------------------------------------

REVIEW = "Quarterly grade review {period}: {count} proposals wait for your decision"


def _proposal(owner, period="2026Q3", status=GradeProposal.Status.PENDING):
    return GradeProposal.objects.create(
        customer=CustomerFactory(owner=owner),
        period=period,
        current_grade="C",
        proposed_grade="B",
        basis_amount=Decimal("30"),
        status=status,
    )


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (WED, [("manager", REVIEW.format(period="2026Q3", count=2))]),
        (at(2026, 12, 5, 9), []),  # a Saturday
        (at(2026, 10, 3, 9), []),  # the review ran on 10-01, in the holiday week
        (at(2026, 10, 8, 9), [("manager", REVIEW.format(period="2026Q3", count=2))]),
    ],
)
def test_pending_grade_review_proposals_go_to_the_manager_once(
    rep, manager, other_rep, now, expected
):
    _proposal(rep)
    _proposal(manager)  # the manager's own customer: their manager decides (nobody here)
    _proposal(rep)
    _proposal(rep, status=GradeProposal.Status.CONFIRMED)
    assert run("customers.grade_review_ready", now) == expected
    assert run("customers.grade_review_ready", now) == []
    _proposal(rep)  # a late proposal of the same quarter: no second notification
    assert run("customers.grade_review_ready", now) == []


def test_a_new_quarter_sends_again(rep, manager):
    _proposal(rep, period="2026Q3")
    assert len(run("customers.grade_review_ready", WED)) == 1
    _proposal(rep, period="2026Q4")
    assert run("customers.grade_review_ready", WED) == [
        ("manager", REVIEW.format(period="2026Q4", count=1))
    ]
