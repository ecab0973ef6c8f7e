"""The customer pieces every page shows the same way: `{% load customer_ui %}`, then

- `{% grade_badge customer.grade %}`: the grade's letter in its colour;
- `{% overdue_flag customer.next_followup_due %}`: "Overdue by N days" when the date is past;
- `{% task_row task %}`: one task of a list, open (with its done button) or done;
- `{{ when|ago }}`: "3 天前", one unit, "just now" under a minute (Django's `timesince`
  reads "3 日，2 小时" in Chinese).

Their markup is in templates/customers/partials.html, one partialdef each, beside the other
pieces of the customer pages: pages and htmx views use `customers/partials.html#name`
(django-template-partials), never a separate include file.
"""

from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from ..models import Grade

register = template.Library()

PARTIALS = "customers/partials.html"
GRADE_LABELS = dict(Grade.choices)


@register.inclusion_tag(f"{PARTIALS}#grade_badge")
def grade_badge(grade):
    return {"grade": grade, "label": GRADE_LABELS.get(grade, grade)}


# From this many days late on, an overdue flag counts months (逾期 2 个月), not 75 days.
MONTHS_FROM_DAYS = 60


@register.inclusion_tag(f"{PARTIALS}#overdue_flag")
def overdue_flag(due):
    """Nothing unless `due` (a date) is past."""
    days = (timezone.localdate() - due).days if due else 0
    return {"days": days, "months": days // 30 if days >= MONTHS_FROM_DAYS else 0}


@register.filter
def ago(value):
    """How long ago `value` (a datetime) was, in its largest unit: "3 天前", "2 个月前"."""
    if not value:
        return ""
    span = timesince(value, depth=1)
    if timezone.now() - value < timedelta(minutes=1):
        return _("just now")
    return _("%(span)s ago") % {"span": span}


@register.inclusion_tag(f"{PARTIALS}#task_row", takes_context=True)
def task_row(context, task):
    """A task's row; its done button posts with the page's CSRF token and, without htmx,
    comes back to the page."""
    request = context.get("request")
    return {
        "task": task,
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path() if request is not None else "",
        "counts_scope": context.get("counts_scope", ""),
    }
