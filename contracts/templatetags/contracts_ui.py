"""Badges of the contract pages: the template never compares a choice code as a string."""

from django import template
from django.utils.html import format_html

from ..models import ApprovalDecision, ApprovalRound, Contract, Instalment

register = template.Library()

STATUS_CLASSES = {
    Contract.Status.DRAFT: "text-bg-secondary",
    Contract.Status.IN_APPROVAL: "text-bg-warning",
    Contract.Status.APPROVED: "text-bg-info",
    Contract.Status.SIGNED: "text-bg-primary",
    Contract.Status.IN_DELIVERY: "text-bg-primary",
    Contract.Status.COMPLETED: "text-bg-success",
    Contract.Status.CANCELLED: "text-bg-dark",
}
DECISION_CLASSES = {
    ApprovalDecision.Decision.APPROVE: "text-bg-success",
    ApprovalDecision.Decision.REJECT: "text-bg-danger",
    ApprovalDecision.Decision.RETURN: "text-bg-warning",
}
OUTCOME_CLASSES = {
    ApprovalRound.Outcome.IN_PROGRESS: "text-bg-warning",
    ApprovalRound.Outcome.APPROVED: "text-bg-success",
    ApprovalRound.Outcome.REJECTED: "text-bg-danger",
    ApprovalRound.Outcome.RETURNED: "text-bg-warning",
    ApprovalRound.Outcome.CANCELLED: "text-bg-dark",
}
STATE_CLASSES = {
    Instalment.State.UPCOMING: "text-bg-light border",
    Instalment.State.DUE: "text-bg-warning",
    Instalment.State.OVERDUE: "text-bg-danger",
    Instalment.State.PAID: "text-bg-success",
}


def _badge(css, label, extra=""):
    return format_html('<span class="badge {}"{}>{}</span>', css, extra, label)


@register.simple_tag
def contract_status(contract):
    return _badge(
        STATUS_CLASSES.get(contract.status, "text-bg-light"), contract.get_status_display()
    )


@register.simple_tag
def decision_badge(decision):
    return _badge(DECISION_CLASSES.get(decision.decision, ""), decision.get_decision_display())


@register.simple_tag
def outcome_badge(round):
    return _badge(OUTCOME_CLASSES.get(round.outcome, ""), round.get_outcome_display())


@register.simple_tag
def instalment_state(state, days_overdue=0):
    label = Instalment.State(state).label
    if days_overdue:
        from django.utils.translation import ngettext

        label = ngettext("Overdue %(days)d day", "Overdue %(days)d days", days_overdue) % {
            "days": days_overdue
        }
    return _badge(STATE_CLASSES.get(state, ""), label)


@register.filter
def is_overdue(state):
    return state == Instalment.State.OVERDUE


@register.filter
def duration(delta):
    """A waiting time as days, hours and minutes ("2 天 3 小时")."""
    from django.utils.translation import gettext as _

    if delta is None:
        return "—"
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 60 * 24)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(d)sd %(h)sh") % {"d": days, "h": hours}
    if hours:
        return _("%(h)sh %(m)smin") % {"h": hours, "m": minutes}
    return _("%(m)smin") % {"m": minutes}
