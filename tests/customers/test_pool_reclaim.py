"""The pools' automatic reclaim (公海回收), at a frozen moment: no follow-up for N days or no win
for M days per grade, A exempt by default, a warning task K days before, idempotent across two
runs, customers held by an open opportunity or a contract kept; the command does the same."""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from crm_site import hooks
from customers import services
from customers.models import Customer, OwnershipChange, ReclaimWarning, Task
from tests.factories import CustomerFactory, OpportunityFactory, PoolFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 3, 4, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def days_ago(n):
    return NOW - timedelta(days=n)


@pytest.fixture
def pool(org):
    # The defaults: C after 30 days without follow-up or 90 without a win, B 60/180, A never.
    return PoolFactory(name="华东公海", teams=[org["team_a"]], warn_days=3)


def owned(rep, *, grade="C", since=200, followup=None):
    customer = CustomerFactory(owner=rep, grade=grade)
    Customer.objects.filter(pk=customer.pk).update(
        owner_since=days_ago(since),
        last_followup_at=days_ago(followup) if followup is not None else None,
    )
    return customer


@pytest.mark.parametrize(
    ("grade", "since", "followup", "reclaimed"),
    [
        ("C", 80, 31, True),  # C: 30 days without follow-up
        ("C", 80, 29, False),
        ("C", 20, None, False),  # owned for 20 days only: counts from the claim
        ("C", 31, None, True),
        ("B", 150, 61, True),
        ("B", 150, 59, False),
        ("B", 181, 1, True),  # B: 180 days without a win
        ("A", 900, 800, False),  # A is exempt by default
    ],
)
def test_reclaim_by_grade(rep, pool, grade, since, followup, reclaimed):
    customer = owned(rep, grade=grade, since=since, followup=followup)
    services.customers_reclaim(now=NOW)
    customer.refresh_from_db()
    assert (customer.pool_id == pool.pk) is reclaimed
    assert (customer.owner_id is None) is reclaimed


def test_no_win_for_m_days_reclaims_even_with_follow_ups(rep, pool):
    customer = owned(rep, grade="C", since=100, followup=1)
    services.customers_reclaim(now=NOW)
    customer.refresh_from_db()
    change = OwnershipChange.objects.get(customer=customer)
    assert customer.pool == pool
    assert (change.how, change.by, change.from_user, change.reason) == (
        OwnershipChange.How.RECLAIM,
        None,
        rep,
        "90天未成交",
    )


def test_a_recent_win_keeps_the_customer(rep, pool):
    customer = owned(rep, grade="C", since=100, followup=1)

    def won(*, customer_ids, since):
        ids = set(customer_ids.values_list("pk", flat=True))
        return {customer.pk: days_ago(10)} if customer.pk in ids else {}

    with hooks.register_temporarily(hooks.CUSTOMER_RECENT_WINS, won):
        services.customers_reclaim(now=NOW)
    customer.refresh_from_db()
    assert customer.owner == rep


def test_a_second_run_reclaims_nothing_more(rep, pool):
    owned(rep, since=200, followup=40)
    first = services.customers_reclaim(now=NOW)
    second = services.customers_reclaim(now=NOW + timedelta(hours=2))
    assert len(first.reclaimed) == 1 and len(second.reclaimed) == 0
    assert OwnershipChange.objects.count() == 1


def test_the_owner_is_warned_k_days_before_once(rep, pool):
    customer = owned(rep, since=80, followup=28)  # due in 2 days
    run = services.customers_reclaim(now=NOW)
    assert run.new_warnings == 1 and not run.reclaimed
    task = Task.objects.get(customer=customer, owner=rep)
    assert "2026-12-05" in task.title and task.due_date.isoformat() == "2026-12-04"
    services.customers_reclaim(now=NOW + timedelta(hours=3))
    assert Task.objects.filter(customer=customer).count() == 1
    assert ReclaimWarning.objects.count() == 1
    customer.refresh_from_db()
    assert customer.owner == rep


def test_not_warned_earlier_than_k_days(rep, pool):
    owned(rep, since=200, followup=20)  # due in 10 days
    assert services.customers_reclaim(now=NOW).new_warnings == 0


def test_an_open_opportunity_keeps_the_customer(rep, pool):
    customer = owned(rep, since=200, followup=100)
    OpportunityFactory(customer=customer, owner=rep)
    run = services.customers_reclaim(now=NOW)
    customer.refresh_from_db()
    assert customer.owner == rep and run.blocked == 1


def test_a_team_without_a_pool_keeps_its_customers(other_rep, pool):
    customer = owned(other_rep, since=200, followup=100)
    services.customers_reclaim(now=NOW)
    customer.refresh_from_db()
    assert customer.owner == other_rep


def test_a_pool_of_a_region_takes_its_teams_customers(org, rep):
    PoolFactory(name="东区公海", teams=[org["east"]])
    customer = owned(rep, since=200, followup=100)
    services.customers_reclaim(now=NOW)
    customer.refresh_from_db()
    assert customer.pool.name == "东区公海"


def test_the_command_dry_run_changes_nothing(rep, pool):
    customer = owned(rep, since=200, followup=100)
    out = StringIO()
    call_command("pool_reclaim", "--dry-run", stdout=out)
    assert "Dry run: would have reclaimed 1" in out.getvalue()
    customer.refresh_from_db()
    assert customer.owner == rep
    call_command("pool_reclaim", stdout=out)
    customer.refresh_from_db()
    assert customer.owner is None


# --- exactly once, as the plan saw it ---------------------------------------------------------


def test_a_customer_followed_up_or_handed_over_after_the_plan_stays(
    rep, manager, pool, monkeypatch
):
    """The run reads each due customer again under its lock: one followed up or given to
    someone else between the plan and the write is not reclaimed."""
    from customers.services import reclaim

    followed = owned(rep, since=200, followup=100)
    handed = owned(rep, since=200, followup=100)
    plain = owned(rep, since=200, followup=100)
    planned = reclaim.reclaim_plan

    def plan_then_work(now):
        result = planned(now)
        Customer.objects.filter(pk=followed.pk).update(last_followup_at=NOW)
        Customer.objects.filter(pk=handed.pk).update(owner=manager)
        return result

    monkeypatch.setattr(reclaim, "reclaim_plan", plan_then_work)
    run = services.customers_reclaim(now=NOW)
    assert [pk for pk, _pool, _reason in run.reclaimed] == [plain.pk]
    assert list(OwnershipChange.objects.values_list("customer_id", flat=True)) == [plain.pk]
    followed.refresh_from_db()
    handed.refresh_from_db()
    assert followed.owner == rep and handed.owner == manager


def test_many_customers_are_each_reclaimed_exactly_once(rep, pool):
    due = [owned(rep, since=200, followup=40) for _ in range(7)]
    kept = [owned(rep, grade="A", since=200, followup=5) for _ in range(3)]
    for moment in (NOW, NOW + timedelta(minutes=1), NOW + timedelta(hours=5)):
        services.customers_reclaim(now=moment)
    rows = OwnershipChange.objects.filter(how=OwnershipChange.How.RECLAIM)
    assert sorted(rows.values_list("customer_id", flat=True)) == sorted(c.pk for c in due)
    assert not Customer.objects.filter(pk__in=[c.pk for c in kept], pool__isnull=False).exists()
    assert not Task.objects.filter(customer__in=due, done_at__isnull=True).exists()
