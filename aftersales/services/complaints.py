"""A complaint's life: logged (its deadlines from the severity), acknowledged, worked on,
resolved (with what was done and how the customer was told), closed (with the customer's
satisfaction when they gave one), reopened within 30 days; breaches flagged and escalated to
the handler's manager. Each move locks the row and goes through Complaint.TRANSITIONS."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from crm_site.transitions import change_status
from customers.models import Customer
from notifications.kinds import Kind
from notifications.services import notify
from teams import roles

from .. import sla
from ..errors import AftersalesError
from ..models import Complaint
from ..permissions import can_handle, can_serve
from .satisfaction import satisfaction_record

Status = Complaint.Status


def _lock(complaint, by):
    complaint = (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("customer", "handler__team__manager")
        .get(pk=complaint.pk)
    )
    if not can_handle(by, complaint):
        raise PermissionDenied
    return complaint


def _flag(complaint, now):
    """Store the breaches at `now`; True when a new one appeared."""
    response, resolution = sla.breaches(complaint, now)
    new = (response and not complaint.response_breached) or (
        resolution and not complaint.resolution_breached
    )
    complaint.response_breached |= response
    complaint.resolution_breached |= resolution
    return new


def _escalate(complaint, now):
    """The handler's manager (their team's) takes notice, and is notified in the same
    transaction; nobody above when none is set. Once per complaint."""
    manager = complaint.handler.team.manager if complaint.handler.team_id else None
    if complaint.escalated_at is None and manager is not None and manager.is_active:
        complaint.escalated_to, complaint.escalated_at = manager, now
        notify(
            recipient=manager,
            kind=Kind.COMPLAINT_ESCALATED,
            key=f"aftersales.complaint_escalated/{complaint.pk}/{manager.pk}",
            title=gettext_noop("Complaint %(number)s escalated to you: %(subject)s"),
            body=gettext_noop("Customer %(customer)s, handled by %(handler)s."),
            args={
                "number": complaint.number,
                "subject": complaint.subject,
                "customer": complaint.customer.name,
                "handler": complaint.handler.display_name,
            },
            target=complaint,
        )
        return True
    return False


@transaction.atomic
def complaint_create(
    *,
    by,
    customer,
    subject,
    description,
    channel,
    category,
    severity,
    received_at=None,
    handler=None,
    contract=None,
):
    """Log a complaint about `customer` (one `by` serves); the handler defaults to `by`."""
    customer = Customer.objects.get(pk=customer.pk)
    if not can_serve(by, customer):
        raise PermissionDenied
    handler = handler or by
    if not handler.is_active or handler.role not in roles.WORKS_AFTERSALES | roles.ADMIN_ROLES:
        raise AftersalesError(_("The handler must be an active after-sales user."))
    if contract is not None and contract.customer_id != customer.pk:
        raise AftersalesError(_("The contract belongs to another customer."))
    now = timezone.now()
    received_at = received_at or now
    if received_at > now:
        raise AftersalesError(_("A complaint cannot be received in the future."))
    respond_by, resolve_by = sla.deadlines(received_at, severity)
    complaint = Complaint(
        customer=customer,
        contract=contract,
        subject=subject,
        description=description,
        channel=channel,
        category=category,
        severity=severity,
        received_at=received_at,
        handler=handler,
        respond_by=respond_by,
        resolve_by=resolve_by,
        created_by=by,
    )
    complaint.full_clean()
    breached = _flag(complaint, now)
    complaint.save()
    if breached and _escalate(complaint, now):  # logged after its reply deadline already
        complaint.save(update_fields=["escalated_to", "escalated_at"])
    complaint.status_changes.create(from_status="", to_status=Status.NEW, by=by)
    return complaint


def _move(complaint, new, *, by, reason="", also=(), now=None):
    now = now or timezone.now()
    escalated = _flag(complaint, now) and _escalate(complaint, now)
    fields = ["response_breached", "resolution_breached", *also]
    if escalated:
        fields += ["escalated_to", "escalated_at"]
    change_status(complaint, new, by=by, reason=reason, also=fields)
    return complaint


@transaction.atomic
def complaint_acknowledge(*, by, complaint):
    """The customer heard back: the reply deadline is met (or missed) now."""
    complaint = _lock(complaint, by)
    Complaint.TRANSITIONS.check(complaint.status, Status.ACKNOWLEDGED, labels=dict(Status.choices))
    complaint.acknowledged_at = timezone.now()
    return _move(complaint, Status.ACKNOWLEDGED, by=by, also=["acknowledged_at"])


@transaction.atomic
def complaint_start(*, by, complaint):
    complaint = _lock(complaint, by)
    return _move(complaint, Status.IN_PROGRESS, by=by)


@transaction.atomic
def complaint_resolve(*, by, complaint, resolution, told_how, told_at):
    """What was done, and how and when the customer was told of it."""
    complaint = _lock(complaint, by)
    Complaint.TRANSITIONS.check(complaint.status, Status.RESOLVED, labels=dict(Status.choices))
    errors = []
    if not (resolution or "").strip():
        errors.append(_("Say how the complaint was resolved."))
    if told_how not in Complaint.Channel.values or told_at is None:
        errors.append(_("Say how and when the customer was told of the result."))
    elif told_at > timezone.now():
        errors.append(_("The customer cannot have been told in the future."))
    if errors:
        raise AftersalesError(" ".join(errors))
    complaint.resolution, complaint.told_how, complaint.told_at = resolution, told_how, told_at
    complaint.resolved_at = timezone.now()
    return _move(
        complaint,
        Status.RESOLVED,
        by=by,
        also=["resolution", "told_how", "told_at", "resolved_at"],
    )


@transaction.atomic
def complaint_close(*, by, complaint, score=None, comment=""):
    """Close a resolved complaint, with the customer's satisfaction when they gave one. A
    complaint without a resolution cannot close (it must be resolved first)."""
    complaint = _lock(complaint, by)
    if not complaint.resolution.strip():
        Complaint.TRANSITIONS.check(complaint.status, Status.CLOSED, labels=dict(Status.choices))
        raise AftersalesError(_("A complaint closes only once it has a resolution."))
    now = timezone.now()
    complaint.closed_at = now
    _move(complaint, Status.CLOSED, by=by, also=["closed_at"], now=now)
    if score is not None:
        satisfaction_record(
            by=by, customer=complaint.customer, score=score, comment=comment, complaint=complaint
        )
    return complaint


@transaction.atomic
def complaint_reopen(*, by, complaint, reason):
    """Back to in progress: a resolution the customer does not accept, or a closed complaint
    within REOPEN_DAYS days of closing. The resolution deadline stays (a breach is counted)."""
    complaint = _lock(complaint, by)
    if not (reason or "").strip():
        raise AftersalesError(_("Say why the complaint is reopened."))
    if complaint.is_closed and not complaint.can_reopen:
        raise AftersalesError(
            _("A complaint can be reopened within %(days)s days of closing.")
            % {"days": Complaint.REOPEN_DAYS}
        )
    complaint.resolved_at = complaint.closed_at = None
    return _move(
        complaint, Status.IN_PROGRESS, by=by, reason=reason, also=["resolved_at", "closed_at"]
    )


@transaction.atomic
def complaint_escalate(*, by, complaint):
    """Escalate by hand to the handler's manager."""
    complaint = _lock(complaint, by)
    if not _escalate(complaint, timezone.now()):
        raise AftersalesError(_("Already escalated, or the handler's team has no manager."))
    complaint.save(update_fields=["escalated_to", "escalated_at"])
    return complaint


def flag_breaches(*, now=None):
    """The beat task's pass: flag the open complaints past a deadline and escalate them.
    Idempotent (a flagged complaint is not read again). Returns how many it flagged."""
    now = now or timezone.now()
    candidates = Complaint.objects.open().filter(
        Q(respond_by__lt=now, acknowledged_at__isnull=True, response_breached=False)
        | Q(resolve_by__lt=now, resolution_breached=False)
    )
    flagged = 0
    for pk in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            complaint = (
                Complaint.objects.select_for_update(of=("self",))
                .select_related("customer", "handler__team__manager")
                .get(pk=pk)
            )
            if _flag(complaint, now):
                _escalate(complaint, now)
                complaint.save(
                    update_fields=[
                        "response_breached",
                        "resolution_breached",
                        "escalated_to",
                        "escalated_at",
                    ]
                )
                flagged += 1
    return flagged
