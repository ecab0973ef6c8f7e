"""The customers app's invariants, each written once: forms call these in `clean()`, services
call them again through `enforce()` (so an import, a task or a later API cannot bypass a
rule), and the Excel reader turns their messages into problems of a row.

Every check raises `ValidationError` with the message for the user (a dict of messages per
field where the form shows them on a field). A check about whom the acting user may reach
raises it with `code=OUT_OF_REACH`: services turn that one into `PermissionDenied`.
"""

import re
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from teams import access, policy, roles

from . import normalize
from .errors import CustomerError

OUT_OF_REACH = "out_of_reach"

# GB 32100: 18 characters, digits and capital letters but I, O, S, V and Z; the third to eighth
# are the administrative division (digits).
CREDIT_CODE_RE = re.compile(r"^[0-9A-HJ-NP-RTUWXY]{2}\d{6}[0-9A-HJ-NP-RTUWXY]{10}$")

# 外勤签到: the bounds of a browser's position.
MAX_ACCURACY_M = 1_000_000


@contextmanager
def enforce():
    """For services: a broken rule becomes a CustomerError with its messages (PermissionDenied
    when the user named someone beyond their reach); nothing was written before the check."""
    try:
        yield
    except ValidationError as error:
        if getattr(error, "code", None) == OUT_OF_REACH:
            raise PermissionDenied(" ".join(error.messages)) from error
        raise CustomerError(" ".join(error.messages)) from error


# --- the customer record -------------------------------------------------------------------


def credit_code(value, *, stored=""):
    """The unified social credit code as stored (upper case, no spaces), or ValidationError.

    A code already stored and left as it is passes: records saved under the looser rule of
    earlier versions stay editable."""
    code = re.sub(r"\s+", "", normalize.credit_code(value))
    if code and code != stored and not CREDIT_CODE_RE.match(code):
        raise ValidationError(
            _(
                "A unified social credit code is 18 characters: digits and capital letters "
                "other than I, O, S, V and Z."
            )
        )
    return code


def not_a_duplicate(*, name="", credit_code="", exclude_pk=None):
    """录入查重: no second customer with the same normalised name (`normalize.name_key`) or
    credit code, among ALL customers (a near match, such as a shared phone or a similar name,
    may be saved anyway: `selectors.duplicate_matches`). The message names the existing record
    and its owner, nothing else."""
    from .models import Customer

    key, code = normalize.name_key(name), normalize.credit_code(credit_code)
    checks = (("name", "name_key", key), ("credit_code", "credit_code", code))
    problems = {}
    for field, column, value in checks:
        if not value:
            continue
        found = Customer.objects.filter(**{column: value}).select_related("owner")
        if exclude_pk:
            found = found.exclude(pk=exclude_pk)
        existing = found.order_by("pk").first()
        if existing is None:
            continue
        values = {
            "name": existing.name,
            "owner": existing.owner.display_name if existing.owner_id else _("the pool"),
        }
        if field == "name":
            text = _(
                "%(name)s (owner: %(owner)s) has this name already: it cannot be entered twice."
            )
        else:
            text = _(
                "%(name)s (owner: %(owner)s) has this credit code already: it cannot be entered "
                "twice."
            )
        problems[field] = text % values
    if problems:
        raise ValidationError(problems)


def amounts(*, budget_min=None, budget_max=None, annual_purchase_estimate=None):
    """No amount below zero, and a budget's upper end not below its lower end."""
    problems = {}
    for name, value in (("budget_min", budget_min), ("budget_max", budget_max)):
        if value is not None and value < 0:
            problems[name] = _("A budget cannot be negative.")
    if annual_purchase_estimate is not None and annual_purchase_estimate < 0:
        problems["annual_purchase_estimate"] = _("Amounts cannot be negative.")
    if not problems and None not in (budget_min, budget_max) and budget_min > budget_max:
        problems["budget_max"] = _("The upper end cannot be below the lower end.")
    if problems:
        raise ValidationError(problems)


