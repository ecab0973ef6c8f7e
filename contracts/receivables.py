"""Receivables (应收账款): the unpaid instalments of signed contracts the user sees, aged in
buckets by days past their due date, with totals per bucket, per team and per owner.

One aggregate query grouped by owner gives every total (teams and the grand total are added
up from it in Python), so the page costs the same few queries whatever the number of rows.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import F, Q, Sum
from django.utils.translation import gettext_lazy as _

from teams import policy
from teams.models import Team

from .models import Contract, Instalment


@dataclass(frozen=True)
class Bucket:
    key: str
    label: str
    first_day: int | None  # days past due, inclusive; None: open-ended
    last_day: int | None
    tone: str = "secondary"  # the Bootstrap colour of its badge

    def q(self, today):
        """The instalments whose days past due (today - due date) fall in this bucket."""
        q = Q()
        if self.first_day is not None:
            q &= Q(due_date__lte=today - timedelta(days=self.first_day))
        if self.last_day is not None:
            q &= Q(due_date__gte=today - timedelta(days=self.last_day))
        return q

    def holds(self, days):
        return (self.first_day is None or days >= self.first_day) and (
            self.last_day is None or days <= self.last_day
        )


BUCKETS = (
    Bucket("current", _("Not yet due"), None, 0),
    Bucket("d1_30", _("1-30 days"), 1, 30, "warning"),
    Bucket("d31_60", _("31-60 days"), 31, 60, "warning"),
    Bucket("d61_90", _("61-90 days"), 61, 90, "danger"),
    Bucket("d90_plus", _("Over 90 days"), 91, None, "danger"),
)
BUCKET_KEYS = {bucket.key: bucket for bucket in BUCKETS}


def bucket_of(days_past_due):
    """The bucket of an instalment `days_past_due` days after its due date (0 or less: not
    yet due)."""
    return next(bucket for bucket in BUCKETS if bucket.holds(days_past_due))


OUTSTANDING = F("amount") - F("paid_amount")


def receivables(user, contract_ids=None):
    """The instalments the receivables page is about: unpaid, of a signed contract (signed,
    in delivery or completed) the user sees; with `contract_ids` (the visible ones, read
    already), of those contracts."""
    rows = (
        Instalment.objects.visible_to(user)
        if contract_ids is None
        else Instalment.objects.filter(contract_id__in=contract_ids)
    )
    return rows.unpaid().filter(contract__status__in=Contract.SIGNED_STATES)


def owned_receivables(user):
    """`receivables` of the contracts the user owns (a manager: their team subtree owns): a
    part of what they see, read without the visibility union, for the home panels."""
    return (
        Instalment.objects.filter(policy.owned_q(user, "contract__owner"))
        .unpaid()
        .filter(contract__status__in=Contract.SIGNED_STATES)
    )


def filtered(rows, *, today, team=None, owner=None, bucket=None, search=""):
    if team is not None:
        rows = rows.filter(contract__owner__team_id__in=policy.team_subtree_ids(team.pk))
    if owner is not None:
        rows = rows.filter(contract__owner_id=owner.pk)
    if bucket is not None:
        rows = rows.filter(bucket.q(today))
    if search:
        rows = rows.filter(
            Q(contract__number__icontains=search) | Q(contract__customer__name__icontains=search)
        )
    return rows


@dataclass
class Totals:
    """Outstanding amounts per bucket key, and their sum."""

    by_bucket: dict = field(default_factory=lambda: {b.key: Decimal("0.00") for b in BUCKETS})

    @property
    def total(self):
        return sum(self.by_bucket.values(), Decimal("0.00"))

    @property
    def overdue(self):
        return self.total - self.by_bucket["current"]

    @property
    def cells(self):
        return [self.by_bucket[b.key] for b in BUCKETS]

    @property
    def pairs(self):
        return [(b, self.by_bucket[b.key]) for b in BUCKETS]

    def add(self, other):
        for key, amount in other.items():
            self.by_bucket[key] += amount


@dataclass
class Summary:
    total: Totals
    teams: list  # [(Team or None, Totals)] by overdue amount, largest first
    owners: list  # [(User, Totals)] by overdue amount, largest first


def summary(rows, *, today):
    """Totals of `rows` (a filtered `receivables` queryset): per bucket, per owner's team and
    per owner. Two queries: the sums grouped by owner, and the owners with their teams."""
    sums = {
        bucket.key: Sum(OUTSTANDING, filter=bucket.q(today), default=Decimal("0.00"))
        for bucket in BUCKETS
    }
    grouped = rows.order_by().values("contract__owner_id").annotate(**sums)
    by_owner = {row.pop("contract__owner_id"): row for row in grouped}
    users = get_user_model().objects.select_related("team").in_bulk(list(by_owner))
    total, teams, owners = Totals(), {}, []
    for owner_id, amounts in by_owner.items():
        owner = users[owner_id]
        mine = Totals()
        mine.add(amounts)
        owners.append((owner, mine))
        total.add(amounts)
        teams.setdefault(owner.team_id, (owner.team, Totals()))[1].add(amounts)
    by_overdue = lambda pair: (-pair[1].overdue, -pair[1].total)  # noqa: E731
    return Summary(
        total=total,
        teams=sorted(teams.values(), key=by_overdue),
        owners=sorted(owners, key=by_overdue),
    )


def team_choices(user):
    return Team.objects.filter(policy.teams_q(user)).order_by("name")
