"""A complaint's life: deadlines from its severity, new → acknowledged → in progress →
resolved → closed, reopened within 30 days, breaches flagged and escalated to the handler's
manager; bad moves say why and change nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from aftersales import services
from aftersales.errors import AftersalesError
from aftersales.models import Complaint, Satisfaction
from crm_site.transitions import InvalidTransition
from teams.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

S = Complaint.Status


def log(by, customer, severity=Complaint.Severity.CRITICAL, **extra):
    return services.complaint_create(
        by=by,
        customer=customer,
        subject="系统宕机",
        description="生产线系统无法登录",
        channel=Complaint.Channel.HOTLINE,
        category=Complaint.Category.PRODUCT,
        severity=severity,
        **extra,
    )


def resolve(by, complaint):
    return services.complaint_resolve(
        by=by,
        complaint=complaint,
        resolution="重启服务并修复配置",
        told_how=Complaint.Channel.PHONE,
        told_at=timezone.now(),
    )


def test_the_whole_way_to_closed_with_satisfaction(aftersales, served):
    complaint = log(aftersales, served)
    assert complaint.status == S.NEW and complaint.handler == aftersales
    assert complaint.respond_by == complaint.received_at + timedelta(hours=4)
    services.complaint_acknowledge(by=aftersales, complaint=complaint)
    services.complaint_start(by=aftersales, complaint=complaint)
    resolve(aftersales, complaint)
    services.complaint_close(by=aftersales, complaint=complaint, score=4, comment="响应及时")
    complaint.refresh_from_db()
    assert complaint.status == S.CLOSED and complaint.closed_at
    assert [c.to_status for c in complaint.status_changes.order_by("pk")] == [
        S.NEW,
        S.ACKNOWLEDGED,
        S.IN_PROGRESS,
        S.RESOLVED,
        S.CLOSED,
    ]
    assert Satisfaction.objects.get(complaint=complaint).score == 4
    assert not complaint.is_breached


def test_new_cannot_jump_to_closed_without_a_resolution(aftersales, served):
    complaint = log(aftersales, served)
    with pytest.raises(InvalidTransition, match="cannot change"):
        services.complaint_close(by=aftersales, complaint=complaint, score=5)
    complaint.refresh_from_db()
    assert complaint.status == S.NEW and complaint.closed_at is None
    assert not Satisfaction.objects.exists()


def test_a_resolution_needs_its_text_and_how_the_customer_was_told(aftersales, served):
    complaint = log(aftersales, served)
    services.complaint_acknowledge(by=aftersales, complaint=complaint)
    services.complaint_start(by=aftersales, complaint=complaint)
    with pytest.raises(AftersalesError, match="how the complaint was resolved"):
        services.complaint_resolve(
            by=aftersales, complaint=complaint, resolution=" ", told_how="", told_at=None
        )
    complaint.refresh_from_db()
    assert complaint.status == S.IN_PROGRESS and complaint.resolution == ""


def test_a_satisfaction_outside_1_to_5_closes_nothing(aftersales, served):
    complaint = log(aftersales, served)
    services.complaint_acknowledge(by=aftersales, complaint=complaint)
    services.complaint_start(by=aftersales, complaint=complaint)
    resolve(aftersales, complaint)
    with pytest.raises(AftersalesError, match="from 1 to 5"):
        services.complaint_close(by=aftersales, complaint=complaint, score=6)
    complaint.refresh_from_db()
    assert complaint.status == S.RESOLVED
    assert not Satisfaction.objects.exists()


def test_reopen_within_30_days_of_closing_and_not_after(aftersales, served):
    complaint = log(aftersales, served)
    services.complaint_acknowledge(by=aftersales, complaint=complaint)
    services.complaint_start(by=aftersales, complaint=complaint)
    resolve(aftersales, complaint)
    services.complaint_close(by=aftersales, complaint=complaint)
    services.complaint_reopen(by=aftersales, complaint=complaint, reason="问题复现")
    complaint.refresh_from_db()
    assert complaint.status == S.IN_PROGRESS and complaint.closed_at is None

    resolve(aftersales, complaint)
    services.complaint_close(by=aftersales, complaint=complaint)
    Complaint.objects.filter(pk=complaint.pk).update(closed_at=timezone.now() - timedelta(days=31))
    complaint.refresh_from_db()
    with pytest.raises(AftersalesError, match="within 30 days"):
        services.complaint_reopen(by=aftersales, complaint=complaint, reason="又坏了")
    complaint.refresh_from_db()
    assert complaint.status == S.CLOSED


def test_breaches_are_flagged_counted_and_escalated_to_the_handler_s_manager(served, org):
    lead = UserFactory(role=Role.SALES_MANAGER, team=org["company"])
    org["company"].manager = lead
    org["company"].save()
    handler = UserFactory(role=Role.AFTERSALES, team=org["company"])
    served.aftersales_assignment.user = handler
    served.aftersales_assignment.save()
    complaint = log(handler, served, received_at=timezone.now() - timedelta(hours=5))
    assert complaint.response_breached  # 4 h for a critical one
    fresh = log(handler, served, severity=Complaint.Severity.LOW)

    later = timezone.now() + timedelta(days=30)
    assert services.flag_breaches(now=later) == 2
    assert services.flag_breaches(now=later) == 0  # flagged once
    complaint.refresh_from_db()
    fresh.refresh_from_db()
    assert complaint.resolution_breached and complaint.escalated_to == lead
    assert fresh.response_breached and fresh.resolution_breached
    assert Complaint.objects.filter(resolution_breached=True).count() == 2


def test_a_late_reply_is_flagged_when_acknowledged(aftersales, served):
    complaint = log(aftersales, served, received_at=timezone.now() - timedelta(hours=3))
    assert not complaint.response_breached
    Complaint.objects.filter(pk=complaint.pk).update(
        respond_by=timezone.now() - timedelta(minutes=1)
    )
    complaint.refresh_from_db()
    services.complaint_acknowledge(by=aftersales, complaint=complaint)
    complaint.refresh_from_db()
    assert complaint.response_breached and not complaint.resolution_breached


def test_the_rep_cannot_move_a_complaint_about_their_customer(aftersales, served, rep, manager):
    complaint = log(aftersales, served)
    for user in (rep, manager):
        with pytest.raises(PermissionDenied):
            services.complaint_acknowledge(by=user, complaint=complaint)
    with pytest.raises(PermissionDenied):
        log(rep, served)


def test_an_unassigned_after_sales_user_cannot_log_one(org, served):
    stranger = UserFactory(role=Role.AFTERSALES, team=org["company"])
    with pytest.raises(PermissionDenied):
        log(stranger, served)
    assert not Complaint.objects.exists()
