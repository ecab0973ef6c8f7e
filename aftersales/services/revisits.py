"""Scheduling revisits (the beat task, daily): for each customer with a contract in delivery
or completed and an assigned after-sales user,

- a quarterly revisit (季度回访) in every quarter the warranty covers (warranty.py), due two
  weeks after it is scheduled and within the quarter;
- a thank-you on each anniversary of the signing, scheduled 14 days ahead.

Each is a `Revisit` (unique per customer, kind and period) with a customers Task for the
assigned user, so a second run, or two at once, schedules nothing twice."""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from contracts.models import Contract
from customers.models import Task

from .. import warranty
from ..models import AftersalesAssignment, Revisit

LEAD_DAYS = 14
SERVED = (Contract.Status.IN_DELIVERY, Contract.Status.COMPLETED)


def _anniversary(signed_on, year):
    try:
        return signed_on.replace(year=year)
    except ValueError:  # 29 February
        return date(year, 2, 28)


def _due_revisits(today):
    """[(customer_id, contract, kind, period, due)] wanted as of `today`."""
    period, first, last = warranty.quarter_of(today)
    served = (
        Contract.objects.filter(status__in=SERVED, customer__aftersales_assignment__isnull=False)
        .only("pk", "customer_id", "signed_on", "start_date", "delivery_date", "warranty", "title")
        .order_by("customer_id", "pk")
    )
    wanted = {}
    for contract in served.iterator(chunk_size=2000):
        start, end = warranty.start_of(contract), warranty.end_of(contract)
        if start <= last and end >= today:
            due = min(last, today + timedelta(days=LEAD_DAYS))
            wanted.setdefault(
                (contract.customer_id, Revisit.Kind.QUARTERLY, period), (contract, due)
            )
        if contract.signed_on:
            for year in (today.year, today.year + 1):
                day = _anniversary(contract.signed_on, year)
                if year > contract.signed_on.year and today <= day <= today + timedelta(
                    days=LEAD_DAYS
                ):
                    key = (contract.customer_id, Revisit.Kind.ANNIVERSARY, str(year))
                    wanted.setdefault(key, (contract, day))
    return wanted


def schedule_revisits(*, today):
    """Schedule what is due and not scheduled yet; returns how many revisits it made."""
    wanted = _due_revisits(today)
    if not wanted:
        return 0
    customer_ids = {key[0] for key in wanted}
    have = set(
        Revisit.objects.filter(customer_id__in=customer_ids).values_list(
            "customer_id", "kind", "period"
        )
    )
    staff = dict(
        AftersalesAssignment.objects.filter(customer_id__in=customer_ids).values_list(
            "customer_id", "user_id"
        )
    )
    titles = {
        Revisit.Kind.QUARTERLY: _("Quarterly revisit: %(contract)s"),
        Revisit.Kind.ANNIVERSARY: _("Anniversary thank-you: %(contract)s"),
    }
    made = 0
    for key, (contract, due) in wanted.items():
        customer_id, kind, period = key
        if key in have or customer_id not in staff:
            continue
        try:
            with transaction.atomic():
                revisit = Revisit.objects.create(
                    customer_id=customer_id,
                    contract=contract,
                    kind=kind,
                    period=period,
                    due_date=due,
                    assignee_id=staff[customer_id],
                )
                revisit.task = Task.objects.create(
                    customer_id=customer_id,
                    owner_id=staff[customer_id],
                    title=(titles[kind] % {"contract": contract.title})[:200],
                    due_date=due,
                )
                revisit.save(update_fields=["task"])
        except IntegrityError:  # another run made it meanwhile
            continue
        made += 1
    return made
