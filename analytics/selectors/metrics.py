"""Per-rep figures over a date range, one aggregate query each for all reps at once:

- sales amount: signed contracts (signed, in delivery, completed) by signing date, tax
  included, by the contract's owner;
- gross margin: the same contracts' amount before tax minus their cost;
- collected payments: payments by the day received, by the contract's owner;
- new customers: customers entered in the range, by their owner;
- follow-ups: follow-ups that took place in the range, by their author;
- win rate: opportunities closed in the range, won / (won + lost) in percent (None without
  any closed).
"""

from collections import defaultdict
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from contracts.models import Contract, Payment
from customers.models import Customer, FollowUp
from opportunities.models import Opportunity

ZERO = Decimal("0.00")


def _bounds(start, end):
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def rep_figures(start, end, rep_ids, *, summaries=False):
    """{metric: {rep id: value}} for the reps (missing: nothing in the range). 5 queries, or
    with `summaries` one or two (analytics.kpis.summarised: as of their last refresh)."""
    rep_ids = list(rep_ids)
    if summaries:
        return _summed_figures(start, end, rep_ids)
    since, until = _bounds(start, end)
    found = defaultdict(dict)
    for owner, amount, margin in (
        Contract.objects.filter(
            status__in=Contract.SIGNED_STATES,
            signed_on__gte=start,
            signed_on__lte=end,
            owner_id__in=rep_ids,
        )
        .order_by()
        .values_list("owner_id")
        .annotate(total=Sum("amount"), margin=Sum(F("amount_before_tax") - F("cost_amount")))
    ):
        found["sales_amount"][owner] = amount
        found["gross_margin"][owner] = margin
    for owner, amount in (
        Payment.objects.filter(
            received_on__gte=start, received_on__lte=end, contract__owner_id__in=rep_ids
        )
        .order_by()
        .values_list("contract__owner_id")
        .annotate(total=Sum("amount"))
    ):
        found["collected"][owner] = amount
    for owner, count in (
        Customer.objects.filter(created_at__gte=since, created_at__lt=until, owner_id__in=rep_ids)
        .order_by()
        .values_list("owner_id")
        .annotate(count=Count("pk"))
    ):
        found["new_customers"][owner] = Decimal(count)
    for author, count in (
        FollowUp.objects.filter(
            occurred_at__gte=since, occurred_at__lt=until, author_id__in=rep_ids
        )
        .order_by()
        .values_list("author_id")
        .annotate(count=Count("pk"))
    ):
        found["follow_ups"][author] = Decimal(count)
    won, lost = Opportunity.Status.WON, Opportunity.Status.LOST
    for owner, wins, closed in (
        Opportunity.objects.filter(
            status__in=(won, lost), closed_at__gte=since, closed_at__lt=until, owner_id__in=rep_ids
        )
        .order_by()
        .values_list("owner_id")
        .annotate(wins=Count("pk", filter=Q(status=won)), closed=Count("pk"))
    ):
        if closed:
            found["win_rate"][owner] = (Decimal(wins) * 100 / Decimal(closed)).quantize(
                Decimal("0.01")
            )
    return found


def _summed_figures(start, end, rep_ids):
    from ..kpis import summarised

    found = defaultdict(dict)
    names = ("signed", "amount", "net", "cost", "paid", "entered", "authored", "won", "lost")
    for rep, row in summarised.rep_sums(start, end, rep_ids, names).items():
        if row["signed"]:
            found["sales_amount"][rep] = row["amount"]
            found["gross_margin"][rep] = row["net"] - row["cost"]
        if row["paid"]:
            found["collected"][rep] = row["paid"]
        if row["entered"]:
            found["new_customers"][rep] = Decimal(row["entered"])
        if row["authored"]:
            found["follow_ups"][rep] = Decimal(row["authored"])
        closed = row["won"] + row["lost"]
        if closed:
            found["win_rate"][rep] = (Decimal(row["won"]) * 100 / Decimal(closed)).quantize(
                Decimal("0.01")
            )
    return found
