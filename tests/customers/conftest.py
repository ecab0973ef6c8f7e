"""Fixtures of the customers tests."""

import contextlib

import pytest

from crm_site import hooks


@pytest.fixture(autouse=True)
def purchases_from_estimates():
    """Customers grades from each customer's declared annual purchase estimate until a later
    app feeds CUSTOMER_PURCHASES (contracts does: its signed value, tested in
    tests/contracts). These tests describe grading from the estimate, so the later apps'
    sources are taken out while they run; a test adds its own with register_temporarily."""
    with contextlib.ExitStack() as stack:
        for source in hooks.get(hooks.CUSTOMER_PURCHASES):
            stack.enter_context(hooks.unregister_temporarily(hooks.CUSTOMER_PURCHASES, source))
        yield
