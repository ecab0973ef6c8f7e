"""Reads beyond visible_to: the home panels' queues and the counts they show."""

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from teams import policy, roles

from .models import Complaint, Revisit

PANEL_ROWS = 8
NEAR_HOURS = 24


def revisits_due(user, *, today=None):
    """An after-sales user's revisits without a record, soonest first (rows, total)."""
    today = today or timezone.localdate()
    due = Revisit.objects.filter(assignee=user).due().filter(due_date__lte=today + timedelta(7))
    rows = list(due.select_related("customer").order_by("due_date", "pk")[:PANEL_ROWS])
    return rows, due.count()


def complaints_near_deadline(user, *, now=None):
    """The open complaints `user` handles whose next deadline is within NEAR_HOURS or past."""
    now = now or timezone.now()
    soon = now + timedelta(hours=NEAR_HOURS)
    near = (
        Complaint.objects.open()
        .filter(handler=user)
        .filter(Q(status=Complaint.Status.NEW, respond_by__lte=soon) | Q(resolve_by__lte=soon))
    )
    rows = list(near.select_related("customer").order_by("resolve_by", "pk")[:PANEL_ROWS])
    return rows, near.count()


def team_open_complaints(user):
    """A manager's view: the open complaints about their team's customers or escalated to
    them, most severe first (rows, total, breached)."""
    if not roles.has_role(user, roles.LEADS_TEAM) or policy.reach(user) is not policy.Reach.SUBTREE:
        return None
    open_ = (
        Complaint.objects.open()
        # Joined to each open complaint's customer (a few thousand probes), not the
        # subtree's customers hashed first (tens of thousands read from the heap).
        .filter(policy.owned_q(user, "customer__owner") | Q(escalated_to=user))
        .order_by()
    )
    figures = open_.aggregate(
        total=Count("pk"),
        breached=Count("pk", filter=Q(response_breached=True) | Q(resolution_breached=True)),
    )
    rows = list(
        open_.select_related("customer", "handler").order_by("resolve_by", "pk")[:PANEL_ROWS]
    )
    return rows, figures["total"], figures["breached"]
