"""The customers panels of the home page (HOME_PANELS hooks, registered in hooks.py): my
tasks, my overdue customers, cadence debt, the grade review and the second checks."""

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from crm_site.hooks import Panel
from teams import roles
from teams.models import User

from .models import Customer, GradeProposal, Task
from .permissions import (
    checks_grades,
    manages_customers,
    works_with_customers,
)
from .selectors import task_counts

PANEL_ROWS = 8
# The cadence-debt panel's reps, most overdue first.
DEBT_ROWS = 40

# What a panel's row may show of a customer and of a person: never notes, addresses, needs or
# password hashes. Each panel is one indexed query for its rows and one for its total
# (Customer.Meta and Task.Meta name the indexes).
CUSTOMER_COLUMNS = (
    "name",
    "grade",
    "status",
    "second_check",
    "next_followup_due",
    "next_followup_for",
    "last_followup_at",
    "owner",
    "second_check_requested_by",
    "updated_at",
)
PERSON_COLUMNS = ("username", "first_name", "last_name")


def _columns(prefix, names):
    return [f"{prefix}__{name}" for name in names]


def greeting(*, user):
    """What the user does with customers (HOME_GREETING)."""
    if manages_customers(user) and works_with_customers(user):
        return _("Keep your team's customers on cadence, confirm A grades and hand customers over.")
    if works_with_customers(user):
        return _("Log your visits and calls and keep every customer on cadence.")
    return None


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
            "counts": task_counts(tasks, today),
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
    """Overdue customers per rep in the manager's scope (reps only: a manager's own customers
    are not the team's debt), grouped by team with each team's total and the grand total."""
    if not manages_customers(user):
        return None
    today = timezone.localdate()
    reps = User.objects.filter(role__in=roles.CADENCE_DEBT_ROLES).values("pk")
    rows = list(
        Customer.objects.visible_to(user)
        .overdue(today)
        .filter(owner__in=reps)
        .values("owner")
        .annotate(overdue=Count("*"))  # not COUNT(id): the index alone answers
        .order_by("-overdue", "owner")[:DEBT_ROWS]
    )
    owners = (
        User.objects.select_related("team")
        .only(*PERSON_COLUMNS, "team__name")
        .in_bulk([row["owner"] for row in rows])
    )
    teams = {}
    for row in rows:
        row["owner_user"] = owner = owners[row["owner"]]
        team = teams.setdefault(owner.team_id, {"team": owner.team, "rows": [], "total": 0})
        team["rows"].append(row)
        team["total"] += row["overdue"]
    groups = sorted(teams.values(), key=lambda g: (-g["total"], str(g["team"] or "")))
    return Panel(
        "customers/panels/cadence_debt.html",
        {"teams": groups, "total": sum(g["total"] for g in groups), "today": today},
    )


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
