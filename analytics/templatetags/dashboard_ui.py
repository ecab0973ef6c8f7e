"""How the dashboard writes a figure in its unit."""

from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext as _

from ..kpis.definitions import Unit

register = template.Library()


@register.filter
def kpi_value(value, unit):
    if value is None:
        return "—"
    if unit == Unit.YUAN:
        return "¥" + intcomma(f"{Decimal(value):.2f}")
    if unit == Unit.PERCENT:
        return f"{float(value) * 100:.1f}%"
    if unit == Unit.DAYS:
        return _("%(n)s days") % {"n": f"{float(value):.1f}"}
    if unit == Unit.HOURS:
        return _("%(n)s h") % {"n": f"{float(value):.1f}"}
    if unit == Unit.SCORE:
        return f"{float(value):.2f} / 5"
    return intcomma(value)


@register.filter
def ratio(value):
    """A share or a change as a signed percentage ("+12.5%"), "—" when there is none."""
    if value is None:
        return "—"
    return f"{float(value) * 100:+.1f}%"


@register.filter
def share(value):
    if value is None:
        return "—"
    return f"{float(value) * 100:.1f}%"
