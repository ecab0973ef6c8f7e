from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from opportunities.templatetags.pipeline import yuan

from ..models.targets import COUNT_METRICS

register = template.Library()
# Counted in whole numbers: new customers (a target metric) and follow-ups (a score metric).
WHOLE_NUMBERS = COUNT_METRICS | {"follow_ups"}


@register.filter
def lookup(mapping, key):
    """mapping[key], or None (dicts keyed by metric, period or id)."""
    if mapping is None:
        return None
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def figure(value, metric):
    """A target or figure as read: a whole count for counts, yuan otherwise; "—" for None."""
    if value is None or value == "":
        return "—"
    if metric in WHOLE_NUMBERS:
        return f"{Decimal(value):,.0f}"
    return yuan(value)


@register.filter
def plain(value):
    """A Decimal for an input's value (no thousands separator, no trailing .00 for counts)."""
    if value is None:
        return ""
    value = Decimal(value)
    return f"{value:f}" if value != value.to_integral_value() else f"{value:.0f}"


@register.filter
def change_label(history_type):
    """A history row's kind of change in words."""
    return {"+": _("Set"), "-": _("Removed")}.get(history_type, _("Changed"))


@register.simple_tag
def field_name(prefix, key, metric):
    return f"{prefix}-{key}-{metric}"
