"""Fixtures of the after-sales tests: a customer of `rep` with a contract in delivery, served
by `aftersales`, and one of `other_rep` nobody assigned."""

import pytest

from aftersales.models import AftersalesAssignment
from tests.factories import ContractFactory, CustomerFactory


@pytest.fixture
def served(rep, aftersales, manager):
    customer = CustomerFactory(owner=rep, name="华东精密制造有限公司")
    AftersalesAssignment.objects.create(customer=customer, user=aftersales)
    return customer


@pytest.fixture
def served_contract(served):
    return ContractFactory(customer=served, in_delivery=True)


@pytest.fixture
def unserved(other_rep):
    return CustomerFactory(owner=other_rep, name="华南物流有限公司")
