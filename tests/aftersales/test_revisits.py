"""Revisits: a quarterly revisit during the warranty and a thank-you on the signing's
anniversary, as tasks of the assigned after-sales user; two runs schedule nothing twice."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from aftersales import services, warranty
from aftersales.models import AftersalesAssignment, Revisit
from customers.models import Task
from tests.factories import ContractFactory, CustomerFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 3)


@pytest.fixture
def book(served, unserved, rep, aftersales):
    """In delivery, warranty running; completed two years ago (warranty over) but signed on
    10 December; a signed contract (not served yet); an unassigned customer's."""
    return {
        "running": ContractFactory(
            customer=served, in_delivery=True, signed_on=date(2026, 6, 1), delivery_date=None
        ),
        "anniversary": ContractFactory(
            customer=CustomerFactory(owner=rep),
            completed=True,
            signed_on=date(2024, 12, 10),
            delivery_date=date(2025, 1, 5),
            warranty="6个月",
        ),
        "signed": ContractFactory(customer=CustomerFactory(owner=rep), signed=True),
        "unassigned": ContractFactory(customer=unserved, in_delivery=True),
    }


def test_two_runs_schedule_each_revisit_once(book, aftersales):
    AftersalesAssignment.objects.create(customer=book["anniversary"].customer, user=aftersales)
    AftersalesAssignment.objects.create(customer=book["signed"].customer, user=aftersales)
    assert services.schedule_revisits(today=TODAY) == 2
    assert services.schedule_revisits(today=TODAY) == 0
    assert services.schedule_revisits(today=TODAY + timedelta(days=5)) == 0

    quarterly = Revisit.objects.get(kind=Revisit.Kind.QUARTERLY)
    assert (quarterly.customer, quarterly.period) == (book["running"].customer, "2026Q4")
    assert quarterly.due_date == TODAY + timedelta(days=14)
    thanks = Revisit.objects.get(kind=Revisit.Kind.ANNIVERSARY)
    assert (thanks.customer, thanks.period, thanks.due_date) == (
        book["anniversary"].customer,
        "2026",
        date(2026, 12, 10),
    )
    tasks = Task.objects.filter(owner=aftersales).order_by("due_date")
    assert [t.due_date for t in tasks] == [date(2026, 12, 10), date(2026, 12, 17)]
    assert Revisit.objects.filter(task__isnull=True).count() == 0


def test_the_next_quarter_brings_the_next_revisit(book):
    services.schedule_revisits(today=TODAY)
    assert services.schedule_revisits(today=date(2027, 1, 4)) == 1
    assert set(Revisit.objects.values_list("period", flat=True)) == {"2026Q4", "2027Q1"}


def test_no_revisit_after_the_warranty(book):
    # Warranty from 1 June 2026 for 12 months: nothing in the third quarter of 2027.
    assert warranty.end_of(book["running"]) == date(2027, 6, 1)
    assert services.schedule_revisits(today=date(2027, 7, 5)) == 0


def test_a_record_answers_the_revisit_and_ticks_its_task(book, aftersales, served):
    services.schedule_revisits(today=TODAY)
    revisit = Revisit.objects.get(customer=served)
    services.record_create(
        by=aftersales,
        customer=served,
        revisit=revisit,
        date=timezone.localdate(),
        method="phone",
        feedback="运行稳定",
        score=5,
    )
    revisit.refresh_from_db()
    assert revisit.is_done and revisit.record.satisfaction.score == 5
    assert Task.objects.get(pk=revisit.task_id).done_at is not None


@pytest.mark.parametrize(
    ("text", "months"),
    [("12 个月", 12), ("2年", 24), ("18 months", 18), ("", 12), ("按国家标准", 12)],
)
def test_warranty_months(text, months):
    assert warranty.months_of(text) == months
