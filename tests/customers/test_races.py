"""Two people act on the same customers at the same moment: two merges, a merge and a
handover, a merge and a bulk reassign, a merge and a follow-up. Whatever the order, every
contact, follow-up, task and share ends up on a customer that exists, the one who comes
second either finds the rows as the first left them or fails with a message, and nothing
points at a merged-away customer.

Each test runs the two services in two threads, each on its own database connection. The
first pauses inside its transaction, holding its locks (a hook wraps a function the service
calls there), until the second is seen waiting: on PostgreSQL, waiting on a lock in
pg_stat_activity. SQLite has no row locks: it lets one writing transaction in at a time (the
settings begin each one IMMEDIATE), so there the second waits at its start for the first to
commit, and the first pauses a moment instead. The outcomes asserted are the same on both;
CI runs them on PostgreSQL, where the row locks are what is proven.
"""

import threading
import time

import pytest
from django.db import connection, connections
from django.utils import timezone, translation

from customers import moves, services
from customers.models import Contact, Customer, CustomerShare, FollowUp, Handover, Merge, Task
from customers.services import followups, ownership
from teams.models import Role
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    FollowUpFactory,
    TaskFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 10  # seconds; a test that needs them has hung


def _another_connection_waits_on_a_lock():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def _hold_until_the_other_waits():
    if connection.vendor != "postgresql":
        time.sleep(0.5)
        return
    deadline = time.monotonic() + TIMEOUT
    while not _another_connection_waits_on_a_lock():
        if time.monotonic() > deadline:
            return  # it did not wait: the outcome below tells whether it should have
        time.sleep(0.02)


def race(monkeypatch, first, second, *, pause_at):
    """Run `first` and `second` (no-argument callables) in two threads, `first` pausing at
    `pause_at` (module, function name) while it holds its locks until `second` waits for
    them. Returns each one's result or the exception it raised."""
    module, name = pause_at
    original = getattr(module, name)
    holding = threading.Event()

    def paused(*args, **kwargs):
        if threading.current_thread().name == "first":
            holding.set()
            _hold_until_the_other_waits()
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, paused)
    start = threading.Barrier(2, timeout=TIMEOUT)
    results = {}

    def run(label, action):
        try:
            connection.ensure_connection()
            start.wait()
            if label == "second" and not holding.wait(TIMEOUT):
                raise AssertionError("the first never reached its pause")
            with translation.override("en"):  # the language is per thread
                results[label] = action()
        except Exception as error:  # noqa: BLE001 - the test looks at what was raised
            results[label] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(label, action), name=label)
        for label, action in (("first", first), ("second", second))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT * 3)
        assert not thread.is_alive(), "a thread hung"
    return results["first"], results["second"]


def rows_of(customer_pk):
    return {
        "contacts": set(
            Contact.objects.filter(customer_id=customer_pk).values_list("pk", flat=True)
        ),
        "followups": set(
            FollowUp.objects.filter(customer_id=customer_pk).values_list("pk", flat=True)
        ),
        "tasks": set(Task.objects.filter(customer_id=customer_pk).values_list("pk", flat=True)),
        "shared_with": set(
            CustomerShare.objects.filter(customer_id=customer_pk).values_list("user_id", flat=True)
        ),
    }


def union(*row_sets):
    return {key: set().union(*(rows[key] for rows in row_sets)) for key in row_sets[0]}


@pytest.fixture
def people(org, rep, manager, director):
    return {
        "rep": rep,
        "rep2": UserFactory(username="rep2", role=Role.SALES_REP, team=org["team_a"]),
        "rep3": UserFactory(username="rep3", role=Role.SALES_REP, team=org["team_a"]),
        "helper": UserFactory(username="helper", role=Role.SALES_REP, team=org["team_b"]),
        "helper2": UserFactory(username="helper2", role=Role.SALES_REP, team=org["team_b"]),
        "manager": manager,
        "director": director,
    }


def _customer(owner, name, colleague):
    customer = CustomerFactory(owner=owner, name=name)
    ContactFactory.create_batch(2, customer=customer)
    FollowUpFactory(customer=customer, occurred_at=timezone.now())
    TaskFactory(customer=customer, owner=owner, title=f"{name}的待办")
    CustomerShare.objects.create(customer=customer, user=colleague, can_edit=False)
    return customer


@pytest.fixture
def three(people):
    """Customers of team A, each with contacts, a follow-up, an open task and a colleague."""
    return [
        _customer(people["rep2"], "甲方科技有限公司", people["helper"]),
        _customer(people["rep"], "乙方科技有限公司", people["helper2"]),
        _customer(people["rep"], "丙方科技有限公司", people["helper"]),
    ]


MERGE_PAUSE = (moves, "left_behind")  # everything moved, the merged customer not yet deleted


def test_two_merges_of_the_same_pair_crosswise(monkeypatch, people, three):
    a, b, _ = three
    before = union(rows_of(a.pk), rows_of(b.pk))
    first, second = race(
        monkeypatch,
        lambda: services.customer_merge(by=people["manager"], keep=a, merge=b),
        lambda: services.customer_merge(by=people["director"], keep=b, merge=a),
        pause_at=MERGE_PAUSE,
    )
    assert isinstance(first, Merge)
    assert isinstance(second, services.CustomerError)
    assert "no longer exists" in str(second)
    assert list(Customer.objects.filter(pk__in=[a.pk, b.pk])) == [a]
    assert rows_of(a.pk) == before
    assert Merge.objects.count() == 1


