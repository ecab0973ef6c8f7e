"""When a customer is next due for a follow-up (个性化跟进策略).

The rule, per grade, with the admin's settings (defaults in brackets):

- A: an executive visit every `a_executive_visit_days` [30] days, and `a_routine_contacts`
  [2] contacts of any kind per 30 days, i.e. one every 30 / 2 = 15 days. The customer is due
  at the earlier of: last executive visit + 30 days, last contact + 15 days.
- B: a contact of any kind every `b_contact_days` [14] days and a visit every `b_visit_days`
  [30] days: due at the earlier of last contact + 14, last visit + 30.
- C: one contact of any kind every `c_contact_days` [30] days: due at last contact + 30.

Something never done counts from the day the customer was created, so a new customer is
due one interval after it was entered. A customer whose next due date is before today is
overdue.
"""

from datetime import timedelta
from math import ceil

# The GradingSettings fields that make the cadence (a change recomputes every due date).
CADENCE_FIELDS = (
    "a_executive_visit_days",
    "a_routine_contacts",
    "b_contact_days",
    "b_visit_days",
    "c_contact_days",
)


def next_due(*, grade, rules, created, last_contact=None, last_visit=None, last_executive=None):
    """The next due date; every date argument is a `date` (None when never)."""

    def after(last, days):
        return (last or created) + timedelta(days=days)

    if grade == "A":
        routine_days = ceil(30 / max(rules.a_routine_contacts, 1))
        return min(
            after(last_executive, rules.a_executive_visit_days), after(last_contact, routine_days)
        )
    if grade == "B":
        return min(after(last_contact, rules.b_contact_days), after(last_visit, rules.b_visit_days))
    return after(last_contact, rules.c_contact_days)


def help_text(rules):
    """The rule in words, for the settings page and the customer page."""
    from django.utils.translation import gettext as _

    return {
        "A": _("An executive visit every %(exec)s days and a contact every %(routine)s days.")
        % {
            "exec": rules.a_executive_visit_days,
            "routine": ceil(30 / max(rules.a_routine_contacts, 1)),
        },
        "B": _("A contact every %(contact)s days and a visit every %(visit)s days.")
        % {"contact": rules.b_contact_days, "visit": rules.b_visit_days},
        "C": _("A contact every %(contact)s days.") % {"contact": rules.c_contact_days},
    }
