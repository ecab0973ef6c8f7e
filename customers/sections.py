"""The sections of the customer page: CUSTOMER_SECTIONS hooks (crm_site/hooks.py), so later
apps add theirs without `customers` importing them.

A hook returns a `Section` (or None for a user who may not see it) and runs a constant number
of queries: the page pins its query count with 1 and 50 rows of everything. Events in the
page's timeline come from the CUSTOMER_TIMELINE hooks (customers/timeline.py).
"""

from django.db.models import Prefetch, prefetch_related_objects

from crm_site import hooks
from crm_site.hooks import Section

from .models import GradeChange, NeedsSurvey, OwnershipChange, Pool


def sections_for(customer, user):
    """The sections this user sees, per column, in hook order."""
    found = {column: [] for column in hooks.SECTION_COLUMNS}
    for fn in hooks.get(hooks.CUSTOMER_SECTIONS):
        section = fn(customer=customer, user=user)
        if section is not None:
            found[section.column].append(section)
    return found


# --- the customers app's own sections (registered in hooks.py) -------------------------------


def needs_surveys(*, customer, user):
    """The surveys partial reads `customer.surveys.all`: fetch them once, with their lines."""
    surveys = NeedsSurvey.objects.select_related("surveyor").prefetch_related("needs")
    prefetch_related_objects([customer], Prefetch("surveys", queryset=surveys))
    return Section("customers/sections/needs_surveys.html", column="main")


def grade_history(*, customer, user):
    changes = GradeChange.objects.select_related("changed_by")
    prefetch_related_objects([customer], Prefetch("grade_changes", queryset=changes))
    return Section("customers/sections/grade_history.html", column="side")


def pool(*, customer, user):
    """Its pool (公海) and the actions on it, and its last owner changes (two queries)."""
    changes = list(
        OwnershipChange.objects.filter(customer=customer).select_related("from_user", "to_user")[
            :OWNERSHIP_ROWS
        ]
    )
    in_pool = customer.pool_id is not None
    return Section(
        "customers/sections/pool.html",
        column="side",
        context={
            "pool": Pool.objects.filter(pk=customer.pool_id).first() if in_pool else None,
            "changes": changes,
            "can_claim": in_pool and user.has_perm("customers.claim_from_pool", customer),
            "can_assign": in_pool and user.has_perm("customers.assign_from_pool", customer),
            "can_return": user.has_perm("customers.return_to_pool", customer),
        },
    )


OWNERSHIP_ROWS = 10
