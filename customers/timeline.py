"""One timeline of everything that happened with a customer, newest first.

Each app adds its events through a CUSTOMER_TIMELINE hook (crm_site/hooks.py), `fn(*,
customer, user) -> iterable of Event`, which runs a constant number of queries (no query per
event); `customers` never imports them. Its own providers below are registered in hooks.py.

The customer page shows the newest PAGE events and, on "Show older events", up to
MAX_EVENTS. While a page is built `wanted()` says how many it shows: no provider needs to
read more rows than that (a customer with 200 follow-ups reads 21, not 100).
"""

from contextvars import ContextVar
from datetime import datetime

from django.db.models import F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from crm_site import hooks
from crm_site.hooks import Event
from teams.history import reason_text

from .models import Customer, CustomerShare, Grade

PAGE = 20
MAX_EVENTS = 100
_wanted = ContextVar("timeline_wanted", default=MAX_EVENTS)


def wanted():
    """How many events the page being built shows (a provider may return fewer rows)."""
    return _wanted.get()


def events_for(customer, user, limit=MAX_EVENTS):
    """The newest `limit` events of every provider, newest first."""
    token = _wanted.set(limit)
    try:
        events = []
        for provider in hooks.get(hooks.CUSTOMER_TIMELINE):
            events.extend(provider(customer=customer, user=user))
    finally:
        _wanted.reset(token)
    events.sort(key=lambda e: e.when, reverse=True)
    return events[:limit]


def _aware(value):
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    return timezone.make_aware(datetime.combine(value, datetime.min.time()))


# What a follow-up's event shows (never its feedback, goal or next action).
FOLLOWUP_COLUMNS = (
    "customer",
    "method",
    "executive",
    "occurred_at",
    "is_late",
    "summary",
    "latitude",
    "longitude",
    "location_accuracy",
    "author",
    "contact",
)
PERSON = ("author__username", "author__first_name", "author__last_name")


def followups(*, customer, user):
    rows = customer.followups.select_related("author", "contact").only(
        *FOLLOWUP_COLUMNS, *PERSON, "contact__name"
    )
    for f in rows[: wanted()]:
        badges = [str(_("late"))] if f.is_late else []
        if f.executive:
            badges.append(str(_("executive")))
        if f.has_location:  # 外勤签到: the coordinates are on the follow-up's page
            badges.append(
                gettext("checked in ±%(accuracy)s m") % {"accuracy": f.location_accuracy}
                if f.location_accuracy is not None
                else gettext("checked in")
            )
        yield Event(
            when=f.occurred_at,
            kind="followup",
            icon="chat-dots" if f.method != "visit" else "geo-alt",
            title=f"{f.get_method_display()}" + (f" · {f.contact.name}" if f.contact else ""),
            body=f.summary,
            url=reverse("customers:followup-detail", args=[f.pk]),
            who=f.author,
            badges=badges,
        )


def grade_changes(*, customer, user):
    changes = customer.grade_changes.exclude(from_grade=F("to_grade"))  # confirmations: below
    for change in changes.select_related("changed_by")[: min(wanted(), 50)]:
        yield Event(
            when=change.changed_at,
            kind="grade",
            icon="award",
            title=_("Grade %(old)s → %(new)s")
            % {"old": change.from_grade or "—", "new": change.to_grade},
            body=change.reason_text,
            who=change.changed_by,
        )


def status_changes(*, customer, user):
    labels = dict(customer.Status.choices)
    for change in customer.status_changes.select_related("by")[:50]:
        yield Event(
            when=change.at,
            kind="status",
            icon="signpost-split",
            title=_("Status %(old)s → %(new)s")
            % {
                "old": labels.get(change.from_status, change.from_status or "—"),
                "new": labels.get(change.to_status, change.to_status),
            },
            body="\n".join(
                str(part) for part in (change.get_reason_code_display(), change.reason_text) if part
            ),
            who=change.by,
        )


def surveys(*, customer, user):
    for survey in customer.surveys.select_related("surveyor")[: min(wanted(), 50)]:
        yield Event(
            when=_aware(survey.survey_date),
            kind="survey",
            icon="clipboard-check",
            title=_("Needs survey with %(name)s") % {"name": survey.respondent},
            body=survey.pain_points,
            url=reverse("customers:survey-detail", args=[survey.pk]),
            who=survey.surveyor,
        )


def merges_and_handovers(*, customer, user):
    for merge in customer.merges.select_related("by")[: min(wanted(), 20)]:
        moved = hooks.listed(merge.moves)
        yield Event(
            when=merge.at,
            kind="merge",
            icon="union",
            title=_("Merged with %(name)s") % {"name": merge.merged_name},
            body=_("Moved here: %(what)s") % {"what": moved} if moved else "",
            who=merge.by,
        )
    for handover in customer.handovers.select_related("by", "from_user", "to_user")[
        : min(wanted(), 20)
    ]:
        moved = hooks.listed(handover.moves)
        moved = _("Moved with the customers: %(what)s") % {"what": moved} if moved else ""
        yield Event(
            when=handover.at,
            kind="handover",
            icon="arrow-left-right",
            title=_("Handed over from %(old)s to %(new)s")
            % {"old": handover.from_user, "new": handover.to_user},
            body="\n".join(part for part in (handover.note, moved) if part),
            who=handover.by,
        )


def creation_and_second_check(*, customer, user):
    """When the customer was entered, and each confirmation of its A grade (二次核对): an
    edit-history row that is still A and no longer waits, right after one that waited (read
    from the fields, never from the reason's text)."""
    history = customer.history.model
    before = history.objects.filter(
        id=OuterRef("id"), history_date__lt=OuterRef("history_date")
    ).order_by("-history_date", "-history_id")
    confirmed = Q(
        history_type="~",
        grade=Grade.A,
        second_check=Customer.SecondCheck.CONFIRMED,
        waited=Customer.SecondCheck.PENDING,
    )
    rows = (
        customer.history.annotate(waited=Subquery(before.values("second_check")[:1]))
        .filter(Q(history_type="+") | confirmed)
        .select_related("history_user")
        .order_by("-history_date")[: min(wanted(), 20)]
    )
    for row in rows:
        created = row.history_type == "+"
        yield Event(
            when=row.history_date,
            kind="created" if created else "second_check",
            icon="plus-circle" if created else "patch-check",
            title=_("Customer entered") if created else _("Grade A confirmed (second check)"),
            # On the entry: why it was entered as it was, e.g. past a near duplicate.
            body=reason_text(row.history_change_reason) if created else "",
            who=row.history_user,
        )


def sharing(*, customer, user):
    """Who was given, changed or lost access to the customer (协作人)."""
    rows = (
        CustomerShare.history.filter(customer_id=customer.pk)
        .select_related("history_user", "user")
        .order_by("-history_date")[: min(wanted(), 30)]
    )
    for row in rows:
        name = row.user.display_name if row.user else "—"
        access = _("can edit") if row.can_edit else _("read only")
        if row.history_type == "+":
            title = _("Shared with %(name)s (%(access)s)") % {"name": name, "access": access}
        elif row.history_type == "~":
            title = _("Access of %(name)s changed to %(access)s") % {"name": name, "access": access}
        else:
            title = _("No longer shared with %(name)s") % {"name": name}
        yield Event(
            when=row.history_date, kind="share", icon="people", title=title, who=row.history_user
        )
