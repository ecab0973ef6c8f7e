"""The customers panels of the home page (HOME_PANELS hooks, registered in hooks.py): my
tasks, my overdue customers, cadence debt, the grade review and the second checks."""

from django.db.models import Count
from django.utils import timezone

from crm_site.hooks import Panel
from teams.models import User

from .models import Customer, GradeProposal, Task
from .permissions import (
    checks_grades,
    manages_customers,
    works_with_customers,
)

PANEL_ROWS = 8

# What a panel's row may show of a customer and of a person: never notes, addresses, needs or
# password hashes. Each panel is one indexed query for its rows and one for its total
# (Customer.Meta and Task.Meta name the indexes).
CUSTOMER_COLUMNS = (
    "name",
    "grade",
    "status",
    "second_check",
    "next_followup_due",
    "last_followup_at",
    "owner",
    "second_check_requested_by",
    "updated_at",
)
PERSON_COLUMNS = ("username", "first_name", "last_name")


def _columns(prefix, names):
    return [f"{prefix}__{name}" for name in names]


def my_tasks(*, user):
    if not works_with_customers(user):
        return None
    today = timezone.localdate()
    tasks = Task.objects.visible_to(user).open().filter(owner=user)
    return Panel(
        "customers/panels/my_tasks.html",
        {
            "today": today,
            "tasks": list(
                tasks.select_related("customer")
                .only(
                    *(field.name for field in Task._meta.concrete_fields),
                    *_columns("customer", CUSTOMER_COLUMNS),
                )
                .order_by("due_date", "pk")[:PANEL_ROWS]
            ),
            "total": tasks.count(),
        },
    )


def overdue_customers(*, user):
    if not works_with_customers(user):
        return None
    today = timezone.localdate()
    overdue = Customer.objects.visible_to(user).filter(owner=user).overdue(today)
    return Panel(
        "customers/panels/overdue_customers.html",
        {
            "today": today,
            "customers": list(
                overdue.only(*CUSTOMER_COLUMNS).order_by("next_followup_due", "pk")[:PANEL_ROWS]
            ),
            "total": overdue.count(),
        },
    )


def cadence_debt(*, user):
    """Overdue customers per owner in the manager's scope, most overdue first."""
    if not manages_customers(user):
        return None
    today = timezone.localdate()
    rows = list(
        Customer.objects.visible_to(user)
        .overdue(today)
        .values("owner")
        .annotate(overdue=Count("*"))  # not COUNT(id): the index alone answers
        .order_by("-overdue", "owner")[:20]
    )
    owners = User.objects.only(*PERSON_COLUMNS).in_bulk([row["owner"] for row in rows])
    for row in rows:
        row["owner_user"] = owners[row["owner"]]
    return Panel("customers/panels/cadence_debt.html", {"rows": rows})


def grade_review(*, user):
    """Pending quarterly grade proposals of the customers the manager sees."""
    if not checks_grades(user):
        return None
    pending = GradeProposal.objects.visible_to(user).filter(status=GradeProposal.Status.PENDING)
    return Panel("customers/panels/grade_review.html", {"total": pending.count()})


def pending_a_checks(*, user):
    """二次核对: A customers in the user's scope waiting for a second check they may give
    (never the ones they made A themselves)."""
    if not checks_grades(user):
        return None
    pending = (
        Customer.objects.visible_to(user)
        .filter(second_check=Customer.SecondCheck.PENDING)
        .exclude(second_check_requested_by=user)
    )
    return Panel(
        "customers/panels/pending_a_checks.html",
        {
            "customers": list(
                pending.select_related("owner", "second_check_requested_by")
                .only(
                    *CUSTOMER_COLUMNS,
                    *_columns("owner", PERSON_COLUMNS),
                    *_columns("second_check_requested_by", PERSON_COLUMNS),
                )
                .order_by("updated_at", "pk")[:PANEL_ROWS]
            ),
            "total": pending.count(),
        },
    )
