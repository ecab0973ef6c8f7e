"""Satisfaction scores: recording one (1-5, from a revisit record or a closed complaint), and
`scores`, the one read of them for the customer page and analytics."""

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Avg, Count, FloatField, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer

from ..errors import AftersalesError
from ..models import Satisfaction
from ..permissions import can_handle, can_serve
from ..validation import validate_score

WINDOW_DAYS = 365


def satisfaction_record(*, by, customer, score, comment="", record=None, complaint=None):
    """Store a score from `record` or `complaint` (exactly one). A score outside 1-5 is
    refused with its message and nothing is stored."""
    try:
        validate_score(score)
    except ValidationError as error:
        raise AftersalesError(error.messages[0]) from None
    if (record is None) == (complaint is None):
        raise ValueError("a satisfaction comes from one record or one complaint")
    allowed = can_handle(by, complaint) if complaint is not None else can_serve(by, customer)
    if not allowed:
        raise PermissionDenied
    if complaint is not None and not complaint.is_closed:
        raise AftersalesError(_("A complaint's satisfaction is asked for once it is closed."))
    return Satisfaction.objects.create(
        customer=customer,
        score=score,
        comment=comment,
        recorded_at=timezone.now(),
        by=by,
        record=record,
        complaint=complaint,
    )


@dataclass(frozen=True)
class Scores:
    latest: int | None
    average: float | None  # over the last WINDOW_DAYS days
    count: int  # scores in the window

    @property
    def is_low(self):
        return self.average is not None and self.average < 3


def _window(now):
    return (now or timezone.now()) - timedelta(days=WINDOW_DAYS)


def annotate_scores(customers, *, now=None, count=True):
    """`customers` (a Customer queryset) with `satisfaction_latest`, `satisfaction_average`
    and (unless `count` is False) `satisfaction_count` (last WINDOW_DAYS days): one query for
    any number of them. Each is a SELECT-list subquery on the customer's scores (index
    satisfaction_idx), so a sorted, paged list computes them for its shown rows only."""
    mine = Satisfaction.objects.filter(customer=OuterRef("pk")).order_by()
    recent = mine.filter(recorded_at__gte=_window(now)).values("customer")
    figures = {
        "satisfaction_latest": Subquery(mine.order_by("-recorded_at", "-pk").values("score")[:1]),
        "satisfaction_average": Subquery(
            recent.annotate(a=Avg("score")).values("a"), output_field=FloatField()
        ),
    }
    if count:
        figures["satisfaction_count"] = Coalesce(
            Subquery(recent.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0
        )
    return customers.annotate(**figures)


def annotate_list(customers):
    """The customer list's column: the latest score and the average, no count."""
    return annotate_scores(customers, count=False)


# The customer list's filter: bands of the 12-month average, and "no score in 12 months".
BANDS = {
    "low": Q(average__lt=3),
    "fair": Q(average__gte=3, average__lt=4),
    "good": Q(average__gte=4),
}
NONE = "none"


def filter_by_band(customers, band, *, now=None):
    """`customers` whose 12-month average falls in `band` (BANDS), or with no score in the
    window (NONE): one subquery over the window's scores, grouped by customer (no query of
    its own)."""
    averages = (
        Satisfaction.objects.filter(recorded_at__gte=_window(now))
        .order_by()
        .values("customer_id")
        .annotate(average=Avg("score"))
    )
    if band == NONE:  # most customers: the sorted list walks its index past the scored ones
        return customers.exclude(pk__in=averages.values("customer_id"))
    # A few thousand at most: their ids once (an InitPlan), then the primary key's index; a
    # join read every customer (a director's list: 235 ms at 100k).
    return customers.filter(pk__any_of=averages.filter(BANDS[band]).values("customer_id"))


def scores(customer_ids, *, now=None):
    """{customer_id: Scores}: the latest score and the 12-month average of each customer (one
    query). The function analytics calls; callers scope `customer_ids` with `visible_to`."""
    rows = annotate_scores(Customer.objects.filter(pk__in=customer_ids), now=now).values(
        "pk", "satisfaction_latest", "satisfaction_average", "satisfaction_count"
    )
    return {
        row["pk"]: Scores(
            row["satisfaction_latest"],
            round(float(row["satisfaction_average"]), 2)
            if row["satisfaction_average"] is not None
            else None,
            row["satisfaction_count"],
        )
        for row in rows
    }
