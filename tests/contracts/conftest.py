"""Fixtures of the contracts tests: the seeded approval chain and a contract of `rep`."""

import pytest

from tests.factories import ContractFactory, CustomerFactory
from tests.factories.contracts import default_steps


@pytest.fixture
def steps(db):
    """{role: ApprovalStep} of the seeded chain: sales manager → legal → general manager."""
    return {step.role: step for step in default_steps()}


@pytest.fixture
def customer(rep):
    return CustomerFactory(owner=rep, name="华东精密制造有限公司")


@pytest.fixture
def contract(customer, steps, manager):
    """A draft of `rep` (team A, whose manager is `manager`) for 113,000.00 yuan."""
    return ContractFactory(customer=customer)
