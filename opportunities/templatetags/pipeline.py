"""Template helpers of the pipeline pages."""

from django import template

register = template.Library()


@register.filter
def yuan(value):
    """An amount in yuan with thousands separators and the fen: 1234567.5 → 1,234,567.50."""
    if value is None or value == "":
        return "—"
    return f"{value:,.2f}"
