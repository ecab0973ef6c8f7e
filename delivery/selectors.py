"""Reads beyond `visible_to`: the delivery work list, one contract's project page, the
server-side timeline (Gantt) of a plan, and the phases the home panel lists. Each runs a
constant number of queries whatever the number of rows."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from contracts.models import Contract
from teams import roles

from .models import Acceptance, Assignment, ChangeRequest, Phase, ProgressNote

SCOPES = ("mine", "unassigned", "all")


def _count(queryset):
    return Coalesce(
        Subquery(
            queryset.order_by().values("plan__contract").annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def delivery_contracts(user, today, contract_ids=None):
    """The signed contracts (signed, in delivery, completed) `user` sees, with the figures
    the list shows: delivery owner, phases, phases done and late, the last acceptance. With
    `contract_ids` (visible ones, read already), among those."""
    phases = Phase.objects.filter(plan__contract=OuterRef("pk"))
    owner = Assignment.objects.filter(contract=OuterRef("pk"), kind=Assignment.Kind.OWNER)
    last = Acceptance.objects.filter(plan__contract=OuterRef("pk")).order_by("-accepted_on", "-pk")
    late = phases.filter(end_date__lt=today).exclude(status=Phase.Status.DONE)
    return (
        (
            Contract.objects.visible_to(user)
            if contract_ids is None
            else Contract.objects.filter(pk__in=contract_ids)
        )
        .filter(status__in=Contract.SIGNED_STATES)
        .select_related("customer", "owner")
        .annotate(
            delivery_owner_id=Subquery(owner.values("user_id")[:1]),
            phase_total=_count(phases),
            phase_done=_count(phases.filter(status=Phase.Status.DONE)),
            phase_late=_count(late),
            last_result=Subquery(last.values("result")[:1]),
        )
    )


def project_list(user, params, today):
    """The list's rows before paging, filtered by `scope` (mine: the contracts the user is on
    the delivery team of; unassigned; all) and `status`, newest first. Delivery staff start
    on "mine", everyone else on "all"."""
    rows = delivery_contracts(user, today)
    default = "mine" if roles.has_role(user, roles.DELIVERS) and not user.is_superuser else "all"
    scope = params.get("scope") if params.get("scope") in SCOPES else default
    if scope == "mine":
        rows = rows.filter(
            Exists(Assignment.objects.filter(contract=OuterRef("pk"), user_id=user.pk))
        )
    elif scope == "unassigned":
        rows = rows.filter(~Exists(Assignment.objects.filter(contract=OuterRef("pk"))))
    status = params.get("status")
    if status in Contract.SIGNED_STATES:
        rows = rows.filter(status=status)
    return rows.order_by("-pk"), scope


# --- the plan's timeline ----------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    phase: Phase
    x: float  # left edge, 0-1000 across the plan's span
    width: float
    done_width: float  # the part done (percent of the bar)
    late: bool


@dataclass(frozen=True)
class Timeline:
    start: object
    end: object
    bars: list
    today_x: float | None  # None: today is outside the span
    months: list  # [(x, label date)] the first of each month inside the span


SPAN = 1000.0


def timeline(phases, today):
    """Bars by date on a 0-1000 axis (drawn as SVG, scaled to the screen's width): each
    phase from its start to the end of its end day, today's line, month ticks."""
    if not phases:
        return None
    start = min(p.start_date for p in phases)
    end = max(p.end_date for p in phases) + timedelta(days=1)
    days = max((end - start).days, 1)

    def at(day):
        return round(SPAN * (day - start).days / days, 1)

    bars = []
    for phase in phases:
        x = at(phase.start_date)
        width = max(at(phase.end_date + timedelta(days=1)) - x, 4.0)
        bars.append(
            Bar(
                phase=phase,
                x=x,
                width=width,
                done_width=round(width * phase.percent_done / 100, 1),
                late=phase.late_on(today),
            )
        )
    months, day = [], start.replace(day=1)
    while day < end:
        if day >= start:
            months.append((at(day), day))
        day = (day + timedelta(days=32)).replace(day=1)
    today_x = at(today) if start <= today < end else None
    return Timeline(start, end - timedelta(days=1), bars, today_x, months)


# --- one contract's project page --------------------------------------------------------------


def project(contract):
    """Everything the project page shows, in a fixed number of queries."""
    seats = list(
        Assignment.objects.filter(contract=contract).select_related("user").order_by("kind", "pk")
    )
    phases = list(
        Phase.objects.filter(plan__contract=contract)
        .select_related("owner")
        .order_by("position", "start_date", "pk")
    )
    notes = list(ProgressNote.objects.filter(plan__contract=contract).select_related("by")[:12])
    changes = list(
        ChangeRequest.objects.filter(plan__contract=contract)
        .select_related("decided_by", "created_by")
        .prefetch_related("phases")
    )
    acceptances = list(
        Acceptance.objects.filter(plan__contract=contract)
        .select_related("recorded_by")
        .prefetch_related("items")
        .order_by("-accepted_on", "-pk")
    )
    return {
        "seats": seats,
        "phases": phases,
        "notes": notes,
        "changes": changes,
        "acceptances": acceptances,
        "latest_acceptance": acceptances[0] if acceptances else None,
    }


# --- the home panel ---------------------------------------------------------------------------


def my_phases(user):
    """Open phases of the contracts `user` is on the delivery team of (or owns the phase)."""
    on_team = Assignment.objects.filter(user_id=user.pk).values("contract_id")
    return (
        Phase.objects.open()
        .filter(Q(plan__contract_id__in=on_team) | Q(owner_id=user.pk))
        .select_related("plan__contract__customer", "owner")
    )


def late_phases(user, today, limit):
    return list(my_phases(user).filter(end_date__lt=today).order_by("end_date", "pk")[:limit])


def ending_this_week(user, today, limit):
    monday = today - timedelta(days=today.weekday())
    sunday = monday + timedelta(days=6)
    return list(
        my_phases(user)
        .filter(end_date__gte=today, end_date__lte=sunday)
        .order_by("end_date", "pk")[:limit]
    )
