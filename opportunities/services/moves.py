"""Moves between stages, and the requests to skip stages.

    opportunity_move(*, opportunity, to_stage, by, reason="", lost_reason=None,
                     lost_note="", won_competitor=None) -> StageChange
    opportunity_win(*, opportunity, by, reason="") -> StageChange
    opportunity_lose(*, opportunity, by, lost_reason, won_competitor=None, note="")
    opportunity_reopen(*, opportunity, to_stage, by, reason) -> StageChange
    stage_skip_request(*, opportunity, to_stage, by, reason) -> StageSkipRequest
    stage_skip_decide(*, skip_request, by, approve, comment="") -> StageSkipRequest
    stage_skip_withdraw(*, skip_request, by) -> StageSkipRequest
    skipped_stages(from_stage, to_stage) -> [Stage]     (what a move would pass over)

The rules of a move (`opportunity_move` is the only way between stages; win, lose and reopen
call it; `to_stage` is a Stage or its id, as a kanban posts it):
1. The target exists and is active, and is not the current stage.
2. An open opportunity is moved by whoever may edit it. Forward past one open stage or more
   (won counts as the step after the last open stage) needs an approved StageSkipRequest
   for exactly this from → to, which the move uses up; backward needs none.
3. Won needs a quote version the customer accepted; the expected amount becomes the latest
   accepted version's total (tax included). Lost needs an active LostReason, and the
   winning competitor (one recorded on the opportunity) when the reason says so.
4. A won or lost opportunity is only reopened, into an open stage, by a manager or above who
   reaches its owner (never the owner), with a reason.
5. The target's checklist (checklist.py) must be met; what is missing is listed
   (ChecklistNotMet.missing).
6. The move writes a StageChange (from, to, who, when, days in the previous stage), sets the
   probability to the target's default (its note cleared), the status and `closed_at`,
   starts the solution clock when it reaches a stage that confirms the needs
   (deadlines.py), and withdraws any skip request it did not use.

A skip request (跳阶段申请) is decided by the owner's approver (teams.policy.approver_for);
a rejection says why; the rep sees the outcome on the opportunity (`skip_requests`).
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from crm_site.transitions import change_status
from teams import policy

from .. import checklist
from ..errors import ChecklistNotMet, InvalidInput, OpportunityError, SkipNeedsApproval
from ..models import (
    Competitor,
    LostReason,
    Opportunity,
    Quote,
    Stage,
    StageChange,
    StageSkipRequest,
)
from ..permissions import (
    can_edit_opportunity,
    can_move_opportunity,
    can_reopen_opportunity,
    decides_for,
)
from .common import lock_opportunity, pk_of, stage_named
from .deadlines import start_solution_clock


def _path():
    """The open stages in order, then the won stage: the steps forward."""
    stages = list(Stage.objects.active().filter(is_lost=False).order_by("is_won", "order", "pk"))
    return [s for s in stages if not s.is_won] + [s for s in stages if s.is_won]


def skipped_stages(from_stage, to_stage):
    """The stages a forward move from `from_stage` to `to_stage` passes over ([] for a move
    of one step, a move back, or a move to lost)."""
    if to_stage.is_lost or from_stage.is_closed:
        return []
    path = _path()
    ids = [s.pk for s in path]
    if from_stage.pk not in ids or to_stage.pk not in ids:
        return []
    start, end = ids.index(from_stage.pk), ids.index(to_stage.pk)
    return path[start + 1 : end]


def confirms_needs(stage):
    """`stage` is, or comes after, an open stage that confirms the needs (deadlines.py)."""
    if stage.is_lost:
        return False
    path = _path()
    marks = [i for i, s in enumerate(path) if s.confirms_needs]
    ids = [s.pk for s in path]
    return bool(marks) and stage.pk in ids and ids.index(stage.pk) >= marks[0]


def _is_forward(from_stage, to_stage):
    ids = [s.pk for s in _path()]
    if from_stage.pk in ids and to_stage.pk in ids:
        return ids.index(to_stage.pk) > ids.index(from_stage.pk)
    return True


def _lost_reason(lost_reason, won_competitor, opportunity):
    reason = LostReason.objects.filter(pk=pk_of(lost_reason), is_active=True).first()
    if lost_reason is None or reason is None:
        raise InvalidInput({"lost_reason": [_("Choose why the opportunity was lost.")]})
    competitor = None
    if won_competitor is not None:
        competitor = Competitor.objects.filter(
            pk=pk_of(won_competitor), opportunity_id=opportunity.pk
        ).first()
        if competitor is None:
            raise InvalidInput(
                {"won_competitor": [_("Choose a competitor recorded on this opportunity.")]}
            )
    if reason.needs_competitor and competitor is None:
        raise InvalidInput({"won_competitor": [_("Lost to a competitor: choose which one won.")]})
    return reason, competitor


@transaction.atomic
def opportunity_move(
    *, opportunity, to_stage, by, reason="", lost_reason=None, lost_note="", won_competitor=None
):
    """Move `opportunity` to `to_stage` following the rules of this module's docstring.
    Returns the StageChange."""
    opportunity = lock_opportunity(opportunity, by)
    target = stage_named(to_stage)
    current = opportunity.stage
    if target.pk == current.pk:
        raise OpportunityError(
            _("The opportunity is in “%(stage)s” already.") % {"stage": target.name}
        )
    reason = (reason or "").strip()
    skip_request = None
    if not opportunity.is_open:
        if not can_reopen_opportunity(by, opportunity):
            raise PermissionDenied
        if target.is_closed:
            raise OpportunityError(_("Reopen it into an open stage."))
        if not reason:
            raise InvalidInput({"reason": [_("Say why the opportunity is reopened.")]})
        kind = StageChange.Kind.REOPENED
    else:
        if not can_move_opportunity(by, opportunity):
            raise PermissionDenied
        skipped = skipped_stages(current, target)
        if skipped:
            skip_request = (
                StageSkipRequest.objects.select_for_update()
                .filter(
                    opportunity=opportunity,
                    from_stage=current,
                    to_stage=target,
                    status=StageSkipRequest.Status.APPROVED,
                )
                .first()
            )
            if skip_request is None:
                raise SkipNeedsApproval(current, target, skipped)
        if target.is_won:
            kind = StageChange.Kind.WON
        elif target.is_lost:
            kind = StageChange.Kind.LOST
        elif skipped:
            kind = StageChange.Kind.SKIP
        elif _is_forward(current, target):
            kind = StageChange.Kind.FORWARD
        else:
            kind = StageChange.Kind.BACK

    accepted = None
    if target.is_won:
        accepted = (
            opportunity.quotes.filter(status=Quote.Status.ACCEPTED).order_by("-version").first()
        )
        if accepted is None:
            raise OpportunityError(
                _("An opportunity is won with a quote the customer accepted; none is yet.")
            )
    if target.is_lost:
        lost_reason, won_competitor = _lost_reason(lost_reason, won_competitor, opportunity)
    missing = checklist.missing(opportunity, target)
    if missing:
        raise ChecklistNotMet(target, missing)

    now = timezone.now()
    days = max(0, (now - opportunity.stage_entered_at).days)
    opportunity.stage, opportunity.stage_entered_at = target, now
    opportunity.probability, opportunity.probability_note = target.default_probability, ""
    if target.is_won:
        opportunity.status, opportunity.closed_at = Opportunity.Status.WON, now
        opportunity.expected_amount = accepted.total_amount
    elif target.is_lost:
        opportunity.status, opportunity.closed_at = Opportunity.Status.LOST, now
        opportunity.lost_reason, opportunity.won_competitor = lost_reason, won_competitor
        opportunity.lost_note = (lost_note or "").strip()
    else:
        opportunity.status, opportunity.closed_at = Opportunity.Status.OPEN, None
        opportunity.lost_reason, opportunity.won_competitor, opportunity.lost_note = None, None, ""
        if opportunity.needs_confirmed_on is None and confirms_needs(target):
            start_solution_clock(opportunity, timezone.localdate())
    opportunity._history_user = by
    opportunity._change_reason = f"Stage: {current.name} → {target.name}"
    opportunity.save()

    if skip_request is not None:
        change_status(skip_request, StageSkipRequest.Status.USED, by=by)
    _withdraw_requests(opportunity, by=by)
    return StageChange.objects.create(
        opportunity=opportunity,
        kind=kind,
        from_stage=current,
        to_stage=target,
        by=by,
        days_in_previous=days,
        reason=reason or (lost_note or "").strip(),
        skip_request=skip_request,
    )


def _withdraw_requests(opportunity, *, by):
    """Skip requests made from the stage it has left no longer apply."""
    waiting = StageSkipRequest.objects.select_for_update().filter(
        opportunity=opportunity,
        status__in=[StageSkipRequest.Status.PENDING, StageSkipRequest.Status.APPROVED],
    )
    for request in waiting:
        change_status(
            request,
            StageSkipRequest.Status.WITHDRAWN,
            by=by,
            reason=gettext_noop("The opportunity moved to another stage."),
        )


def opportunity_win(*, opportunity, by, reason=""):
    """Move to the won stage (a quote the customer accepted is needed)."""
    won = Stage.objects.filter(is_won=True).first()
    return opportunity_move(opportunity=opportunity, to_stage=won, by=by, reason=reason)


def opportunity_lose(*, opportunity, by, lost_reason, won_competitor=None, note=""):
    """Move to the lost stage with a reason from the admin's list."""
    lost = Stage.objects.filter(is_lost=True).first()
    return opportunity_move(
        opportunity=opportunity,
        to_stage=lost,
        by=by,
        lost_reason=lost_reason,
        lost_note=note,
        won_competitor=won_competitor,
    )


