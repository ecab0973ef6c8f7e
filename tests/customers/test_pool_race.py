"""Two reps claim the same pool customer at the same moment, each on its own database
connection (tests/race.py): exactly one gets it, the other is told it was claimed."""

import pytest

from customers.models import Customer, OwnershipChange
from customers.services import PoolError, pools
from teams.models import Role
from tests.factories import PoolFactory, UserFactory, pooled
from tests.race import at_once

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_reps_claiming_at_once_give_one_owner(monkeypatch, org, rep):
    pool = PoolFactory(teams=[org["team_a"]])
    colleague = UserFactory(username="rep_2", role=Role.SALES_REP, team=org["team_a"])
    customer = pooled(pool)
    first, second = at_once(
        monkeypatch,
        pools,
        "_lock_customer",
        lambda: pools.customer_claim(by=rep, customer=customer),
        lambda: pools.customer_claim(by=colleague, customer=customer),
    )
    assert isinstance(first, Customer), first
    assert isinstance(second, PoolError), second
    assert "was claimed meanwhile" in str(second)
    customer.refresh_from_db()
    assert customer.owner == rep and customer.pool is None
    assert OwnershipChange.objects.filter(customer=customer).count() == 1


def test_one_rep_claiming_two_at_once_cannot_pass_the_cap(monkeypatch, org, rep):
    pool = PoolFactory(teams=[org["team_a"]], cap_total=1)
    one, two = pooled(pool), pooled(pool)
    first, second = at_once(
        monkeypatch,
        pools,
        "holdings",
        lambda: pools.customer_claim(by=rep, customer=one),
        lambda: pools.customer_claim(by=rep, customer=two),
    )
    assert isinstance(first, Customer), first
    assert isinstance(second, PoolError) and "the cap is 1" in str(second), second
    assert Customer.objects.filter(owner=rep).count() == 1