# --- who owns a customer, who works on it ------------------------------------------------


def may_own_customers(user):
    """Only active sales colleagues (reps, managers, directors) own customers."""
    return user.is_active and access.base_role(user) in roles.OWNER_ROLES


def owner(by, owner, *, current=None):
    """Whom `by` may make a customer's owner (create, edit, import, bulk reassign, handover):
    an active sales colleague (`roles.OWNER_ROLES`), and either `by` themself when they may
    enter customers or, for managers and above, someone within their reach
    (`selectors.owner_choices` lists the same people). `current`, the owner a customer has,
    is no change and always passes."""
    from .permissions import can_create_customer, manages_customers

    if owner is None:
        raise ValidationError(_("Choose the owner."))
    if current is not None and owner.pk == current.pk:
        return owner
    if owner.pk == by.pk:
        allowed = can_create_customer(by)
    else:
        allowed = manages_customers(by) and policy.reaches_owner(by, owner)
    if not allowed:
        raise ValidationError(
            _("Choose an active sales colleague in your teams."), code=OUT_OF_REACH
        )
    if not owner.is_active:
        raise ValidationError(
            _("%(name)s is deactivated and cannot receive customers.") % {"name": owner}
        )
    if not may_own_customers(owner):
        raise ValidationError(
            _("%(name)s does not work with customers and cannot receive them.") % {"name": owner}
        )
    return owner


def may_share_with(user):
    """Colleagues (协作人) are active sales reps and managers, in any team: a colleague
    elsewhere often helps with a customer."""
    return user.is_active and access.base_role(user) in roles.SHARE_ROLES


def colleague(customer, user):
    """Whom a customer may be shared with: an active rep or manager who does not own it."""
    if user is None:
        raise ValidationError(_("Choose a colleague."))
    if user.pk == customer.owner_id:
        raise ValidationError(_("%(name)s owns this customer already.") % {"name": user})
    if not may_share_with(user):
        raise ValidationError(
            _("%(name)s is not an active sales colleague and cannot be added.") % {"name": user}
        )
    return user


# --- follow-ups --------------------------------------------------------------------------


def followup_time(occurred_at, *, now=None):
    """A follow-up happened already: never later than now."""
    if occurred_at > (now or timezone.now()):
        raise ValidationError(_("A follow-up cannot be in the future."))
    return occurred_at


def check_in(*, latitude, longitude, accuracy):
    """外勤签到: both coordinates or none, inside their ranges, the accuracy in 0..1,000 km.
    Numbers of any kind (the form's floats, a service's Decimals)."""
    if latitude is None and longitude is None and accuracy is None:
        return
    if latitude is None or longitude is None:
        raise ValidationError(_("A check-in needs both latitude and longitude. Check in again."))
    problems = []
    if not -90 <= latitude <= 90:
        problems.append(_("The check-in latitude must be between -90 and 90."))
    if not -180 <= longitude <= 180:
        problems.append(_("The check-in longitude must be between -180 and 180."))
    if accuracy is not None and not 0 <= accuracy <= MAX_ACCURACY_M:
        problems.append(_("The check-in accuracy must be between 0 and 1,000,000 m."))
    if problems:
        raise ValidationError(problems)


# --- lead screening (线索筛选) ---------------------------------------------------------------

SCREENING_WEIGHT_TOTAL = 100


def screening_weights(**weights):
    """The screening weights (field name: value): each 0 to 100, together 100, so that an admin
    reads each one as its share of the score."""
    errors = {}
    for name, value in weights.items():
        if value is None or not 0 <= value <= SCREENING_WEIGHT_TOTAL:
            errors[name] = _("A weight is a whole number from 0 to 100.")
    if errors:
        raise ValidationError(errors)
    total = sum(weights.values())
    if total != SCREENING_WEIGHT_TOTAL:
        raise ValidationError(
            _("The weights must add up to 100; they add up to %(total)s.") % {"total": total}
        )
