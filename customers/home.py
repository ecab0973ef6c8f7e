"""The customers panels of the home page: my tasks, my overdue customers, cadence debt."""

from django.db.models import Count
from django.utils import timezone

from teams.home import register_panel
from teams.models import User

from .models import Customer, Task
from .permissions import manages_customers, works_with_customers

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
