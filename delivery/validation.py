"""Each rule of delivery once; forms and services both call these.

- a phase ends on or after its start, within the contract's term (only an approved change
  request moves a phase beyond it);
- a percent done is 0-100;
- an acceptance is recorded only for a contract in delivery; a conditional pass or a fail
  names its open items.
"""

from django.utils.translation import gettext as _

from .errors import InvalidInput


def phase_date_errors(*, start, end, contract, beyond_term=False):
    """{field: [message]} for a phase from `start` to `end` of `contract`'s plan."""
    errors = {}
    if start is None:
        errors["start_date"] = [_("Enter the day the phase starts.")]
    if end is None:
        errors["end_date"] = [_("Enter the day the phase ends.")]
    if errors:
        return errors
    if end < start:
        errors["end_date"] = [_("A phase cannot end before it starts.")]
    elif not beyond_term:
        term = {
            "start": contract.start_date.isoformat(),
            "end": contract.end_date.isoformat(),
        }
        if start < contract.start_date:
            errors["start_date"] = [
                _(
                    "The phase starts before the contract term (%(start)s to %(end)s); "
                    "a change request moves it outside the term."
                )
                % term
            ]
        if end > contract.end_date:
            errors["end_date"] = [
                _(
                    "The phase ends after the contract term (%(start)s to %(end)s); "
                    "a change request moves it outside the term."
                )
                % term
            ]
    return errors


def check_phase_dates(**kwargs):
    if errors := phase_date_errors(**kwargs):
        raise InvalidInput(errors)


def percent_errors(percent):
    if percent is None or not 0 <= percent <= 100:
        return {"percent_done": [_("The percent done is between 0 and 100.")]}
    return {}


def acceptance_errors(*, contract, result, items):
    from contracts.models import Contract

    from .models import Acceptance

    errors = {}
    if contract.status != Contract.Status.IN_DELIVERY:
        errors["__all__"] = [
            _("An acceptance is recorded for a contract in delivery; this one is “%(status)s”.")
            % {"status": contract.get_status_display()}
        ]
    if result in (Acceptance.Result.CONDITIONAL, Acceptance.Result.FAIL) and not items:
        errors["open_items"] = [_("A conditional pass or a fail lists its open items, one a line.")]
    return errors
