"""Templates never compare a model's choice field with a string literal: a choice code lives in
its model (`customer.is_overdue`, `export.is_done`) or a template tag, not in the markup."""

import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.template.base import smart_split

TEMPLATES = Path(settings.BASE_DIR) / "templates"
CONDITION = re.compile(r"\{%-?\s*(?:el)?if\s+(.*?)\s*-?%\}", re.DOTALL)
OPERATORS = {"==", "!=", "in"}


def choice_fields():
    """The names of every model field with choices (status, grade, method, role…)."""
    return {
        field.name
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if getattr(field, "choices", None)
    }


def _is_literal(token):
    return len(token) >= 2 and token[0] == token[-1] and token[0] in "\"'"


def _names_a_choice(token, names):
    last = token.split("|")[0].split(".")[-1]
    return last in names or (last.startswith("get_") and last.endswith("_display"))


def literal_comparisons(source, names):
    """`(line, condition)` of each {% if %} or {% elif %} comparing a choice field with a
    string literal."""
    found = []
    for match in CONDITION.finditer(source):
        tokens = list(smart_split(match.group(1)))
        for index, token in enumerate(tokens[1:-1], start=1):
            if token not in OPERATORS:
                continue
            left, right = tokens[index - 1], tokens[index + 1]
            if (_is_literal(left) and _names_a_choice(right, names)) or (
                _is_literal(right) and _names_a_choice(left, names)
            ):
                found.append((source.count("\n", 0, match.start()) + 1, match.group(0)))
                break
    return found


def test_the_scan_finds_a_choice_field_compared_with_a_string_literal():
    names = choice_fields()
    assert {"status", "grade", "method", "role", "priority", "second_check"} <= names
    source = (
        '{% if customer.status == "lead" %}\n{% elif "done" != export.status %}'
        "{% if need.priority|lower == 'must' %}{% if a.status == b.status %}\n"
        '{% if group_by == "team" %}{% if customer.get_grade_display == "A" %}'
    )
    assert [line for line, _ in literal_comparisons(source, names)] == [1, 2, 2, 3]


def test_no_template_compares_a_choice_field_with_a_string_literal():
    names = choice_fields()
    offenders = [
        f"{path.relative_to(TEMPLATES)}:{line}: {condition}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for line, condition in literal_comparisons(path.read_text(), names)
    ]
    assert offenders == [], "use a model property or a template tag instead:\n" + "\n".join(
        offenders
    )


def test_shared_and_customers_pieces_are_partials_not_include_files():
    """One partial mechanism (django-template-partials): the shared pieces live in
    partials.html and the customers' in customers/partials.html, included as "file.html#name"."""
    root = Path(settings.BASE_DIR) / "templates"
    assert not (root / "includes").exists()
    assert not (root / "customers" / "partials").exists()
    include = re.compile(r'{%\s*include\s+"([^"]+)"')
    for path in [*root.glob("customers/**/*.html"), *root.glob("teams/**/*.html")]:
        for name in include.findall(path.read_text()):
            assert "#" in name, f"{path.relative_to(root)} includes the file {name}"
