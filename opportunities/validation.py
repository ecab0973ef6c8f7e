"""Each rule on the values of opportunities, quotes, the catalogue and forecasts, once.

Model fields carry these as validators (so ModelForms and `full_clean` apply them), forms
call them, and the services check them again, collecting every broken rule into one
`errors.InvalidInput` ({field: [messages]}) before anything is written (`raise_errors`).
The catalogue import calls the same functions.

- money: a number of yuan, not negative, at most two decimals (fen), at most MONEY_MAX;
- quantity: more than 0, at most two decimals;
- discount: 0 to 100 percent, at most two decimals;
- probability: a whole number from 0 to 100;
- VAT rate: one of `VatRate` (13, 9, 6, 0 percent);
- expected close date: not more than a year in the past nor ten years ahead (a typed year
  such as 2016 or 2206 for 2026);
- probability above the stage's default: needs a note from anyone below a manager;
- analysis and follow-up plan: required when the expected amount is above the admin's
  threshold;
- forecast: commit not above best case.
"""

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from teams import roles

from .errors import InvalidInput

FEN = Decimal("0.01")
MONEY_MAX = Decimal("999999999999.99")  # DecimalField(max_digits=14, decimal_places=2)
QUANTITY_MAX = Decimal("9999999999.99")  # DecimalField(max_digits=12, decimal_places=2)
CLOSE_DATE_PAST = timedelta(days=366)
CLOSE_DATE_FUTURE_YEARS = 10


def to_decimal(value):
    """`value` (Decimal, int, or text as typed: "1,200.50") as a finite Decimal, or a
    ValidationError. A float is read through its shortest text (Excel's 12.5 is 12.5)."""
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, bool) or value is None:
        number = None
    else:
        try:
            number = Decimal(str(value).replace(",", "").replace("，", "").strip())
        except InvalidOperation:
            number = None
    if number is None or not number.is_finite():
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": value}, code="nan")
    return number


def _two_decimals(number):
    if number != number.quantize(FEN):
        raise ValidationError(
            _("%(value)s has more than two decimals; amounts are in yuan to the fen.")
            % {"value": number},
            code="decimals",
        )


def validate_money(value):
    number = to_decimal(value)
    if number < 0:
        raise ValidationError(_("An amount cannot be negative."), code="negative")
    _two_decimals(number)
    if number > MONEY_MAX:
        raise ValidationError(
            _("%(value)s is more than %(max)s.") % {"value": number, "max": f"{MONEY_MAX:,}"},
            code="too_large",
        )


def validate_quantity(value):
    number = to_decimal(value)
    if number <= 0:
        raise ValidationError(_("The quantity must be more than 0."), code="quantity")
    if number != number.quantize(FEN):
        raise ValidationError(
            _("A quantity has at most two decimals, not %(value)s.") % {"value": number},
            code="decimals",
        )
    if number > QUANTITY_MAX:
        raise ValidationError(
            _("%(value)s is more than %(max)s.") % {"value": number, "max": f"{QUANTITY_MAX:,}"},
            code="too_large",
        )


def validate_discount(value):
    number = to_decimal(value)
    if number < 0 or number > 100:
        raise ValidationError(
            _("A discount is between 0%% and 100%%, not %(value)s%%.") % {"value": number},
            code="discount",
        )
    if number != number.quantize(FEN):
        raise ValidationError(
            _("A discount has at most two decimals, not %(value)s.") % {"value": number},
            code="decimals",
        )


def validate_probability(value):
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise ValidationError(
            _("The probability is a whole number from 0 to 100, not %(value)s.") % {"value": value},
            code="probability",
        )


def validate_vat_rate(value):
    from .models import VatRate

    if str(value) not in VatRate.values:
        raise ValidationError(
            _("The VAT rate is one of 13%%, 9%%, 6%% or 0%%, not %(value)s.") % {"value": value},
            code="vat_rate",
        )


def validate_close_date(value, *, today=None):
    if not isinstance(value, date):
        raise ValidationError(_("Enter the expected close date."), code="required")
    today = today or timezone.localdate()
    if value < today - CLOSE_DATE_PAST:
        raise ValidationError(
            _("%(date)s is more than a year in the past; check the year.")
            % {"date": value.isoformat()},
            code="past",
        )
    if value.year > today.year + CLOSE_DATE_FUTURE_YEARS:
        raise ValidationError(
            _("%(date)s is more than ten years ahead; check the year.")
            % {"date": value.isoformat()},
            code="future",
        )


def check_probability(*, probability, note, stage, by):
    """Anyone below a manager (a rep) sets a probability above the stage's default only with
    a note saying why."""
    if (
        probability > stage.default_probability
        and not (note or "").strip()
        and not roles.has_role(by, roles.MANAGING_ROLES)
    ):
        raise ValidationError(
            _("%(value)s%% is above the %(default)s%% of “%(stage)s”: add a note saying why.")
            % {"value": probability, "default": stage.default_probability, "stage": stage.name},
            code="probability_note",
        )


def check_analysis(*, expected_amount, analysis, followup_plan, settings):
    """Above the admin's threshold an opportunity carries its analysis and follow-up plan."""
    threshold = settings.analysis_required_above
    if expected_amount is None or expected_amount <= threshold:
        return {}
    message = _("Required for an expected amount above %(threshold)s yuan.") % {
        "threshold": f"{threshold:,}"
    }
    errors = {}
    if not (analysis or "").strip():
        errors["analysis"] = [message]
    if not (followup_plan or "").strip():
        errors["followup_plan"] = [message]
    return errors


def check_forecast(*, best_case, commit):
    if commit > best_case:
        raise ValidationError(
            _("The commit (%(commit)s) cannot be above the best case (%(best)s).")
            % {"commit": commit, "best": best_case},
            code="forecast",
        )


def raise_errors(errors):
    """`errors` ({field: [messages]}) as InvalidInput, if there are any."""
    errors = {field: messages for field, messages in errors.items() if messages}
    if errors:
        raise InvalidInput(errors)
