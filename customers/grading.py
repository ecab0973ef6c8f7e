"""ABC grading: one function from trailing-12-month purchases to a grade.

The contracts app feeds `trailing_purchases` with signed contract value through a
CUSTOMER_PURCHASES hook (crm_site/hooks.py); until one is registered it uses each customer's
declared annual purchase estimate.
"""

from datetime import date, timedelta
from decimal import Decimal

from crm_site import hooks


def computed_grade(*, amount, strategic, rules):
    if strategic or amount >= rules.a_threshold:
        return "A"
    if amount >= rules.b_threshold:
        return "B"
    return "C"


def trailing_purchases(customers, as_of):
    """Purchases in the 12 months up to `as_of`, per customer id, in 万元."""
    customers = list(customers)
    sources = hooks.get(hooks.CUSTOMER_PURCHASES)
    if not sources:
        return {c.pk: c.annual_purchase_estimate or Decimal(0) for c in customers}
    start, ids = as_of - timedelta(days=365), [c.pk for c in customers]
    totals = {pk: Decimal(0) for pk in ids}
    for source in sources:
        for pk, amount in source(customer_ids=ids, start=start, end=as_of).items():
            if pk in totals:
                totals[pk] += amount
    return totals


def quarter_label(day):
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def is_quarter_end(day):
    return (day + timedelta(days=1)).month != day.month and day.month in (3, 6, 9, 12)


def last_quarter_end(today):
    """The last day of the quarter before the one `today` is in."""
    first_month = (today.month - 1) // 3 * 3 + 1
    return date(today.year, first_month, 1) - timedelta(days=1)
