"""crm_site/hooks.py: the one registry the apps meet through, and the one-way arrows it allows."""

import ast
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy

from crm_site import hooks

ROOT = Path(__file__).resolve().parent.parent
# STYLE.md 2b: each app may import the ones before it, never one after it.
STAGES = ["teams", "customers", "opportunities", "contracts", "delivery", "aftersales", "analytics"]
NAME = hooks.CUSTOMER_TIMELINE


def first(*, customer, user):
    return []


def second(*, customer, user):
    return []


def third(*, customer, user):
    return []


def mine(*fns):
    """The test's functions among what `get` returns (the apps' own are there too)."""
    return [fn for fn in hooks.get(NAME) if fn in fns]


def test_get_sorts_by_order_then_registration():
    with (
        hooks.register_temporarily(NAME, first, order=50),
        hooks.register_temporarily(NAME, second, order=10),
        hooks.register_temporarily(NAME, third, order=50),
    ):
        assert mine(first, second, third) == [second, first, third]


def test_the_same_function_twice_is_kept_once():
    with hooks.register_temporarily(NAME, first):
        hooks.register(NAME, first, order=-5)  # a second import of the same module
        assert hooks.get(NAME).count(first) == 1
    assert first not in hooks.get(NAME)


def test_register_is_a_decorator_too():
    from teams import hooks as teams_hooks  # registers its navbar areas with @hooks.register

    areas = hooks.get(hooks.NAV_ITEMS)
    assert areas[0] is teams_hooks.home  # order 0
    # administration last: the teams' areas, then the contracts' approval chain (930) and the
    # customers' lead settings (940)
    assert areas[-6:-2] == [
        teams_hooks.users,
        teams_hooks.teams,
        teams_hooks.roles,
        teams_hooks.calendar,
    ]


def test_register_temporarily_restores_the_registry_even_after_an_error():
    before = hooks.get(NAME)
    with pytest.raises(RuntimeError), hooks.register_temporarily(NAME, first):
        assert first in hooks.get(NAME)
        raise RuntimeError
    assert hooks.get(NAME) == before


def test_unregister_temporarily_puts_it_back_in_its_place():
    with (
        hooks.register_temporarily(NAME, first, order=1),
        hooks.register_temporarily(NAME, second, order=2),
    ):
        with hooks.unregister_temporarily(NAME, first):
            assert mine(first, second) == [second]
        assert mine(first, second) == [first, second]
    with (
        pytest.raises(ValueError, match="not registered"),
        hooks.unregister_temporarily(NAME, third),
    ):
        pass


def test_an_unknown_name_is_an_error_not_an_empty_list():
    with pytest.raises(ValueError, match="unknown hook"):
        hooks.get("customer_section")
    with pytest.raises(ValueError, match="unknown hook"):
        hooks.register("customer_section", first)


def test_the_apps_hooks_modules_are_loaded_at_startup():
    # Customers' own merge and handover moves, its demo and its volume data are all there.
    for name in (hooks.CUSTOMER_MERGE, hooks.CUSTOMER_HANDOVER, hooks.DEMO_DATA, hooks.VOLUME_DATA):
        assert any(fn.__module__.startswith("customers.") for fn in hooks.get(name)), name


# --- Moved --------------------------------------------------------------------------------------


def test_tally_sums_the_same_key_in_first_seen_order():
    moves = hooks.tally(
        [
            hooks.Moved("contacts", "contacts", 2),
            None,
            hooks.Moved("tags", "tags", 0),
            hooks.Moved("contacts", "contacts", 1),
        ]
    )
    assert moves == [hooks.Moved("contacts", "contacts", 3), hooks.Moved("tags", "tags", 0)]
    assert [hooks.Moved.from_json(m.as_json()) for m in moves] == moves


def test_moved_labels_are_read_in_the_readers_language():
    moves = [
        hooks.Moved("contacts", "contacts", 2),
        hooks.Moved("tags", "tags", 0),
        hooks.Moved("followups", "follow-ups", 1),
    ]
    assert hooks.describe(moves) == [("contacts", 2), ("follow-ups", 1)]  # no zeros
    assert hooks.listed(moves) == "contacts 2, follow-ups 1"
    with translation.override("zh-hans"):
        assert hooks.listed(moves) == "联系人 2、跟进记录 1"


def test_a_moved_label_is_a_msgid_not_a_lazy_text():
    # A lazy text would be stored in the language of whoever merged.
    with pytest.raises(TypeError, match="gettext_noop"):
        hooks.Moved("contacts", gettext_lazy("contacts"), 2)


# --- arrows point one way -----------------------------------------------------------------------


def imported_apps(path):
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("app", [app for app in STAGES if (ROOT / app).is_dir()])
def test_an_app_imports_no_later_app(app):
    later = set(STAGES[STAGES.index(app) + 1 :]) | {"analytics"}
    for path in (ROOT / app).rglob("*.py"):
        wrong = imported_apps(path) & later
        assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(wrong)}"


def test_the_hooks_module_imports_no_app():
    assert not imported_apps(ROOT / "crm_site" / "hooks.py") & {*STAGES, "analytics"}
