"""An escalation to the handler's manager notifies them (kind `complaint_escalated`), once per
complaint, whether the beat flagged a breach or the handler escalated by hand; the manager
then reads the complaint even when its customer is outside their own reach."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from aftersales import services
from aftersales.models import Complaint
from notifications.kinds import Kind
from notifications.models import Notification
from teams.roles import Role
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def service_lead(org, served):
    """The manager of an after-sales team of its own, outside the sales teams' tree, and
    the team's member who serves `served`."""
    team = TeamFactory(name="售后部", parent=None)
    lead = UserFactory(username="service_lead", role=Role.SALES_MANAGER, team=team)
    team.manager = lead
    team.save()
    handler = UserFactory(username="handler", role=Role.AFTERSALES, team=team)
    served.aftersales_assignment.user = handler
    served.aftersales_assignment.save()
    return lead, handler


def log(by, customer, **extra):
    return services.complaint_create(
        by=by,
        customer=customer,
        subject="系统宕机",
        description="生产线系统无法登录",
        channel=Complaint.Channel.HOTLINE,
        category=Complaint.Category.PRODUCT,
        severity=Complaint.Severity.CRITICAL,
        **extra,
    )


def test_a_breach_flagged_by_the_beat_notifies_the_manager_once(service_lead, served):
    lead, handler = service_lead
    complaint = log(handler, served)
    later = timezone.now() + timedelta(days=3)
    assert services.flag_breaches(now=later) == 1
    assert services.flag_breaches(now=later) == 0
    notification = Notification.objects.get(recipient=lead)
    assert notification.kind == Kind.COMPLAINT_ESCALATED
    assert complaint.number in notification.text_title
    assert notification.url == complaint.get_absolute_url()
    assert Notification.objects.count() == 1


def test_escalating_by_hand_notifies_and_the_manager_reads_the_complaint(
    client, service_lead, served
):
    lead, handler = service_lead
    complaint = log(handler, served)
    client.force_login(lead)
    detail = reverse("aftersales:complaint-detail", args=[complaint.pk])
    assert client.get(detail).status_code == 404  # not theirs before the escalation

    client.force_login(handler)
    url = reverse("aftersales:complaint-move", args=[complaint.pk])
    assert client.post(url, {"action": "escalate"}).status_code == 302
    client.post(url, {"action": "escalate"})  # a second time: refused, no second notice
    assert Notification.objects.filter(recipient=lead, kind=Kind.COMPLAINT_ESCALATED).count() == 1

    client.force_login(lead)
    assert client.get(detail).status_code == 200
    notification = Notification.objects.get(recipient=lead)
    opened = client.get(reverse("notifications:notification-open", args=[notification.pk]))
    assert opened.status_code == 302 and opened.url == detail


def test_a_late_acknowledgement_escalates_and_notifies(service_lead, served):
    lead, handler = service_lead
    complaint = log(handler, served, received_at=timezone.now() - timedelta(hours=3))
    assert not Notification.objects.exists()
    Complaint.objects.filter(pk=complaint.pk).update(
        respond_by=timezone.now() - timedelta(minutes=1)
    )
    services.complaint_acknowledge(by=handler, complaint=complaint)
    complaint.refresh_from_db()
    assert complaint.escalated_to == lead
    assert Notification.objects.filter(recipient=lead).count() == 1


def test_a_complaint_logged_past_its_reply_deadline_escalates_at_once(service_lead, served):
    lead, handler = service_lead
    complaint = log(handler, served, received_at=timezone.now() - timedelta(hours=5))
    complaint.refresh_from_db()
    assert complaint.response_breached and complaint.escalated_to == lead
    assert Notification.objects.filter(recipient=lead).count() == 1


def test_no_manager_no_notification(aftersales, served):
    complaint = log(aftersales, served)
    services.flag_breaches(now=timezone.now() + timedelta(days=3))
    complaint.refresh_from_db()
    assert complaint.escalated_to is None
    assert not Notification.objects.exists()
