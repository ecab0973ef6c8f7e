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
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from crm_site import hooks
from teams.models import Team, User

from ..models import Customer, OwnershipChange, Pool, ReclaimWarning, Task
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


def reclaim_plan(now):
    """What a run at `now` does: (due, warn) as lists of (customer id, owner id, pool,
    reclaim datetime, reason, last follow-up), blocked customers left out, and how many were
    blocked."""
    pool_of_team = _pool_of_team()
    if not pool_of_team:
        return [], [], 0
    owners = dict(
        User.objects.filter(team_id__in=pool_of_team, customers__isnull=False)
        .distinct()
        .values_list("pk", "team_id")
    )
    pools = {pool.pk: pool for pool in pool_of_team.values()}
    longest_won = max(
        (days for pool in pools.values() for g in "ABC" if (days := pool.won_days(g))),
        default=None,
    )
    owned = Customer.objects.filter(owner_id__in=owners).order_by()
    rows = list(
        owned.values_list(
            "pk", "owner_id", "grade", "last_followup_at", "owner_since", "created_at"
        ).iterator(chunk_size=CHUNK)
    )
    ids = owned.values("pk")
    wins = _last_wins(ids, now - timedelta(days=longest_won)) if longest_won else {}
    today = timezone.localdate(now)
    due, warn = [], []
    reasons = {}  # (rule, days): the text, translated once rather than per customer
    for pk, owner_id, grade, last_followup, owner_since, created in rows:
        pool = pool_of_team[owners[owner_id]]
        since = owner_since or created
        candidates = []
        if (days := pool.followup_days(grade)) is not None:
            base = max(since, last_followup) if last_followup else since
            candidates.append((base + timedelta(days=days), "followup", days))
        if (days := pool.won_days(grade)) is not None:
            win = wins.get(pk)
            base = max(since, win) if win else since
            candidates.append((base + timedelta(days=days), "won", days))
        if not candidates:
            continue
        when, rule, days = min(candidates)
        if (rule, days) not in reasons:
            reasons[rule, days] = (
                _("No follow-up for %(days)s days")
                if rule == "followup"
                else _("No win for %(days)s days")
            ) % {"days": days}
        row = (pk, owner_id, pool, when, reasons[rule, days], last_followup)
        if when <= now:
            due.append(row)
        elif timezone.localdate(when) <= today + timedelta(days=pool.warn_days):
            warn.append(row)
    blocked = pool_blockers(ids) if due or warn else {}
    kept_due = [r for r in due if r[0] not in blocked]
    kept_warn = [r for r in warn if r[0] not in blocked]
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
                if (c.owner_id, c.last_followup_at) == (by_pk[c.pk][0], by_pk[c.pk][3])
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
