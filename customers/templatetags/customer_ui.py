"""The customer pieces every page shows the same way: `{% load customer_ui %}`, then

- `{% grade_badge customer.grade %}`: the grade's letter in its colour;
- `{% overdue_flag customer.next_followup_due customer.next_followup_for %}`: "高层拜访逾期
  23 天" (without a requirement, "已逾期 23 天") when the date is past, since when on hover;
- `{% due_note customer %}`: the customer's next due requirement beside its date, overdue or
  not ("常规联系 2026-12-20 到期"), from stored fields only (no query);
- `{{ requirement|requirement_text }}`: one requirement of cadence.requirements in words;
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

from .. import cadence
from ..models import Grade

register = template.Library()

PARTIALS = "customers/partials.html"
GRADE_LABELS = dict(Grade.choices)


@register.inclusion_tag(f"{PARTIALS}#grade_badge")
def grade_badge(grade):
    return {"grade": grade, "label": GRADE_LABELS.get(grade, grade)}


@register.inclusion_tag(f"{PARTIALS}#overdue_flag")
def overdue_flag(due, requirement=""):
    """Nothing unless `due` (a date) is past; `requirement` a cadence requirement's code."""
    days = (timezone.localdate() - due).days if due else 0
    return {"days": days, "text": cadence.overdue_text(requirement, days), "since": due}


@register.simple_tag
def due_note(customer):
    """ "高层拜访逾期 23 天，自 2026-11-10 起" or "常规联系 2026-12-20 到期" ("" without a date)."""
    if customer.next_followup_due is None:
        return ""
    return cadence.due_text(
        customer.next_followup_for, customer.next_followup_due, timezone.localdate()
    )


@register.simple_tag
def overdue_text(customer):
    """ "高层拜访逾期 23 天" for the customer's stored requirement ("" when not overdue)."""
    return cadence.overdue_text(customer.next_followup_for, customer.days_overdue)


@register.filter
def requirement_text(requirement):
    """One requirement of cadence.requirements: its state, and A's routine contacts' count."""
    parts = [cadence.due_text(requirement.code, requirement.due, requirement.today)]
    if requirement.needed is not None:
        parts.append(cadence.progress_text(requirement))
    return _("; ").join(str(part) for part in parts)


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
