"""Working-day deadlines: the solution is due N working days (OpportunitySettings, 5 by
default) after the customer's needs are confirmed, on the calendar of `teams.workdays`; a
rep asks for more time with an extension request (延期申请) that the owner's manager decides.

When are the needs confirmed? Either the rep says so (`opportunity_confirm_needs`, e.g. once
the needs survey is signed off), or, if nobody did, when the opportunity enters a stage
flagged `confirms_needs` or any stage after it (the seeded 方案报价: moving out of 需求确认
means the needs were confirmed), that day. The due date is then fixed: only an approved
extension moves it. The solution counts as delivered when its first quote version is
submitted for review (services/quotes.py sets `solution_submitted_at`); an open opportunity
past its due date without one is overdue (`Opportunity.objects.solution_overdue()`).

    opportunity_confirm_needs(*, opportunity, by, on=None) -> Opportunity
    extension_request(*, opportunity, by, new_due, reason) -> ExtensionRequest
    extension_decide(*, extension, by, approve, comment="") -> ExtensionRequest
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from crm_site.transitions import change_status
from teams import policy, workdays

from ..errors import InvalidInput, OpportunityError
from ..models import ExtensionRequest, Opportunity, OpportunitySettings
from ..permissions import can_edit_opportunity, decides_for
from .common import lock_opportunity


def solution_due_after(day, *, settings=None):
    """The date the solution is due when the needs were confirmed on `day`."""
    settings = settings or OpportunitySettings.load()
    return workdays.add_working_days(day, settings.solution_working_days)


def start_solution_clock(opportunity, day):
    """Set the needs-confirmed day and the due date on `opportunity` (the caller saves)."""
    opportunity.needs_confirmed_on = day
    opportunity.solution_due = solution_due_after(day)


@transaction.atomic
def opportunity_confirm_needs(*, opportunity, by, on=None):
    """The customer's needs are confirmed (on `on`, today by default): the solution is due N
    working days later. Once set, only an approved extension moves the due date."""
    opportunity = lock_opportunity(opportunity, by)
    if not can_edit_opportunity(by, opportunity):
        raise PermissionDenied
    if not opportunity.is_open:
        raise OpportunityError(_("This opportunity is closed."))
    if opportunity.needs_confirmed_on is not None:
        raise OpportunityError(
            _(
                "The needs were already confirmed on %(date)s; the solution is due on %(due)s. "
                "Ask for an extension to move that date."
            )
            % {
                "date": date_format(opportunity.needs_confirmed_on),
                "due": date_format(opportunity.solution_due),
            }
        )
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise InvalidInput({"on": [_("The needs cannot be confirmed on a day still to come.")]})
    start_solution_clock(opportunity, on)
    opportunity._history_user = by
    opportunity._change_reason = "Needs confirmed"
    opportunity.save(update_fields=["needs_confirmed_on", "solution_due", "updated_at"])
    return opportunity


@transaction.atomic
def extension_request(*, opportunity, by, new_due, reason):
    """延期申请: ask the owner's manager for a later due date for the solution."""
    opportunity = lock_opportunity(opportunity, by)
    if not can_edit_opportunity(by, opportunity):
        raise PermissionDenied
    if not opportunity.is_open:
        raise OpportunityError(_("This opportunity is closed."))
    if opportunity.solution_due is None:
        raise OpportunityError(
            _("No solution is due yet: the needs of this opportunity are not confirmed.")
        )
    if opportunity.solution_submitted_at is not None:
        raise OpportunityError(_("The solution was already submitted; nothing is due."))
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = [_("Say why more time is needed.")]
    if new_due is None or new_due <= opportunity.solution_due:
        errors["new_due"] = [
            _("Choose a date after the current due date, %(due)s.")
            % {"due": date_format(opportunity.solution_due)}
        ]
    elif not workdays.is_working_day(new_due):
        errors["new_due"] = [
            _("%(date)s is not a working day; choose a working day.")
            % {"date": date_format(new_due)}
        ]
    if errors:
        raise InvalidInput(errors)
    if opportunity.extension_requests.filter(status=ExtensionRequest.Status.PENDING).exists():
        raise OpportunityError(_("An extension request is already waiting for the manager."))
    if policy.approver_for(opportunity.owner) is None:
        raise OpportunityError(
            _("Nobody can decide this request: no team above the owner has a manager.")
        )
    extension = ExtensionRequest.objects.create(
        opportunity=opportunity,
        reason=reason.strip(),
        current_due=opportunity.solution_due,
        new_due=new_due,
        requested_by=by,
    )
    extension.status_changes.create(
        from_status="", to_status=extension.status, by=by, reason=gettext_noop("Requested")
    )
    return extension


@transaction.atomic
def extension_decide(*, extension, by, approve, comment=""):
    """The owner's manager approves (the due date moves) or refuses (it stays) a request."""
    extension = (
        ExtensionRequest.objects.select_for_update(of=("self",))
        .select_related("opportunity__owner")
        .filter(pk=extension.pk)
        .first()
    )
    if extension is None or not decides_for(by, extension.opportunity.owner):
        raise PermissionDenied
    if extension.status != ExtensionRequest.Status.PENDING:
        raise OpportunityError(
            _("This request was already decided: %(status)s.")
            % {"status": extension.get_status_display()}
        )
    comment = (comment or "").strip()
    if not approve and not comment:
        raise InvalidInput({"comment": [_("Say why the request is refused.")]})
    extension.decided_by, extension.decided_at = by, timezone.now()
    extension.comment = comment
    new = ExtensionRequest.Status.APPROVED if approve else ExtensionRequest.Status.REFUSED
    change_status(
        extension, new, by=by, reason=comment[:500], also=["decided_by", "decided_at", "comment"]
    )
    if approve:
        opportunity = Opportunity.objects.select_for_update(of=("self",)).get(
            pk=extension.opportunity_id
        )
        opportunity.solution_due = extension.new_due
        opportunity._history_user = by
        opportunity._change_reason = "Extension approved"
        opportunity.save(update_fields=["solution_due", "updated_at"])
    return extension
