"""The pools' automatic reclaim (公海回收): customers nobody works go back to their pool.

A customer whose owner's team (or a team above it) has a pool is reclaimed when, by its
grade's rules in that pool, it had no follow-up for N days or no won deal for M days, both
counted from when its owner got it at the earliest (an empty number: never by that rule). K
days before (the pool's `warn_days`) its owner gets a task on their home page, once per date.
Customers a CUSTOMER_POOL_BLOCKERS hook holds stay. A reclaimed customer has no owner, so a
second run the same day finds nothing to do: the run is idempotent per customer and day.

Celery beat runs `pool_reclaim_task` every morning; `python manage.py pool_reclaim
[--dry-run]` runs the same by hand.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import FloatField, Func
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from crm_site import hooks
from teams.models import Team, User

from ..models import Customer, Grade, OwnershipChange, Pool, ReclaimWarning, Task
from .pools import _put_in_pool, pool_blockers

CHUNK = 5000


@dataclass
class ReclaimRun:
    reclaimed: list = field(default_factory=list)  # [(customer id, pool, reason)]
    warned: list = field(default_factory=list)  # [(customer id, owner id, reclaim_on)]
    blocked: int = 0
    new_warnings: int = 0

    def summary(self):
        return _("%(reclaimed)s reclaimed, %(warned)s warned, %(blocked)s held by their work.") % {
            "reclaimed": len(self.reclaimed),
            "warned": self.new_warnings or len(self.warned),
            "blocked": self.blocked,
        }


def _pool_of_team():
    """{team id: the pool its customers go back to}: the team's own pool, else the nearest
    team above it that has one (by pool name when several)."""
    own = {}
    for pool in (
        Pool.objects.filter(is_active=True).prefetch_related("teams").order_by("name", "pk")
    ):
        for team in pool.teams.all():
            own.setdefault(team.pk, pool)
    parents = dict(Team.objects.values_list("pk", "parent_id"))
    found = {}
    for team_id in parents:
        seen, current = set(), team_id
        while current is not None and current not in seen:
            if current in own:
                found[team_id] = own[current]
                break
            seen.add(current)
            current = parents.get(current)
    return found


def _chunks(items, size=CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _last_wins(customer_ids, since):
    """`customer_ids`: a values("pk") queryset, so each hook reads its rows in one query (a
    semi-join) instead of lists of ids."""
    wins = {}
    for fn in hooks.get(hooks.CUSTOMER_RECENT_WINS):
        for pk, at in fn(customer_ids=customer_ids, since=since).items():
            if pk not in wins or at > wins[pk]:
                wins[pk] = at
    return wins


class _Epoch(Func):
    """A moment as seconds since 1970 (a float): 100,000 floats read far faster than as many
    aware datetimes, and the plan only compares them."""

    template = "CAST(EXTRACT(EPOCH FROM %(expressions)s) AS double precision)"
    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        template = "((julianday(%(expressions)s) - 2440587.5) * 86400.0)"
        return self.as_sql(compiler, connection, template=template, **extra)


def _moment(seconds):
    return datetime.fromtimestamp(seconds, tz=UTC)


def _same_moment(value, seconds):
    """Whether a datetime read under the lock is the moment the plan read as `seconds`."""
    if value is None or seconds is None:
        return value is None and seconds is None
    return abs(value.timestamp() - seconds) < 0.001


def _rules(pools):
    """{(pool id, grade): (follow-up seconds, days, win seconds, days)} (None: no such rule)."""
    day = 86400
    table = {}
    for pool in pools:
        for grade in Grade:
            followup, won = pool.followup_days(grade), pool.won_days(grade)
            table[pool.pk, grade] = (
                followup * day if followup is not None else None,
                followup,
                won * day if won is not None else None,
                won,
            )
    return table


def reclaim_plan(now):
    """What a run at `now` does: (due, warn) as lists of (customer id, owner id, pool,
    reclaim datetime, reason, last follow-up in seconds), blocked customers left out, and how
    many were blocked.

    One read of every owned customer (its grade and two moments, as seconds), one query per
    CUSTOMER_RECENT_WINS and CUSTOMER_POOL_BLOCKERS hook, then a loop of float comparisons."""
    pool_of_team = _pool_of_team()
    if not pool_of_team:
        return [], [], 0
    owners = dict(
        User.objects.filter(team_id__in=pool_of_team, customers__isnull=False)
        .distinct()
        .values_list("pk", "team_id")
    )
    pool_of_owner = {owner_id: pool_of_team[team_id] for owner_id, team_id in owners.items()}
    pools = {pool.pk: pool for pool in pool_of_team.values()}
    rules = _rules(pools.values())
    longest_won = max((r[3] for r in rules.values() if r[3] is not None), default=None)
    owned = Customer.objects.filter(owner_id__in=owners).order_by()
    rows = list(
        owned.annotate(
            since_s=_Epoch(Coalesce("owner_since", "created_at")),
            followup_s=_Epoch("last_followup_at"),
        )
        .values_list("pk", "owner_id", "grade", "since_s", "followup_s")
        .iterator(chunk_size=CHUNK)
    )
    ids = owned.values("pk")
    wins = _last_wins(ids, now - timedelta(days=longest_won)) if longest_won else {}
    win_s = {pk: at.timestamp() for pk, at in wins.items()}
    now_s = now.timestamp()
    today = timezone.localdate(now)
    # A reminder is due when the reclaim falls on a day up to the pool's warn_days ahead:
    # before the start of the local day after that.
    horizon = {
        pk: timezone.make_aware(
            datetime.combine(today + timedelta(days=pool.warn_days + 1), time.min)
        ).timestamp()
        for pk, pool in pools.items()
    }
    due, warn = [], []
    for pk, owner_id, grade, since_s, followup_s in rows:
        pool = pool_of_owner[owner_id]
        followup_secs, followup_days, won_secs, won_days = rules[pool.pk, grade]
        when = None
        if followup_secs is not None:
            base = followup_s if followup_s is not None and followup_s > since_s else since_s
            when, rule, days = base + followup_secs, "followup", followup_days
        if won_secs is not None:
            win = win_s.get(pk)
            base = win if win is not None and win > since_s else since_s
            if when is None or base + won_secs < when:  # a tie: the follow-up rule says why
                when, rule, days = base + won_secs, "won", won_days
        if when is None:
            continue
        if when <= now_s:
            due.append((pk, owner_id, pool, when, rule, days, followup_s))
        elif when < horizon[pool.pk]:
            warn.append((pk, owner_id, pool, when, rule, days, followup_s))
    blocked = pool_blockers(ids) if due or warn else {}
    reasons = {}  # (rule, days): the text, translated once rather than per customer

    def kept(planned):
        rows = []
        for pk, owner_id, pool, when, rule, days, followup_s in planned:
            if pk in blocked:
                continue
            if (rule, days) not in reasons:
                reasons[rule, days] = (
                    _("No follow-up for %(days)s days")
                    if rule == "followup"
                    else _("No win for %(days)s days")
                ) % {"days": days}
            rows.append((pk, owner_id, pool, _moment(when), reasons[rule, days], followup_s))
        return rows

    kept_due, kept_warn = kept(due), kept(warn)
    return kept_due, kept_warn, len(due) + len(warn) - len(kept_due) - len(kept_warn)


def _warn(rows):
    """One ReclaimWarning and one task per customer, owner and date; returns how many new."""
    if not rows:
        return 0
    keys = {(pk, owner_id, timezone.localdate(when)) for pk, owner_id, _p, when, *_rest in rows}
    existing = set(
        ReclaimWarning.objects.filter(customer_id__in={k[0] for k in keys}).values_list(
            "customer_id", "owner_id", "reclaim_on"
        )
    )
    new = sorted(keys - existing)
    with translation.override(settings.LANGUAGE_CODE):
        tasks = [
            Task(
                customer_id=pk,
                owner_id=owner_id,
                title=_("Follow up, or the customer goes back to the pool on %(day)s")
                % {"day": day.isoformat()},
                due_date=day - timedelta(days=1),
            )
            for pk, owner_id, day in new
        ]
    Task.objects.bulk_create(tasks, batch_size=1000)
    ReclaimWarning.objects.bulk_create(
        [
            ReclaimWarning(customer_id=pk, owner_id=owner_id, reclaim_on=day, task=task)
            for (pk, owner_id, day), task in zip(new, tasks, strict=True)
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    return len(new)


def customers_reclaim(*, now=None, dry_run=False):
    """Run the reclaim at `now`: warn the owners of customers due within K days, return the
    due ones to their pool. With `dry_run`, only say what it would do."""
    now = now or timezone.now()
    with translation.override(settings.LANGUAGE_CODE):  # the reasons are stored
        due, warn, blocked = reclaim_plan(now)
    run = ReclaimRun(blocked=blocked)
    run.warned = [(pk, owner_id, timezone.localdate(w)) for pk, owner_id, _p, w, *_rest in warn]
    if dry_run:
        run.reclaimed = [(pk, pool, reason) for pk, _o, pool, _w, reason, _f in due]
        return run
    with transaction.atomic():
        run.new_warnings = _warn(warn)
    by_pk = {pk: (owner_id, pool, reason, last) for pk, owner_id, pool, _w, reason, last in due}
    for chunk in _chunks(by_pk, 2000):
        with transaction.atomic():
            # Read again under the lock: a customer claimed, handed over or followed up since
            # the plan stays (its owner or its last follow-up changed), so a customer is
            # reclaimed once, and only as the plan saw it.
            locked = list(
                Customer.objects.select_for_update(of=("self",))
                .filter(pk__in=chunk, pool__isnull=True)
                .order_by("pk")
            )
            locked = [
                c
                for c in locked
                if c.owner_id == by_pk[c.pk][0] and _same_moment(c.last_followup_at, by_pk[c.pk][3])
            ]
            if not locked:
                continue
            _put_in_pool(
                locked,
                {c.pk: by_pk[c.pk][1] for c in locked},
                by=None,
                how=OwnershipChange.How.RECLAIM,
                reasons={c.pk: by_pk[c.pk][2] for c in locked},
            )
            run.reclaimed.extend((c.pk, by_pk[c.pk][1], by_pk[c.pk][2]) for c in locked)
    return run
