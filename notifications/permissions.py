"""Who may do what with notifications. Every user reads their own (`for_user`); these
predicates are for the administration of rules and team channels."""

import rules

from teams import access
from teams.capabilities import SETTINGS


@rules.predicate
def administers_reminders(user):
    """Admins: the rules page, the thresholds, the teams' robots."""
    return access.has_capability(user, SETTINGS)


rules.add_perm("notifications.manage_reminders", administers_reminders)
