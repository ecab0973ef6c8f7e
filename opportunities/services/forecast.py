"""A manager's forecast for a team and month.

    forecast_commit(*, by, team, month, best_case, commit, note="") -> ForecastCommit

Each commit is a new row (the history); the latest per team and month is the forecast the
forecast page sets against what closed (selectors.forecast_commits).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .. import validation
from ..models import ForecastCommit
from ..permissions import can_commit_forecast


@transaction.atomic
def forecast_commit(*, by, team, month, best_case, commit, note=""):
    """Commit best case and commit (yuan) for `team` in the month of `month` (any day)."""
    if not can_commit_forecast(by, team):
        raise PermissionDenied
    errors, values = {}, {}
    for field, value in (("best_case", best_case), ("commit", commit)):
        try:
            validation.validate_money(value)
            values[field] = validation.to_decimal(value)
        except ValidationError as error:
            errors[field] = error.messages
    if month is None:
        errors["month"] = [_("Choose the month.")]
    if not errors:
        try:
            validation.check_forecast(**values)
        except ValidationError as error:
            errors["commit"] = error.messages
    validation.raise_errors(errors)
    return ForecastCommit.objects.create(
        team=team,
        month=month.replace(day=1),
        note=(note or "").strip()[:300],
        by=by,
        **values,
    )
