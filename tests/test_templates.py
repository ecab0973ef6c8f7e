"""Templates never compare a value with a string literal: a choice code lives in its model
(`customer.is_overdue`, `export.is_done`), not in the markup."""

import re
from pathlib import Path

from django.conf import settings
from django.template.base import smart_split

TEMPLATES = Path(settings.BASE_DIR) / "templates"
CONDITION = re.compile(r"\{%-?\s*(?:el)?if\s+(.*?)\s*-?%\}", re.DOTALL)
OPERATORS = {"==", "!=", "in", "<", ">", "<=", ">="}


def _is_literal(token):
    return len(token) >= 2 and token[0] == token[-1] and token[0] in "\"'"


def literal_comparisons(source):
    """`(line, condition)` of each {% if %} or {% elif %} comparing with a string literal."""
    found = []
    for match in CONDITION.finditer(source):
        tokens = list(smart_split(match.group(1)))
        for index, token in enumerate(tokens):
            if token not in OPERATORS:
                continue
            neighbours = tokens[max(index - 1, 0) : index] + tokens[index + 1 : index + 2]
            if any(_is_literal(t) for t in neighbours):
                found.append((source.count("\n", 0, match.start()) + 1, match.group(0)))
                break
    return found


def test_the_scan_finds_a_comparison_with_a_string_literal():
    source = (
        '{% if customer.status == "lead" %}\n{% elif "done" != export.status %}'
        "{% if grade in 'AB' %}{% if a == b %}{% if value|default:\"x\" == other %}"
    )
    assert [line for line, _ in literal_comparisons(source)] == [1, 2, 2]


def test_no_template_compares_a_value_with_a_string_literal():
    offenders = [
        f"{path.relative_to(TEMPLATES)}:{line}: {condition}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for line, condition in literal_comparisons(path.read_text())
    ]
    assert offenders == [], "use a model property or a template tag instead:\n" + "\n".join(
        offenders
    )
