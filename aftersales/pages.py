"""What after-sales shows on other apps' pages (registered in hooks.py): the navbar item,
the customer section and timeline events, the home panels. Each runs a constant number of
queries."""

from datetime import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from crm_site.hooks import Event, NavItem, Panel, Section
from teams import roles

from . import selectors
from .forms import AssignForm
from .models import (
    AftersalesAssignment,
    AftersalesRecord,
    Complaint,
    ComplaintStatusChange,
    Revisit,
)
from .permissions import assigns_aftersales, can_serve, works_aftersales
from .services.satisfaction import scores

SECTION_ROWS = 5
TIMELINE_ROWS = 20

SEES_COMPLAINTS = roles.WORKS_AFTERSALES | roles.MANAGING_ROLES


def complaints_nav(*, user):
    if not roles.has_role(user, SEES_COMPLAINTS):
        return None
    return NavItem("aftersales:complaint-list", _("After-sales"), "headset")


def customer_section(*, customer, user):
    """Who serves the customer, its satisfaction, open complaints and recent revisits; for
    whoever sees the customer (the rep and manager read, the after-sales user writes)."""
    assignment = (
        AftersalesAssignment.objects.filter(customer=customer).select_related("user").first()
    )
    customer._aftersales_user_id = assignment.user_id if assignment else 0
    complaints = Complaint.objects.filter(customer=customer)
    records = AftersalesRecord.objects.filter(customer=customer).select_related("person")
    return Section(
        "aftersales/sections/customer.html",
        column="main",
        context={
            "assignment": assignment,
            "scores": scores([customer.pk]).get(customer.pk),
            "complaints": list(complaints.select_related("handler")[:SECTION_ROWS]),
            "open_complaints": complaints.filter(status__in=Complaint.OPEN_STATES).count(),
            "records": list(records[:SECTION_ROWS]),
            "revisits": list(
                Revisit.objects.filter(customer=customer).due().order_by("due_date", "pk")[:3]
            ),
            "can_serve": can_serve(user, customer),
            "assign_form": (
                AssignForm(initial={"user": assignment.user_id if assignment else None})
                if assigns_aftersales(user)
                else None
            ),
        },
    )


def complaint_events(*, customer, user):
    labels = dict(Complaint.Status.choices)
    rows = (
        ComplaintStatusChange.objects.filter(subject__customer=customer)
        .select_related("subject", "by")
        .order_by("-at", "-pk")[:TIMELINE_ROWS]
    )
    for change in rows:
        complaint = change.subject
        yield Event(
            when=change.at,
            kind="complaint",
            icon="exclamation-octagon",
            title=gettext("Complaint %(number)s · %(subject)s")
            % {"number": complaint.number, "subject": complaint.subject},
            body=change.reason_text,
            url=reverse("aftersales:complaint-detail", args=[complaint.pk]),
            who=change.by,
            badges=[str(labels.get(change.to_status, change.to_status))],
        )


def record_events(*, customer, user):
    rows = (
        AftersalesRecord.objects.filter(customer=customer)
        .select_related("person", "satisfaction")
        .order_by("-date", "-pk")[:TIMELINE_ROWS]
    )
    for record in rows:
        # The day of the record, at the time it was written (the timeline sorts by moment).
        when = datetime.combine(record.date, timezone.localtime(record.created_at).timetz())
        score = getattr(record, "satisfaction", None)
        badges = [str(record.get_kind_display())]
        if score is not None:
            badges.append(gettext("Satisfaction %(score)s/5") % {"score": score.score})
        yield Event(
            when=when,
            kind="aftersales_record",
            icon="headset",
            title=gettext("After-sales: %(method)s") % {"method": record.get_method_display()},
            body=record.feedback,
            url=reverse("aftersales:record-detail", args=[record.pk]),
            who=record.person,
            badges=badges,
        )


def revisits_panel(*, user):
    if not roles.has_role(user, roles.WORKS_AFTERSALES):
        return None
    rows, total = selectors.revisits_due(user)
    return Panel(
        "aftersales/panels/revisits_due.html",
        {"rows": rows, "total": total, "today": timezone.localdate()},
    )


def deadlines_panel(*, user):
    if not works_aftersales(user):
        return None
    rows, total = selectors.complaints_near_deadline(user)
    return Panel(
        "aftersales/panels/complaints_near_deadline.html",
        {"rows": rows, "total": total, "now": timezone.now()},
    )


def team_complaints_panel(*, user):
    found = selectors.team_open_complaints(user)
    if found is None:
        return None
    rows, total, breached = found
    return Panel(
        "aftersales/panels/team_complaints.html",
        {"rows": rows, "total": total, "breached": breached},
    )