def test_two_merges_of_one_customer_into_two(monkeypatch, people, three):
    a, b, c = three
    kept_before, merged_before, other_before = rows_of(a.pk), rows_of(b.pk), rows_of(c.pk)
    first, second = race(
        monkeypatch,
        lambda: services.customer_merge(by=people["manager"], keep=a, merge=b),
        lambda: services.customer_merge(by=people["director"], keep=c, merge=b),
        pause_at=MERGE_PAUSE,
    )
    assert isinstance(first, Merge) and isinstance(second, services.CustomerError)
    assert not Customer.objects.filter(pk=b.pk).exists()
    assert rows_of(a.pk) == union(kept_before, merged_before)
    assert rows_of(c.pk) == other_before  # nothing was moved to the second keep


def test_a_merge_then_a_handover_of_the_merged_customer(monkeypatch, people, three):
    """The handover waits for the merge; the merged customer is gone and is not handed over,
    its rows are on the kept one, and the handover names only customers that exist."""
    a, b, c = three
    before = union(rows_of(a.pk), rows_of(b.pk))
    first, second = race(
        monkeypatch,
        lambda: services.customer_merge(by=people["manager"], keep=a, merge=b),
        lambda: services.customers_handover(
            by=people["director"], from_user=people["rep"], to_user=people["rep3"], customers=[b, c]
        ),
        pause_at=MERGE_PAUSE,
    )
    assert isinstance(first, Merge) and isinstance(second, Handover)
    assert list(second.customers.all()) == [c]
    assert Customer.objects.get(pk=c.pk).owner == people["rep3"]
    assert rows_of(a.pk) == before
    assert Customer.objects.get(pk=a.pk).owner == people["rep2"]


def test_a_merge_then_a_handover_of_only_the_merged_customer(monkeypatch, people, three):
    a, b, _ = three
    first, second = race(
        monkeypatch,
        lambda: services.customer_merge(by=people["manager"], keep=a, merge=b),
        lambda: services.customers_handover(
            by=people["director"], from_user=people["rep"], to_user=people["rep3"], customers=[b]
        ),
        pause_at=MERGE_PAUSE,
    )
    assert isinstance(first, Merge)
    assert isinstance(second, services.CustomerError)
    assert not Handover.objects.exists()


def test_a_handover_then_a_merge_of_a_handed_over_customer(monkeypatch, people, three):
    """The merge waits for the handover, then reads the customer as handed over: its rows,
    the open task now the receiver's, and its place in the handover move to the kept one."""
    a, b, c = three
    before = union(rows_of(a.pk), rows_of(b.pk))
    first, second = race(
        monkeypatch,
        lambda: services.customers_handover(
            by=people["director"], from_user=people["rep"], to_user=people["rep3"], customers=[b, c]
        ),
        lambda: services.customer_merge(by=people["manager"], keep=a, merge=b),
        pause_at=(ownership, "_give_customers"),
    )
    assert isinstance(first, Handover) and isinstance(second, Merge)
    assert not Customer.objects.filter(pk=b.pk).exists()
    assert set(first.customers.all()) == {Customer.objects.get(pk=a.pk), c}
    assert rows_of(a.pk) == before
    assert Task.objects.get(title="乙方科技有限公司的待办").owner == people["rep3"]


def test_a_merge_then_a_bulk_reassign_of_both(monkeypatch, people, three):
    a, b, _ = three
    first, second = race(
        monkeypatch,
        lambda: services.customer_merge(by=people["manager"], keep=a, merge=b),
        lambda: services.customers_bulk_reassign(
            by=people["director"], customers=[a.pk, b.pk], to_user=people["rep3"]
        ),
        pause_at=MERGE_PAUSE,
    )
    assert isinstance(first, Merge)
    assert isinstance(second, services.CustomerError)
    assert "no longer exist" in str(second)
    assert Customer.objects.get(pk=a.pk).owner == people["rep2"]  # nothing changed


def test_a_merge_then_a_follow_up_on_the_merged_customer(monkeypatch, people, three):
    a, b, _ = three
    before = union(rows_of(a.pk), rows_of(b.pk))
    first, second = race(
        monkeypatch,
        lambda: services.customer_merge(by=people["manager"], keep=a, merge=b),
        lambda: services.followup_log(
            by=people["rep"],
            customer=b,
            method=FollowUp.Method.PHONE,
            occurred_at=timezone.now(),
            summary="电话确认需求",
        ),
        pause_at=MERGE_PAUSE,
    )
    assert isinstance(first, Merge)
    assert isinstance(second, services.CustomerError)
    assert "no longer exists" in str(second)
    assert rows_of(a.pk) == before


def test_a_follow_up_then_a_merge_takes_it_along(monkeypatch, people, three):
    a, b, _ = three
    before = union(rows_of(a.pk), rows_of(b.pk))
    first, second = race(
        monkeypatch,
        lambda: services.followup_log(
            by=people["rep"],
            customer=b,
            method=FollowUp.Method.PHONE,
            occurred_at=timezone.now(),
            summary="电话确认需求",
            next_action="发报价",
            next_action_due=timezone.localdate(),
        ),
        lambda: services.customer_merge(by=people["manager"], keep=a, merge=b),
        pause_at=(followups, "_check_followup"),
    )
    assert isinstance(first, FollowUp) and isinstance(second, Merge)
    after = rows_of(a.pk)
    assert after["followups"] == before["followups"] | {first.pk}
    assert after["tasks"] == before["tasks"] | {first.task.pk}
    assert FollowUp.objects.count() == 4 and Task.objects.count() == 4
