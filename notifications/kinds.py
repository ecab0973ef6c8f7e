"""The kinds of notification, and the channel each goes to when its reader chose none.

A kind is data: a code stored on each notification, a label, a default channel. The apps'
reminder rules (`REMINDER_RULES` hooks) and the services that notify at once (a complaint
escalated to a manager) pick one of these; a new rule or event adds its kind here.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    FOLLOWUP_DUE = "followup_due", _("Follow-up due")
    FOLLOWUP_OVERDUE_TEAM = "followup_overdue_team", _("Team's overdue follow-ups (weekly)")
    TASK_DUE = "task_due", _("Task due")
    SOLUTION_OVERDUE = "solution_overdue", _("Solution overdue")
    APPROVAL_WAITING = "approval_waiting", _("Approval waiting")
    INSTALMENT_DUE = "instalment_due", _("Instalment due")
    INSTALMENT_OVERDUE = "instalment_overdue", _("Instalment overdue")
    LEAD_UNSCREENED = "lead_unscreened", _("Lead not screened")
    RECLAIM_WARNING = "reclaim_warning", _("Customer about to go back to the pool")
    GRADE_REVIEW = "grade_review", _("Grade review proposals ready")
    COMPLAINT_DEADLINE = "complaint_deadline", _("Complaint deadline")
    PHASE_LATE = "phase_late", _("Delivery phase late")
    REVISITS_DUE = "revisits_due", _("Quarterly revisits due")
    COMPLAINT_ESCALATED = "complaint_escalated", _("Complaint escalated to me")
    GRADE_CHECK_REJECTED = "grade_check_rejected", _("My A grade was rejected in the second check")


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the app only")
    EMAIL = "email", _("In the app and by email")
    DIGEST = "digest", _("In the app and in the morning digest email")


DEFAULT_CHANNEL = {
    Kind.FOLLOWUP_DUE: Channel.IN_APP,
    Kind.FOLLOWUP_OVERDUE_TEAM: Channel.DIGEST,
    Kind.TASK_DUE: Channel.IN_APP,
    Kind.SOLUTION_OVERDUE: Channel.EMAIL,
    Kind.APPROVAL_WAITING: Channel.EMAIL,
    Kind.INSTALMENT_DUE: Channel.IN_APP,
    Kind.INSTALMENT_OVERDUE: Channel.EMAIL,
    Kind.LEAD_UNSCREENED: Channel.IN_APP,
    Kind.RECLAIM_WARNING: Channel.EMAIL,
    Kind.GRADE_REVIEW: Channel.EMAIL,
    Kind.COMPLAINT_DEADLINE: Channel.EMAIL,
    Kind.PHASE_LATE: Channel.EMAIL,
    Kind.REVISITS_DUE: Channel.DIGEST,
    Kind.COMPLAINT_ESCALATED: Channel.EMAIL,
    Kind.GRADE_CHECK_REJECTED: Channel.IN_APP,
}
