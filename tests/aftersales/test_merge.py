"""A customer merge moves the after-sales rows to the kept customer (nothing is left pointing
at the merged one, or the merge would refuse), and the kept customer's assignment wins."""

import pytest
from django.utils import timezone

from aftersales import services
from aftersales.hooks import (
    move_assignment,
    move_complaints,
    move_records,
    move_revisits,
    move_scores,
)
from aftersales.models import AftersalesAssignment, Complaint, Revisit
from customers.moves import left_behind
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_merge_moves_everything(aftersales, served, rep, org):
    keep = CustomerFactory(owner=rep)
    record = services.record_create(
        by=aftersales,
        customer=served,
        date=timezone.localdate(),
        method="phone",
        feedback="a",
        score=4,
    )
    services.complaint_create(
        by=aftersales,
        customer=served,
        subject="s",
        description="d",
        channel="phone",
        category="other",
        severity="low",
    )
    Revisit.objects.create(
        customer=served,
        kind=Revisit.Kind.QUARTERLY,
        period="2026Q4",
        due_date=timezone.localdate(),
        assignee=aftersales,
    )
    for fn in (move_records, move_complaints, move_scores, move_revisits, move_assignment):
        dry = fn(keep=keep, merge=served, by=rep, dry_run=True)
        assert dry is None or dry.count == 1
        fn(keep=keep, merge=served, by=rep, dry_run=False)
    assert left_behind(served) is None
    record.refresh_from_db()
    assert record.customer == keep and Complaint.objects.get().customer == keep
    assert AftersalesAssignment.objects.get().customer == keep
