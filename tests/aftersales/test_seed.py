"""Demo and volume data: the demo has complaints at every status, one past its deadline,
revisits and records with satisfaction, once however often it runs; the volume data writes
complaints in bulk with deadlines and breaches as the services would."""

import io

import pytest
from django.core.management import call_command

from aftersales import volume
from aftersales.models import AftersalesAssignment, AftersalesRecord, Complaint, Revisit
from teams.roles import Role
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_the_demo_has_every_status_and_a_breach_once(official_calendar):
    call_command("seed_demo", stdout=io.StringIO())
    statuses = set(Complaint.objects.values_list("status", flat=True))
    assert statuses == set(Complaint.Status.values)
    assert Complaint.objects.filter(response_breached=True).exists()
    assert Revisit.objects.exists() and AftersalesRecord.objects.exists()
    counts = (Complaint.objects.count(), Revisit.objects.count(), AftersalesRecord.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (
        Complaint.objects.count(),
        Revisit.objects.count(),
        AftersalesRecord.objects.count(),
    ) == counts


def test_volume_complaints(rep):
    for _ in range(5):
        CustomerFactory(owner=rep)
    assert volume.write(40, log=lambda _line: None) == 40
    assert Complaint.objects.count() == 40
    assert AftersalesAssignment.objects.count() == 5
    for complaint in Complaint.objects.all():
        assert complaint.respond_by > complaint.received_at
        assert complaint.resolve_by > complaint.received_at
        assert complaint.handler.role == Role.AFTERSALES
    assert set(Complaint.objects.values_list("status", flat=True)) <= set(Complaint.Status.values)


def test_volume_scores_closed_complaints_once(rep):
    from aftersales.models import Satisfaction

    for _ in range(5):
        CustomerFactory(owner=rep)
    volume.write(60, log=lambda _line: None)
    scored = volume.write_scores(log=lambda _line: None)
    closed = Complaint.objects.filter(status=Complaint.Status.CLOSED).count()
    assert 0 < scored <= closed
    assert Satisfaction.objects.count() == scored
    assert not Satisfaction.objects.exclude(complaint__status=Complaint.Status.CLOSED).exists()
    assert set(Satisfaction.objects.values_list("score", flat=True)) <= {1, 2, 3, 4, 5}
    assert volume.write_scores(log=lambda _line: None) == 0  # once
