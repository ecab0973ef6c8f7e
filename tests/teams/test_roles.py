"""Roles in one place: `teams/roles.py` spells them, everything else names them through it; what a
role may do is a rule (django-rules predicates in each app's permissions.py), never a model
permission granted to its Group."""

import ast
import re
from pathlib import Path

import pytest
import rules
from django.contrib.auth.models import Group

from teams.models import User
from teams.roles import Role

ROOT = Path(__file__).resolve().parents[2]
NOT_CODE = {"tests", "locale", "static", "templates", "requirements", "var", "node_modules"}

# String constants that equal a role's code but are not roles, each with its reason.
NOT_ROLES = {
    ("teams/management/commands/seed_demo.py", "admin"): "a demo login name",
    ("teams/management/commands/seed_demo.py", "director"): "a demo login name",
    ("teams/management/commands/seed_demo.py", "legal"): "a demo login name",
    ("teams/management/commands/seed_demo.py", "delivery"): "a demo login name",
    ("teams/management/commands/seed_demo.py", "aftersales"): "a demo login name",
    ("customers/demo.py", "director"): "the demo director's login name",
    ("scripts/bench_pages.py", "director"): "a label in the printed table",
    ("scripts/bench_pages.py", "legal"): "a label in the printed table",
    ("opportunities/models/quotes.py", "director"): "a stored code of Quote.Status",
    ("opportunities/models/opportunity.py", "aftersales"): "a stored code of the lead source",
    ("opportunities/views/quotes.py", "director"): "the name of the quote page's discount step",
    ("opportunities/demo.py", "director"): "the demo director's login name",
    ("analytics/demo.py", "director"): "the demo director's login name",
    ("contracts/models/payments.py", "legal"): "a stored code of Instalment.Collection",
    ("crm_site/settings/base.py", "delivery"): "the delivery app in INSTALLED_APPS",
    ("delivery/apps.py", "delivery"): "the delivery app's name",
    ("delivery/demo.py", "delivery"): "the demo delivery user's login name",
    ("delivery/demo.py", "admin"): "the demo admin's login name",
    ("delivery/urls.py", "delivery"): "the delivery app's URL namespace",
    ("aftersales/apps.py", "aftersales"): "the app's name",
    ("scripts/bench_pages.py", "aftersales"): "a label in the printed table",
    ("scripts/bench_pages.py", "delivery"): "a label in the printed table",
    ("scripts/bench_analytics_pages.py", "director"): "a label in the printed table",
    ("aftersales/urls.py", "aftersales"): "the app's URL namespace",
    ("crm_site/settings/base.py", "aftersales"): "the app in INSTALLED_APPS",
}


def code_files():
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if parts[0].startswith(".") or parts[0] in NOT_CODE or "migrations" in parts:
            continue
        yield path


def string_constants(tree):
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        is_text = isinstance(node, ast.Constant) and isinstance(node.value, str)
        if is_text and id(node) not in docstrings:
            yield node


def test_no_role_is_spelled_outside_teams_roles():
    codes = set(Role.values)
    found = []
    for path in code_files():
        name = path.relative_to(ROOT).as_posix()
        if name == "teams/roles.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in string_constants(tree):
            if node.value in codes and (name, node.value) not in NOT_ROLES:
                found.append(f"{name}:{node.lineno}: {node.value!r}")
    pattern = re.compile(r"""["'](""" + "|".join(codes) + r""")["']""")
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == [], "use teams.roles (Role.X or a grouping) instead"


def test_no_module_groups_roles_of_its_own():
    """A set of roles is a grouping of teams/roles.py (SALES_ROLES, OWNER_ROLES…), so the rules
    that share one cannot drift apart."""
    found = []
    for path in code_files():
        name = path.relative_to(ROOT).as_posix()
        if name == "teams/roles.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Set | ast.Tuple | ast.List):
                named = [
                    e
                    for e in node.elts
                    if isinstance(e, ast.Attribute)
                    and isinstance(e.value, ast.Name)
                    and e.value.id == "Role"
                ]
                if len(named) >= 2:
                    found.append(f"{name}:{node.lineno}")
    assert found == []


def test_the_scan_sees_the_apps():
    names = {path.relative_to(ROOT).as_posix() for path in code_files()}
    assert {"customers/permissions.py", "teams/policy.py", "opportunities/permissions.py"} <= names


@pytest.mark.django_db
def test_no_role_carries_a_model_permission():
    """Nothing checks Django's model permissions (every action is a rule; only superusers open
    the Django admin), so none is granted: a grant nobody checks only misleads."""
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)
    assert not Group.permissions.through.objects.exists()
    assert not User.user_permissions.through.objects.exists()


PERMISSION_USE = re.compile(
    r"""has_perm\(\s*["']([\w.]+)["']|permission_required\s*=\s*["']([\w.]+)["']"""
    r"""|perms\.(\w+\.\w+)|customer_permission\s*=\s*["']([\w.]+)["']"""
)


def test_every_permission_the_code_checks_is_a_rule():
    used = set()
    files = [*code_files(), *(ROOT / "templates").rglob("*.html")]
    for path in files:
        for match in PERMISSION_USE.finditer(path.read_text(encoding="utf-8")):
            used.add(next(group for group in match.groups() if group))
    assert len(used) > 10
    assert sorted(name for name in used if not rules.perm_exists(name)) == []
