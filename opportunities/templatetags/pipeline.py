"""Template helpers of the pipeline pages."""

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def optional_url(name, *args):
    """The URL named `name`, or None while no page has that name (a link to a page another
    part of the app adds: the template shows no link until it exists)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@register.filter
def yuan(value):
    """An amount in yuan with thousands separators and the fen: 1234567.5 → 1,234,567.50."""
    if value is None or value == "":
        return "—"
    return f"{value:,.2f}"
