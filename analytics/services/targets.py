"""Setting targets: the company's per year, quarter and month (the director), the split of a
period's company target to teams (the director), of a team's target to its reps and,
optionally, of a rep's target to their key customers (the team's manager). An empty value
removes the row. Every rule is checked before anything is written; each saved row keeps its
history (simple_history, with who)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from customers.models import Customer, Grade
from teams import roles
from teams.models import Team, User

from .. import permissions, validation
from ..errors import InvalidInput, NotAllowed
from ..models import Metric, Target


def split_members(team):
    """The users a team's target is split to: its active sellers (manager included)."""
    return User.objects.filter(team=team, is_active=True, role__in=roles.SELLS).order_by("username")


def _checked(values):
    """{(key, metric): Decimal | None} from {(key, metric): text}; InvalidInput on errors."""
    errors, found = {}, {}
    for (key, metric), value in values.items():
        if metric not in Metric.values:
            raise ValueError(metric)
        if value in (None, ""):
            found[(key, metric)] = None
            continue
        try:
            found[(key, metric)] = validation.target_amount(value, metric)
        except ValidationError as error:
            errors.setdefault(f"{getattr(key, 'key', key)}-{metric}", []).extend(error.messages)
    if errors:
        raise InvalidInput(errors)
    return found


def _write(*, by, existing, values, make):
    """Create, update or delete the rows so they hold `values` (None: no row). `existing`
    maps the same keys to locked rows; `make(key, metric, amount)` builds a new one."""
    for key, amount in values.items():
        row = existing.get(key)
        if amount is None:
            if row is not None:
                row._history_user = by
                row.delete()
            continue
        if row is None:
            row = make(*key, amount)
        elif row.amount == amount:
            continue
        row.amount = amount
        row.set_by = by
        row._history_user = by
        row.save()


def company_targets_set(*, by, values):
    """`values`: {(period, metric): amount} for company targets (any periods)."""
    if not permissions.can_set_targets(by):
        raise NotAllowed(_("Only the sales director sets the company's targets."))
    checked = _checked(values)
    with transaction.atomic():
        rows = Target.objects.select_for_update().filter(
            level=Target.Level.COMPANY,
            period_start__in={period.start for period, _m in checked},
        )
        existing = {(row.period, row.metric): row for row in rows}
        _write(
            by=by,
            existing=existing,
            values=checked,
            make=lambda period, metric, amount: Target(
                level=Target.Level.COMPANY,
                metric=metric,
                granularity=period.granularity,
                period_start=period.start,
                period_end=period.end,
            ),
        )


def team_targets_set(*, by, period, values):
    """The company's target for `period` split to teams: `values` {(team id, metric): amount}."""
    if not permissions.can_set_targets(by):
        raise NotAllowed(_("Only the sales director splits the company's targets to teams."))
    teams = set(Team.objects.filter(kind=Team.Kind.TEAM).values_list("pk", flat=True))
    if any(team_id not in teams for team_id, _m in values):
        raise InvalidInput({"__all__": [_("Choose teams from the list.")]})
    checked = _checked(values)
    with transaction.atomic():
        rows = Target.objects.select_for_update().filter(
            level=Target.Level.TEAM, granularity=period.granularity, period_start=period.start
        )
        existing = {(row.team_id, row.metric): row for row in rows}
        _write(
            by=by,
            existing=existing,
            values=checked,
            make=lambda team_id, metric, amount: Target(
                level=Target.Level.TEAM,
                team_id=team_id,
                metric=metric,
                granularity=period.granularity,
                period_start=period.start,
                period_end=period.end,
            ),
        )


def rep_targets_set(*, by, team, period, values):
    """A team's target for `period` split to its reps: `values` {(rep id, metric): amount}.
    A rep outside the team is refused (nothing is written)."""
    if not permissions.can_split_team(by, team):
        raise NotAllowed(_("Only the team's manager splits its targets."))
    members = set(split_members(team).values_list("pk", flat=True))
    try:
        validation.split_members({rep_id for rep_id, _m in values}, members)
    except ValidationError as error:
        raise InvalidInput({"__all__": error.messages}) from None
    checked = _checked(values)
    with transaction.atomic():
        rows = Target.objects.select_for_update().filter(
            level=Target.Level.REP,
            rep_id__in=members,
            granularity=period.granularity,
            period_start=period.start,
        )
        existing = {(row.rep_id, row.metric): row for row in rows}
        _write(
            by=by,
            existing=existing,
            values=checked,
            make=lambda rep_id, metric, amount: Target(
                level=Target.Level.REP,
                team=team,
                rep_id=rep_id,
                metric=metric,
                granularity=period.granularity,
                period_start=period.start,
                period_end=period.end,
            ),
        )


def key_customers(rep, *, extra_ids=()):
    """The customers a rep's target may be split to: the rep's grade-A (high value) customers,
    and any of the rep's customers given in `extra_ids` (those already holding a target)."""
    return (
        Customer.objects.filter(owner=rep)
        .filter(Q(grade=Grade.A) | Q(pk__in=list(extra_ids)))
        .order_by("name", "pk")
    )


def customer_targets_set(*, by, rep, period, values):
    """A rep's target for `period` split to their key customers (optional): `values`
    {(customer id, metric): amount}. A customer who is not the rep's is refused, and so is a
    rep outside the manager's teams (nothing is written)."""
    team = rep.team
    if not permissions.can_split_team(by, team):
        raise NotAllowed(_("Only the team's manager splits its targets."))
    if not split_members(team).filter(pk=rep.pk).exists():
        raise InvalidInput({"__all__": [_("A target can only be split to the reps of the team.")]})
    rep_customers = set(
        Customer.objects.filter(owner=rep, pk__in={key for key, _m in values}).values_list(
            "pk", flat=True
        )
    )
    try:
        validation.key_customers({key for key, _m in values}, rep_customers)
    except ValidationError as error:
        raise InvalidInput({"__all__": error.messages}) from None
    checked = _checked(values)
    with transaction.atomic():
        rows = Target.objects.select_for_update().filter(
            level=Target.Level.CUSTOMER,
            rep=rep,
            granularity=period.granularity,
            period_start=period.start,
        )
        existing = {(row.customer_id, row.metric): row for row in rows}
        _write(
            by=by,
            existing=existing,
            values=checked,
            make=lambda customer_id, metric, amount: Target(
                level=Target.Level.CUSTOMER,
                team=team,
                rep=rep,
                customer_id=customer_id,
                metric=metric,
                granularity=period.granularity,
                period_start=period.start,
                period_end=period.end,
            ),
        )
