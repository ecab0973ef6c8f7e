"""The customer pieces every page shows the same way: `{% load customer_ui %}`, then

- `{% grade_badge customer.grade %}`: the grade's letter in its colour;
- `{% overdue_flag customer.next_followup_due %}`: "Overdue by N days" when the date is past;
- `{% task_row task %}`: one task of a list, open (with its done button) or done.

Their markup is in templates/customers/partials.html, one partialdef each, beside the other
pieces of the customer pages: pages and htmx views use `customers/partials.html#name`
(django-template-partials), never a separate include file.
"""

from django import template
from django.utils import timezone

from ..models import Grade

register = template.Library()

PARTIALS = "customers/partials.html"
GRADE_LABELS = dict(Grade.choices)


@register.inclusion_tag(f"{PARTIALS}#grade_badge")
def grade_badge(grade):
    return {"grade": grade, "label": GRADE_LABELS.get(grade, grade)}


@register.inclusion_tag(f"{PARTIALS}#overdue_flag")
def overdue_flag(due):
    """Nothing unless `due` (a date) is past."""
    return {"days": (timezone.localdate() - due).days if due else 0}


@register.inclusion_tag(f"{PARTIALS}#task_row", takes_context=True)
def task_row(context, task):
    """A task's row; its done button posts with the page's CSRF token and, without htmx,
    comes back to the page."""
    request = context.get("request")
    return {
        "task": task,
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path() if request is not None else "",
    }
