"""When a customer is next due for a follow-up (个性化跟进策略), and which requirement makes it due.

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

`due()` gives the date and the requirement that makes it (stored on the customer as
`next_followup_due` and `next_followup_for`, so lists explain it without a query);
`requirements()` gives every requirement of the grade with its own date, for the customer
page and the quick log's answer ("高层拜访逾期 23 天", "常规联系 2 次中已完成 1 次").
"""

from dataclasses import dataclass
from datetime import date, timedelta
from math import ceil
from typing import NamedTuple

# The GradingSettings fields that make the cadence (a change recomputes every due date).
CADENCE_FIELDS = (
    "a_executive_visit_days",
    "a_routine_contacts",
    "b_contact_days",
    "b_visit_days",
    "c_contact_days",
)

# The requirements (Customer.DueFor has their labels), and the window A's routine contacts
# are counted in.
EXECUTIVE_VISIT, ROUTINE_CONTACT, CONTACT, VISIT = (
    "executive_visit",
    "routine_contact",
    "contact",
    "visit",
)
ROUTINE_WINDOW_DAYS = 30


class Due(NamedTuple):
    date: date
    requirement: str


@dataclass(frozen=True)
class Requirement:
    """One requirement of a customer's cadence on `today`."""

    code: str
    last: date | None  # when it was last met (None: never)
    due: date
    today: date
    done: int | None = None  # A's routine contacts: how many in the last 30 days…
    needed: int | None = None  # …of how many

    @property
    def days_overdue(self):
        return max((self.today - self.due).days, 0)

    @property
    def is_overdue(self):
        return self.due < self.today


def _plan(*, grade, rules, created, last_contact, last_visit, last_executive):
    """[(requirement, last met, due date)] of the grade, in the order they are explained."""

    def after(last, days):
        return (last or created) + timedelta(days=days)

    if grade == "A":
        routine_days = ceil(ROUTINE_WINDOW_DAYS / max(rules.a_routine_contacts, 1))
        return [
            (
                EXECUTIVE_VISIT,
                last_executive,
                after(last_executive, rules.a_executive_visit_days),
            ),
            (ROUTINE_CONTACT, last_contact, after(last_contact, routine_days)),
        ]
    if grade == "B":
        return [
            (CONTACT, last_contact, after(last_contact, rules.b_contact_days)),
            (VISIT, last_visit, after(last_visit, rules.b_visit_days)),
        ]
    return [(CONTACT, last_contact, after(last_contact, rules.c_contact_days))]


def due(*, grade, rules, created, last_contact=None, last_visit=None, last_executive=None):
    """The next due date and the requirement that makes it (the first of the earliest);
    every date argument is a `date` (None when never)."""
    plan = _plan(
        grade=grade,
        rules=rules,
        created=created,
        last_contact=last_contact,
        last_visit=last_visit,
        last_executive=last_executive,
    )
    code, _last, when = min(plan, key=lambda step: step[2])
    return Due(when, code)


def next_due(**kwargs):
    """The next due date alone (see `due`)."""
    return due(**kwargs).date


def requirements(
    *,
    grade,
    rules,
    created,
    today,
    last_contact=None,
    last_visit=None,
    last_executive=None,
    contacts_in_window=0,
):
    """Every requirement of the grade on `today`, each with its own due date; A's routine
    contacts also say how many of the `a_routine_contacts` were made in the last 30 days."""
    found = []
    for code, last, when in _plan(
        grade=grade,
        rules=rules,
        created=created,
        last_contact=last_contact,
        last_visit=last_visit,
        last_executive=last_executive,
    ):
        extra = {}
        if code == ROUTINE_CONTACT:
            extra = {"done": contacts_in_window, "needed": max(rules.a_routine_contacts, 1)}
        found.append(Requirement(code=code, last=last, due=when, today=today, **extra))
    return found


def window_start(today):
    """The first day A's routine contacts are counted from."""
    return today - timedelta(days=ROUTINE_WINDOW_DAYS - 1)


# From this many days late on, a delay counts months (逾期 2 个月), not 75 days.
MONTHS_FROM_DAYS = 60


def label(code):
    """A requirement's name in the reader's language ("" for none)."""
    from django.utils.translation import pgettext

    return {
        EXECUTIVE_VISIT: pgettext("cadence", "Executive visit"),
        ROUTINE_CONTACT: pgettext("cadence", "Routine contact"),
        CONTACT: pgettext("cadence", "Contact"),
        VISIT: pgettext("cadence", "Visit"),
    }.get(code, "")


def overdue_text(code, days):
    """ "高层拜访逾期 23 天" (or 逾期 2 个月 from MONTHS_FROM_DAYS on); "" when not late."""
    from django.utils.translation import ngettext

    if days <= 0:
        return ""
    what = label(code)
    if days >= MONTHS_FROM_DAYS:
        months = days // 30
        if what:
            text = ngettext(
                "%(what)s overdue by %(counter)s month",
                "%(what)s overdue by %(counter)s months",
                months,
            )
        else:
            text = ngettext("Overdue by %(counter)s month", "Overdue by %(counter)s months", months)
        return text % {"what": what, "counter": months}
    if what:
        text = ngettext(
            "%(what)s overdue by %(counter)s day", "%(what)s overdue by %(counter)s days", days
        )
    else:
        text = ngettext("Overdue by %(counter)s day", "Overdue by %(counter)s days", days)
    return text % {"what": what, "counter": days}


def due_text(code, when, today):
    """What is due and when: "高层拜访逾期 23 天，自 2026-11-10 起", "常规联系 2026-12-20 到期"."""
    from django.utils.translation import gettext as _
    from django.utils.translation import pgettext

    days = (today - when).days
    if days > 0:
        return _("%(overdue)s, since %(date)s") % {
            "overdue": overdue_text(code, days),
            "date": when.isoformat(),
        }
    if days == 0:
        return _("%(what)s due today") % {"what": label(code) or pgettext("cadence", "Follow-up")}
    return _("%(what)s due %(date)s") % {
        "what": label(code) or pgettext("cadence", "Follow-up"),
        "date": when.isoformat(),
    }


def progress_text(requirement):
    """A's routine contacts: "常规联系 2 次中已完成 1 次（近 30 天）"; "" for other requirements."""
    from django.utils.translation import gettext as _

    if requirement.needed is None:
        return ""
    return _("%(done)s of %(needed)s routine contacts made in the last %(days)s days") % {
        "done": min(requirement.done, requirement.needed),
        "needed": requirement.needed,
        "days": ROUTINE_WINDOW_DAYS,
    }


def help_text(rules):
    """The rule in words, for the settings page and the customer page."""
    from django.utils.translation import gettext as _

    return {
        "A": _("An executive visit every %(exec)s days and a contact every %(routine)s days.")
        % {
            "exec": rules.a_executive_visit_days,
            "routine": ceil(ROUTINE_WINDOW_DAYS / max(rules.a_routine_contacts, 1)),
        },
        "B": _("A contact every %(contact)s days and a visit every %(visit)s days.")
        % {"contact": rules.b_contact_days, "visit": rules.b_visit_days},
        "C": _("A contact every %(contact)s days.") % {"contact": rules.c_contact_days},
    }