def opportunity_reopen(*, opportunity, to_stage, by, reason):
    """A manager reopens a won or lost opportunity into an open stage, saying why."""
    return opportunity_move(opportunity=opportunity, to_stage=to_stage, by=by, reason=reason)


# --- stage skip requests ------------------------------------------------------------------


@transaction.atomic
def stage_skip_request(*, opportunity, to_stage, by, reason):
    """Ask the owner's manager to let the opportunity skip to `to_stage`."""
    opportunity = lock_opportunity(opportunity, by)
    if not can_move_opportunity(by, opportunity):
        raise PermissionDenied
    target = stage_named(to_stage)
    if not skipped_stages(opportunity.stage, target):
        raise OpportunityError(
            _("Moving to “%(stage)s” skips no stage: no approval is needed.")
            % {"stage": target.name}
        )
    if not (reason or "").strip():
        raise InvalidInput({"reason": [_("Say why the stages can be skipped.")]})
    if opportunity.skip_requests.filter(status=StageSkipRequest.Status.PENDING).exists():
        raise OpportunityError(_("A skip request is already waiting for the manager."))
    if policy.approver_for(opportunity.owner) is None:
        raise OpportunityError(
            _("Nobody can decide this request: no team above the owner has a manager.")
        )
    request = StageSkipRequest.objects.create(
        opportunity=opportunity,
        from_stage=opportunity.stage,
        to_stage=target,
        reason=reason.strip(),
        requested_by=by,
    )
    request.status_changes.create(
        from_status="", to_status=request.status, by=by, reason=gettext_noop("Requested")
    )
    return request


