"""Each rule of analytics once, for the forms and the services: amounts of targets, budgets
and expenses, the period a row stands for, weights that sum to 100%, a split that stays inside
the team, a rating from 1 to 5, an expense's receipt (checked like a contract attachment)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from contracts.validation import check_attachment
from opportunities.validation import to_decimal, validate_money

from . import periods
from .errors import InvalidInput
from .models.scorecards import RATING_MAX, RATING_MIN, ScoreMetric
from .models.targets import COUNT_METRICS

HUNDRED = Decimal("100")
ZERO = Decimal("0.00")


def target_amount(value, metric):
    """`value` as a Decimal target of `metric`: not negative, yuan to the fen, a whole number
    for counts (new customers); or ValidationError."""
    number = to_decimal(value)
    if number < 0:
        raise ValidationError(_("A target cannot be negative."), code="negative")
    validate_money(number)
    if metric in COUNT_METRICS and number != number.to_integral_value():
        raise ValidationError(
            _("The number of new customers is a whole number, not %(value)s.") % {"value": number},
            code="whole",
        )
    return number.quantize(Decimal("0.01"))


def expense_amount(value):
    number = to_decimal(value)
    if number <= 0:
        raise ValidationError(_("An expense is more than 0 yuan."), code="not_positive")
    validate_money(number)
    return number


def budget_amount(value):
    number = to_decimal(value)
    if number < 0:
        raise ValidationError(_("A budget cannot be negative."), code="negative")
    validate_money(number)
    return number


def period(granularity, start):
    """The Period, or ValidationError when `start` is not the first day of one."""
    found = periods.of(granularity, start)
    if found is None:
        raise ValidationError(
            _("%(date)s does not start a period.") % {"date": start}, code="period"
        )
    return found


def period_code(code):
    found = periods.parse(code)
    if found is None:
        raise ValidationError(
            _("“%(code)s” is not a period: write 2026, 2026-Q2 or 2026-05.") % {"code": code},
            code="period",
        )
    return found


def weights(values):
    """{metric: Decimal} checked: every metric given, each 0 to 100, summing to 100.
    Raises InvalidInput with every broken rule."""
    errors = {}
    total = ZERO
    for metric in ScoreMetric.values:
        if metric not in values or values[metric] is None:
            errors.setdefault(metric, []).append(_("Enter a weight."))
            continue
        try:
            number = to_decimal(values[metric])
        except ValidationError as error:
            errors.setdefault(metric, []).extend(error.messages)
            continue
        if not 0 <= number <= 100:
            errors.setdefault(metric, []).append(_("A weight is from 0% to 100%."))
        total += number
    if not errors and total != HUNDRED:
        errors["__all__"] = [
            _("The weights add up to %(total)s%%, not 100%%.") % {"total": f"{total.normalize():f}"}
        ]
    if errors:
        raise InvalidInput(errors)


def split_members(rep_ids, member_ids):
    """ValidationError when a rep of the split is not in the team."""
    outside = set(rep_ids) - set(member_ids)
    if outside:
        raise ValidationError(
            _("A target can only be split to the reps of the team."), code="outside_team"
        )


def key_customers(customer_ids, rep_customer_ids):
    """ValidationError when a customer of the split is not one of the rep's."""
    if set(customer_ids) - set(rep_customer_ids):
        raise ValidationError(
            _("A target can only be split to the rep's own customers."), code="not_reps_customer"
        )


def rating(value):
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not RATING_MIN <= value <= RATING_MAX
    ):
        raise ValidationError(
            _("A rating is a whole number from %(min)s to %(max)s.")
            % {"min": RATING_MIN, "max": RATING_MAX},
            code="rating",
        )
    return value


def receipt(upload):
    """The receipt's file type, checked like a contract attachment (type read from the bytes,
    size, name), or ValidationError."""
    return check_attachment(upload)
