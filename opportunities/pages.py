"""What opportunities shows on other apps' pages through crm_site/hooks.py (registered in
hooks.py): the navbar, the customer page's section and timeline, the home page's panels.
Each runs a constant number of queries whatever the number of rows."""

from datetime import date

from django.db.models import Case, IntegerField, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from crm_site.hooks import Event, NavItem, Panel, Section
from teams import roles

from .models import (
    Opportunity,
    Quote,
    QuoteStatusChange,
    SkipRequestStatusChange,
    StageChange,
    StageSkipRequest,
)
from .permissions import can_create_opportunity, works_with_opportunities
from .querysets import customer_opportunity_ids
from .selectors import review_queue

PANEL_ROWS = 8
# A queue's badge counts up to here and then reads "99+": counting 1,000 waiting quotes
# costs a scan the panel does not need.
PANEL_COUNT_CAP = 99
SECTION_ROWS = 20
TIMELINE_ROWS = 50


# --- navbar ----------------------------------------------------------------------------------


def pipeline_nav(*, user):
    if not works_with_opportunities(user):
        return None
    return NavItem("opportunities:opportunity-list", _("Pipeline"), "funnel")


def greeting(*, user):
    """What the user does with deals (HOME_GREETING)."""
    if not works_with_opportunities(user):
        return None
    return _("Move your deals through the pipeline and quote them.")


# --- the customer page -------------------------------------------------------------------------


def customer_opportunities(*, customer, user):
    """The customer's opportunities the user sees, open first, then the latest closed."""
    if not works_with_opportunities(user):
        return None
    ids = customer_opportunity_ids(customer, user)
    rows = list(
        Opportunity.objects.filter(pk__in=ids)
        .select_related("stage", "owner")
        .annotate(
            closed=Case(
                When(status=Opportunity.Status.OPEN, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("closed", "expected_close_date", "-pk")[:SECTION_ROWS]
    )
    return Section(
        "opportunities/sections/customer.html",
        column="main",
        context={
            "rows": rows,
            "total": len(ids),
            "can_create": can_create_opportunity(user, customer),
        },
    )


def _detail(opportunity_id):
    return reverse("opportunities:opportunity-detail", args=[opportunity_id])


def stage_changes(*, customer, user):
    ids = customer_opportunity_ids(customer, user)
    if not ids:
        return
    changes = (
        StageChange.objects.filter(opportunity_id__in=ids)
        .select_related("opportunity", "from_stage", "to_stage", "by")
        .order_by("-at", "-pk")[:TIMELINE_ROWS]
    )
    for change in changes:
        title = (
            f"{change.from_stage.name} → {change.to_stage.name}"
            if change.from_stage
            else gettext("New opportunity in “%(stage)s”") % {"stage": change.to_stage.name}
        )
        yield Event(
            when=change.at,
            kind="stage",
            icon="signpost-split",
            title=f"{change.opportunity.name} · {title}",
            body=change.reason,
            url=_detail(change.opportunity_id),
            who=change.by,
            badges=[str(change.get_kind_display())],
        )


def quote_events(*, customer, user):
    """Each status change of a quote: drafted, submitted, approved or rejected, sent, the
    customer's answer."""
    ids = customer_opportunity_ids(customer, user)
    if not ids:
        return
    changes = (
        QuoteStatusChange.objects.filter(subject__opportunity_id__in=ids)
        .select_related("subject__opportunity", "by")
        .order_by("-at", "-pk")[:TIMELINE_ROWS]
    )
    labels = dict(Quote.Status.choices)
    for change in changes:
        quote = change.subject
        yield Event(
            when=change.at,
            kind="quote",
            icon="file-earmark-text",
            title=f"{quote.opportunity.name} · {quote.name} {quote.label}",
            body=change.reason_text,
            url=_detail(quote.opportunity_id),
            who=change.by,
            badges=[str(labels.get(change.to_status, change.to_status))],
        )


def skip_decisions(*, customer, user):
    ids = customer_opportunity_ids(customer, user)
    if not ids:
        return
    changes = (
        SkipRequestStatusChange.objects.filter(subject__opportunity_id__in=ids)
        .select_related("subject__opportunity", "subject__from_stage", "subject__to_stage", "by")
        .order_by("-at", "-pk")[:TIMELINE_ROWS]
    )
    labels = dict(StageSkipRequest.Status.choices)
    for change in changes:
        request = change.subject
        yield Event(
            when=change.at,
            kind="skip",
            icon="skip-forward",
            title=f"{request.opportunity.name} · {request.from_stage.name} ⇢ "
            f"{request.to_stage.name}",
            body=change.reason_text,
            url=_detail(request.opportunity_id),
            who=change.by,
            badges=[str(labels.get(change.to_status, change.to_status))],
        )


# --- the home page -------------------------------------------------------------------------


def _month(today):
    first = today.replace(day=1)
    after = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, after.fromordinal(after.toordinal() - 1)


def closing_this_month(*, user):
    """A seller's own open deals expected to close this month."""
    if not roles.has_role(user, roles.SELLS):
        return None
    today = timezone.localdate()
    first, last = _month(today)
    # The seller's own: always theirs to see, read without the visibility union.
    mine = Opportunity.objects.filter(owner=user).closing_between(first, last)
    return Panel(
        "opportunities/panels/closing_this_month.html",
        {
            "rows": list(
                mine.select_related("customer", "stage").order_by("expected_close_date", "pk")[
                    :PANEL_ROWS
                ]
            ),
            "total": mine.count(),
            "today": today,
        },
    )


def overdue_solutions(*, user):
    """A seller's own opportunities whose solution is past its due date."""
    if not roles.has_role(user, roles.SELLS):
        return None
    today = timezone.localdate()
    overdue = Opportunity.objects.filter(owner=user).solution_overdue(today)  # their own
    return Panel(
        "opportunities/panels/overdue_solutions.html",
        {
            "rows": list(
                overdue.select_related("customer").order_by("solution_due", "pk")[:PANEL_ROWS]
            ),
            "total": overdue.count(),
            "today": today,
        },
    )


def waiting_for_me(*, user):
    """A manager's queue: quotes to review (and discounts, for the director), stage skips and
    extension requests (延期申请) waiting for their decision."""
    if not roles.has_role(user, roles.MANAGING_ROLES):
        return None
    queue = review_queue(user=user)
    quotes = list(queue.quotes[:PANEL_ROWS]) + list(queue.discounts[:PANEL_ROWS])
    skips = list(queue.skips[:PANEL_ROWS])
    extensions = list(queue.extensions[:PANEL_ROWS])
    total = sum(
        rows.order_by()[: PANEL_COUNT_CAP + 1].count()
        for rows in (queue.quotes, queue.discounts, queue.skips, queue.extensions)
    )
    return Panel(
        "opportunities/panels/waiting_for_me.html",
        {
            "quotes": quotes,
            "skips": skips,
            "extensions": extensions,
            "total": min(total, PANEL_COUNT_CAP),
            "more": total > PANEL_COUNT_CAP,
        },
    )
