"""What after-sales shows on other apps' pages (registered in hooks.py): the navbar item,
the customer section and timeline events, the home panels, an opportunity's origin, the
customer list's satisfaction column and filter. Each runs
a constant number of queries."""

from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Subquery
from django.forms import ChoiceField
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contracts.models import Contract
from crm_site.hooks import Action, Event, ListColumn, ListFilter, NavItem, Panel, Section
from customers.forms.fields import FastSelect
from customers.models import Customer
from opportunities.models import Source
from teams import roles
from teams.models import User

from . import selectors
from .forms import AssignForm
from .models import (
    AftersalesAssignment,
    AftersalesRecord,
    Complaint,
    ComplaintStatusChange,
    CrossSell,
    Revisit,
)
from .permissions import assigns_aftersales, can_serve, works_aftersales
from .services.satisfaction import NONE as NO_SCORE
from .services.satisfaction import Scores, annotate_list, annotate_scores, filter_by_band

TIMELINE_ROWS = 20

SEES_COMPLAINTS = roles.WORKS_AFTERSALES | roles.MANAGING_ROLES


def complaints_nav(*, user):
    if not roles.has_role(user, SEES_COMPLAINTS):
        return None
    return NavItem("aftersales:complaint-list", _("After-sales"), "headset")


def greeting(*, user):
    """What the user does in after-sales (HOME_GREETING)."""
    if not roles.has_role(user, SEES_COMPLAINTS):
        return None
    return _("Follow up customers after delivery and handle their complaints.")


def customer_section(*, customer, user):
    """Who serves the customer, its satisfaction (latest, 12-month average), open complaints
    and the revisit due, in one query (the complaints and records themselves are on the
    timeline); for whoever sees the customer: the rep and manager read, the after-sales user
    writes."""
    one = Customer.objects.filter(pk=customer.pk).order_by()
    assignment = AftersalesAssignment.objects.filter(customer=OuterRef("pk"))
    due = Revisit.objects.filter(customer=OuterRef("pk")).due().order_by("due_date", "pk")
    open_ = Complaint.objects.filter(customer=OuterRef("pk"), status__in=Complaint.OPEN_STATES)
    row = (
        annotate_scores(one)
        .annotate(
            staff_id=Subquery(assignment.values("user_id")[:1]),
            staff_username=Subquery(assignment.values("user__username")[:1]),
            staff_first=Subquery(assignment.values("user__first_name")[:1]),
            staff_last=Subquery(assignment.values("user__last_name")[:1]),
            open_complaints=Subquery(_count(open_)),
            complaint_count=Subquery(_count(Complaint.objects.filter(customer=OuterRef("pk")))),
            revisit_id=Subquery(due.values("pk")[:1]),
            revisit_due=Subquery(due.values("due_date")[:1]),
        )
        .values()
        .get()
    )
    customer._aftersales_user_id = row["staff_id"] or 0
    staff = None
    if row["staff_id"]:
        staff = User(
            username=row["staff_username"],
            first_name=row["staff_first"],
            last_name=row["staff_last"],
        )
    average = row["satisfaction_average"]
    return Section(
        "aftersales/sections/customer.html",
        column="main",
        context={
            "staff": staff,
            "scores": Scores(
                row["satisfaction_latest"],
                round(float(average), 2) if average is not None else None,
                row["satisfaction_count"],
            ),
            "open_complaints": row["open_complaints"],
            "complaints": row["complaint_count"],
            "revisit_id": row["revisit_id"],
            "revisit_due": row["revisit_due"],
            "can_serve": can_serve(user, customer),
            "assign_form": (
                AssignForm(initial={"user": row["staff_id"]}) if assigns_aftersales(user) else None
            ),
        },
    )


def _count(queryset):
    return queryset.order_by().values("customer").annotate(n=Count("pk")).values("n")[:1]


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


def opportunity_origin(*, opportunity, user):
    """On the opportunity page: the complaint, after-sales record or contract (a renewal) it
    was made from, when `user` may read it. One query, only for the sources after-sales
    uses."""
    if opportunity.source not in (Source.AFTERSALES, Source.EXISTING):
        return None
    seen = {
        "complaint_seen": Complaint.objects.visible_to(user).filter(pk=OuterRef("complaint_id")),
        "record_seen": AftersalesRecord.objects.visible_to(user).filter(pk=OuterRef("record_id")),
        "contract_seen": Contract.objects.visible_to(user).filter(pk=OuterRef("contract_id")),
    }
    origin = (
        CrossSell.objects.filter(opportunity_id=opportunity.pk)
        .select_related("complaint", "record", "contract")
        .annotate(**{name: Exists(rows) for name, rows in seen.items()})
        .first()
    )
    if origin is None:
        return None
    if origin.complaint is not None and origin.complaint_seen:
        return Action(
            origin.complaint.get_absolute_url(),
            gettext("From complaint %(number)s") % {"number": origin.complaint.number},
            "headset",
            "origin-complaint",
        )
    if origin.record is not None and origin.record_seen:
        return Action(
            reverse("aftersales:record-detail", args=[origin.record_id]),
            gettext("From after-sales record of %(date)s")
            % {"date": origin.record.date.isoformat()},
            "headset",
            "origin-record",
        )
    if origin.contract is not None and origin.contract_seen:
        return Action(
            reverse("contracts:contract-detail", args=[origin.contract_id]),
            gettext("Renewal of contract %(number)s") % {"number": origin.contract.number},
            "arrow-repeat",
            "origin-contract",
        )
    return None


# --- the customer list: a satisfaction column and filter (CUSTOMER_LIST_COLUMNS / _FILTERS) ---


def satisfaction_column(*, user):
    """The latest score and the 12-month average, beside each customer (subqueries on the
    list's rows: no query of their own)."""
    return ListColumn(
        "satisfaction",
        _("Satisfaction"),
        "aftersales/partials/satisfaction_cell.html",
        annotate=annotate_list,
    )


def satisfaction_filter(*, user):
    """The customers by their 12-month average satisfaction, or with none."""
    choices = [
        ("", _("Any satisfaction")),
        ("low", _("Unhappy (below 3)")),
        ("fair", _("Fair (3 to 4)")),
        ("good", _("Happy (4 or more)")),
        (NO_SCORE, _("No score")),
    ]
    field = ChoiceField(
        label=_("Satisfaction (12 months)"), choices=choices, required=False, widget=FastSelect
    )
    return ListFilter("satisfaction", field, filter_by_band)
