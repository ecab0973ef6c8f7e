"""Badges of delivery's pages: the contract's status and an acceptance result, so templates
never compare choice codes."""

from django import template
from django.utils.html import format_html

from contracts.models import Contract

from ..models import Acceptance

register = template.Library()

CONTRACT_COLOURS = {
    Contract.Status.SIGNED: "text-bg-info",
    Contract.Status.IN_DELIVERY: "text-bg-primary",
    Contract.Status.COMPLETED: "text-bg-success",
}
RESULT_COLOURS = {
    Acceptance.Result.PASS: "text-bg-success",
    Acceptance.Result.CONDITIONAL: "text-bg-warning",
    Acceptance.Result.FAIL: "text-bg-danger",
}


@register.simple_tag
def contract_badge(contract):
    colour = CONTRACT_COLOURS.get(contract.status, "text-bg-secondary")
    return format_html(
        '<span class="badge {} contract-status">{}</span>', colour, contract.get_status_display()
    )


@register.simple_tag
def result_badge(result):
    """An acceptance's result (its code, as the list annotates it)."""
    if not result:
        return ""
    return format_html(
        '<span class="badge {} acceptance-result">{}</span>',
        RESULT_COLOURS.get(result, "text-bg-secondary"),
        Acceptance.Result(result).label,
    )
