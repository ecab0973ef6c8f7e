"""What delivery shows on other apps' pages through crm_site/hooks.py (registered in
hooks.py): the navbar, the customer page's section and timeline, the home page's panel.
Each runs a constant number of queries whatever the number of rows."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contracts.querysets import customer_contract_ids
from crm_site.hooks import Event, NavItem, Panel, Section
from teams import roles

from . import selectors
from .models import Acceptance, ChangeRequestStatusChange, Phase, PhaseStatusChange
from .permissions import works_in_delivery

PANEL_ROWS = 8
SECTION_ROWS = 20
TIMELINE_ROWS = 50


def delivery_nav(*, user):
    if not works_in_delivery(user):
        return None
    return NavItem("delivery:project-list", _("Delivery"), "truck")


def greeting(*, user):
    """What the user does in delivery (HOME_GREETING)."""
    if not works_in_delivery(user):
        return None
    return _("Plan and deliver the projects of signed contracts.")


def _page(contract_id):
    return reverse("delivery:project", args=[contract_id])


def _customer_rows(customer, user):
    """The customer's signed contracts the user sees, with their plans' figures: one query,
    read once per page (kept on the customer object) for the section and the timeline, which
    asks nothing more of a customer without one."""
    cache = customer.__dict__.setdefault("_delivery_rows", {})
    if user.pk not in cache:
        ids = customer_contract_ids(customer, user)
        rows = selectors.delivery_contracts(user, timezone.localdate(), contract_ids=ids)
        cache[user.pk] = list(rows.order_by("-pk")[:TIMELINE_ROWS]) if ids else []
    return cache[user.pk]


def customer_delivery(*, customer, user):
    """The customer's signed contracts the user sees, each with its plan's progress."""
    rows = _customer_rows(customer, user)[:SECTION_ROWS]
    if not rows:
        return None
    return Section("delivery/sections/customer.html", column="main", context={"rows": rows})


def phase_events(*, customer, user):
    ids = [row.pk for row in _customer_rows(customer, user)]
    if not ids:
        return
    changes = (
        PhaseStatusChange.objects.filter(
            subject__plan__contract_id__in=ids, to_status=Phase.Status.DONE
        )
        .select_related("subject__plan__contract", "by")
        .order_by("-at", "-pk")[:TIMELINE_ROWS]
    )
    for change in changes:
        phase = change.subject
        yield Event(
            when=change.at,
            kind="phase",
            icon="flag",
            title=gettext("%(contract)s · phase “%(phase)s” done")
            % {"contract": phase.plan.contract.number, "phase": phase.name},
            url=_page(phase.plan.contract_id),
            who=change.by,
        )


def change_events(*, customer, user):
    ids = [row.pk for row in _customer_rows(customer, user)]
    if not ids:
        return
    rows = (
        ChangeRequestStatusChange.objects.filter(subject__plan__contract_id__in=ids)
        .select_related("subject__plan__contract", "by")
        .order_by("-at", "-pk")[:TIMELINE_ROWS]
    )
    for row in rows:
        change = row.subject
        yield Event(
            when=row.at,
            kind="change",
            icon="arrow-left-right",
            title=gettext("%(contract)s · change request #%(number)s %(title)s")
            % {
                "contract": change.plan.contract.number,
                "number": change.number,
                "title": change.title,
            },
            body=row.reason_text,
            url=_page(change.plan.contract_id),
            who=row.by,
            badges=[str(dict(change.Status.choices).get(row.to_status, row.to_status))],
        )


def acceptance_events(*, customer, user):
    ids = [row.pk for row in _customer_rows(customer, user)]
    if not ids:
        return
    rows = (
        Acceptance.objects.filter(plan__contract_id__in=ids)
        .select_related("plan__contract", "recorded_by")
        .order_by("-recorded_at", "-pk")[:TIMELINE_ROWS]
    )
    for acceptance in rows:
        yield Event(
            when=acceptance.recorded_at,
            kind="acceptance",
            icon="patch-check",
            title=gettext("%(contract)s · acceptance of %(date)s")
            % {
                "contract": acceptance.plan.contract.number,
                "date": acceptance.accepted_on.isoformat(),
            },
            body=acceptance.scope,
            url=_page(acceptance.plan.contract_id),
            who=acceptance.recorded_by,
            badges=[str(acceptance.get_result_display())],
        )


def delivery_panel(*, user):
    """Delivery staff: their late phases and the phases ending this week."""
    if not roles.has_role(user, roles.DELIVERS) or user.is_superuser:
        return None
    today = timezone.localdate()
    return Panel(
        "delivery/panels/phases.html",
        context={
            "late": selectors.late_phases(user, today, PANEL_ROWS),
            "this_week": selectors.ending_this_week(user, today, PANEL_ROWS),
            "today": today,
        },
    )
