"""Two contracts created at the same moment get two numbers, also for the first contract of a
month (no counter row yet) — each in its own thread and database connection."""

from datetime import date

import pytest

from contracts.models import Contract, ContractCounter
from contracts.services import contracts as services
from tests.contracts.test_contracts import HEADER, LINES
from tests.race import at_once

pytestmark = pytest.mark.django_db(transaction=True)


def create(by, customer, today):
    return lambda: services.contract_create(
        customer=customer, by=by, lines=LINES, today=today, **HEADER
    )


@pytest.mark.parametrize("counter_exists", [False, True])
def test_two_at_once_get_two_numbers(monkeypatch, rep, manager, customer, steps, counter_exists):
    if counter_exists:
        ContractCounter.objects.create(period="202612", last=41)
    first, second = at_once(
        monkeypatch,
        services,
        "next_number",
        create(rep, customer, date(2026, 12, 31)),
        create(manager, customer, date(2026, 12, 31)),
    )
    assert isinstance(first, Contract), first
    assert isinstance(second, Contract), second
    start = 42 if counter_exists else 1
    assert (first.number, second.number) == (f"HT202612{start:04d}", f"HT202612{start + 1:04d}")
    assert ContractCounter.objects.get(period="202612").last == start + 1


def test_across_the_month_boundary_each_month_counts_on_its_own(
    monkeypatch, rep, manager, customer, steps
):
    ContractCounter.objects.create(period="202612", last=7)
    first, second = at_once(
        monkeypatch,
        services,
        "next_number",
        create(rep, customer, date(2026, 12, 31)),
        create(manager, customer, date(2027, 1, 1)),
        hold=False,
    )
    assert (first.number, second.number) == ("HT2026120008", "HT2027010001")