@transaction.atomic
def stage_skip_decide(*, skip_request, by, approve, comment=""):
    """The owner's manager approves (the rep may then make the move) or rejects, with a
    comment, a skip request; the rep sees the outcome on the opportunity."""
    request = (
        StageSkipRequest.objects.select_for_update(of=("self",))
        .select_related("opportunity__owner")
        .filter(pk=pk_of(skip_request))
        .first()
    )
    if request is None or not decides_for(by, request.opportunity.owner):
        raise PermissionDenied
    if request.status != StageSkipRequest.Status.PENDING:
        raise OpportunityError(
            _("This request was already decided: %(status)s.")
            % {"status": request.get_status_display()}
        )
    comment = (comment or "").strip()
    if not approve and not comment:
        raise InvalidInput({"comment": [_("Say why the request is rejected.")]})
    request.decided_by, request.decided_at, request.comment = by, timezone.now(), comment
    new = StageSkipRequest.Status.APPROVED if approve else StageSkipRequest.Status.REJECTED
    change_status(
        request, new, by=by, reason=comment[:500], also=["decided_by", "decided_at", "comment"]
    )
    return request


@transaction.atomic
def stage_skip_withdraw(*, skip_request, by):
    """The rep takes back a request still waiting (or approved and not used)."""
    request = (
        StageSkipRequest.objects.select_for_update(of=("self",))
        .filter(pk=pk_of(skip_request))
        .select_related("opportunity__owner", "opportunity__customer")
        .first()
    )
    if request is None or not can_edit_opportunity(by, request.opportunity):
        raise PermissionDenied
    change_status(request, StageSkipRequest.Status.WITHDRAWN, by=by)
    return request
