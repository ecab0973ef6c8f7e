"""The sections of the customer page, so later apps add theirs without `customers` importing them.

An app registers a section in its `AppConfig.ready()`::

    from customers.sections import register_section

    def open_opportunities(customer, user):
        return {"opportunities": list(Opportunity.objects.visible_to(user).filter(...))}

    register_section(
        "opportunities/sections/customer_opportunities.html",
        open_opportunities,
        column="main",
        order=20,
        predicate=lambda user, customer: user.has_perm("opportunities.view", customer),
    )

- `template_name` is a fragment included on the page with the page's context (`customer`,
  `user`, `can`…) plus `section`: what `context(customer, user)` returned (`{}` without one).
- `context` must run a constant number of queries (never one per row): the page pins its
  query count with 1 and 50 rows of everything.
- `column` is "main" (the wide column, above the timeline) or "side" (under the contacts).
- `order` sorts the sections of a column (customers' own use 10-90; apps pick from 100).
- `predicate(user, customer)`, when given, hides the section from users it refuses.

The customer page renders `sections_for(customer, user)`; events in the page's timeline come
from the separate registry in `customers/timeline.py`.
"""

from dataclasses import dataclass

from django.db.models import Prefetch, prefetch_related_objects

from .models import GradeChange, NeedsSurvey

COLUMNS = ("main", "side")


@dataclass(frozen=True)
class Section:
    template_name: str
    context: object = None
    column: str = "main"
    order: int = 100
    predicate: object = None


_sections = []


def register_section(template_name, context=None, *, column="main", order=100, predicate=None):
    """Add a section to the customer page (see the module docstring)."""
    if column not in COLUMNS:
        raise ValueError(f"column must be one of {COLUMNS}, not {column!r}")
    # Registering the same template twice (a module imported twice) keeps one section.
    _sections[:] = [s for s in _sections if s.template_name != template_name]
    _sections.append(Section(template_name, context, column, order, predicate))
    return context


def sections_for(customer, user):
    """The sections this user sees, per column, each `{"template": ..., "context": {...}}`."""
    found = {column: [] for column in COLUMNS}
    for section in sorted(_sections, key=lambda s: (s.order, s.template_name)):
        if section.predicate is not None and not section.predicate(user, customer):
            continue
        context = section.context(customer, user) if section.context else {}
        found[section.column].append({"template": section.template_name, "context": context})
    return found


# --- the customers app's own sections ------------------------------------------------------


def _surveys(customer, user):
    """The surveys partial reads `customer.surveys.all`: fetch them once, with their lines."""
    surveys = NeedsSurvey.objects.select_related("surveyor").prefetch_related("needs")
    prefetch_related_objects([customer], Prefetch("surveys", queryset=surveys))
    return {}


def _grade_history(customer, user):
    changes = GradeChange.objects.select_related("changed_by")
    prefetch_related_objects([customer], Prefetch("grade_changes", queryset=changes))
    return {}


register_section("customers/sections/needs_surveys.html", _surveys, column="main", order=10)
register_section("customers/sections/grade_history.html", _grade_history, column="side", order=50)
