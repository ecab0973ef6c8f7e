"""The customers panels of the home page: my tasks, my overdue customers, cadence debt."""

from django.db.models import Count
from django.utils import timezone

from teams.home import register_panel
from teams.models import User

from .models import Customer, GradeProposal, Task
from .permissions import (
    checks_grades,
    manages_customers,
    works_with_customers,
)

PANEL_ROWS = 8


def my_tasks(user):
    today = timezone.localdate()
    tasks = Task.objects.visible_to(user).open().filter(owner=user)
    return {
        "today": today,
        "tasks": list(tasks.select_related("customer").order_by("due_date", "pk")[:PANEL_ROWS]),
        "total": tasks.count(),
    }


def overdue_customers(user):
    today = timezone.localdate()
    overdue = Customer.objects.visible_to(user).filter(owner=user).overdue(today)
    return {
        "today": today,
        "customers": list(overdue.order_by("next_followup_due", "pk")[:PANEL_ROWS]),
        "total": overdue.count(),
    }


def cadence_debt(user):
    """Overdue customers per owner in the manager's scope, most overdue first."""
    today = timezone.localdate()
    rows = list(
        Customer.objects.visible_to(user)
        .overdue(today)
        .values("owner")
        .annotate(overdue=Count("pk"))
        .order_by("-overdue", "owner")[:20]
    )
    owners = User.objects.in_bulk([row["owner"] for row in rows])
    for row in rows:
        row["owner_user"] = owners[row["owner"]]
    return {"rows": rows}


register_panel("customers/panels/my_tasks.html", works_with_customers, my_tasks)
register_panel("customers/panels/overdue_customers.html", works_with_customers, overdue_customers)
register_panel("customers/panels/cadence_debt.html", manages_customers, cadence_debt)


def grade_review(user):
    """Pending quarterly grade proposals of the customers the manager sees."""
    return {
        "total": GradeProposal.objects.visible_to(user)
        .filter(status=GradeProposal.Status.PENDING)
        .count()
    }


register_panel("customers/panels/grade_review.html", checks_grades, grade_review)


def pending_a_checks(user):
    """二次核对: A customers in the user's scope waiting for a second check they may give
    (never the ones they made A themselves)."""
    pending = (
        Customer.objects.visible_to(user)
        .filter(review=Customer.Review.PENDING)
        .exclude(review_requested_by=user)
    )
    return {
        "customers": list(
            pending.select_related("owner", "review_requested_by").order_by("updated_at", "pk")[
                :PANEL_ROWS
            ]
        ),
        "total": pending.count(),
    }


register_panel("customers/panels/pending_a_checks.html", checks_grades, pending_a_checks)
