"""`python manage.py grade_review [--as-of YYYY-MM-DD]`: the quarterly review by hand."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from customers import grading
from customers.models import GradeProposal
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("grade_review", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def customers(rep):
    return [
        CustomerFactory(owner=rep, grade="C", annual_purchase_estimate=Decimal("150")),
        CustomerFactory(owner=rep, grade="A", annual_purchase_estimate=Decimal("30")),
        CustomerFactory(owner=rep, grade="B", annual_purchase_estimate=Decimal("30")),
    ]


def test_it_proposes_and_says_how_many(customers):
    assert "Grade review 2026Q1 (as of 2026-03-31): 2 proposals made." in run(
        "--as-of", "2026-03-31"
    )
    assert {(p.customer_id, p.proposed_grade) for p in GradeProposal.objects.all()} == {
        (customers[0].pk, "A"),
        (customers[1].pk, "B"),
    }


def test_a_second_run_for_the_same_quarter_makes_none(customers):
    run("--as-of", "2026-03-31")
    assert "0 proposals made." in run("--as-of", "2026-02-01")
    assert GradeProposal.objects.count() == 2


def test_one_proposal_is_singular(rep):
    CustomerFactory(owner=rep, grade="C", annual_purchase_estimate=Decimal("25"))
    assert ": 1 proposal made." in run("--as-of", "2026-03-31")


def test_by_default_it_reviews_the_quarter_that_just_ended(customers):
    quarter_end = grading.last_quarter_end(timezone.localdate())
    output = run()
    assert f"Grade review {grading.quarter_label(quarter_end)} (as of {quarter_end:%Y-%m-%d})" in (
        output
    )
    assert set(GradeProposal.objects.values_list("period", flat=True)) == {
        grading.quarter_label(quarter_end)
    }


def test_a_bad_date_is_refused(customers):
    with pytest.raises(CommandError, match="--as-of must be a date like 2026-03-31"):
        run("--as-of", "31/03/2026")
    assert not GradeProposal.objects.exists()
