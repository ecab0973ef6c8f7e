"""Fixtures of the opportunities tests: the seeded stages, and a customer of `rep` ready for
the needs stage (a needs survey and a decision maker)."""

import pytest

from customers.models import Contact
from tests.factories import ContactFactory, CustomerFactory, NeedsSurveyFactory
from tests.factories.opportunities import default_stages


@pytest.fixture
def stages(db):
    """{code: Stage} of the seeded stages: initial, needs, proposal, negotiation, won, lost."""
    return default_stages()


@pytest.fixture
def customer(rep, stages):
    """`rep`'s customer with a needs survey and a decision-maker contact."""
    customer = CustomerFactory(owner=rep, name="华东精密制造有限公司")
    NeedsSurveyFactory(customer=customer)
    ContactFactory(customer=customer, decision_role=Contact.DecisionRole.DECISION_MAKER)
    return customer
