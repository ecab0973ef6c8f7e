"""The customer pool (公海): claiming within the caps, claims per day and cool-down, returning
with a reason (never what an open opportunity or a contract holds), assigning from the pool,
and one ownership log row for each way a customer changes hands."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from crm_site import hooks
from customers import services
from customers.models import Customer, CustomerShare, OwnershipChange, Pool
from customers.services import pools
from teams.models import Role
from tests.factories import (
    CustomerFactory,
    OpportunityFactory,
    PoolFactory,
    TaskFactory,
    UserFactory,
    pooled,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 3)

# --- the rules as a table ---------------------------------------------------------------------

RULES = dict(cap_total=10, cap_a=2, cap_b=None, cap_c=5, claims_per_day=3, cooldown_days=7)


@pytest.mark.parametrize(
    ("grade", "total", "of_grade", "claims", "lost_on", "refused"),
    [
        ("C", 0, 0, 0, None, None),
        ("C", 9, 4, 2, None, None),
        ("C", 10, 4, 0, None, "You already hold 10 customers: the cap is 10."),
        ("C", 6, 5, 0, None, "You already hold 5 C customers: the cap is 5."),
        ("A", 3, 2, 0, None, "You already hold 2 A customers: the cap is 2."),
        ("B", 9, 50, 0, None, None),  # no cap for B
        ("C", 1, 1, 3, None, "You have claimed 3 customers today: the limit is 3 a day."),
        (
            "C",
            1,
            1,
            0,
            date(2026, 11, 30),
            "You gave this customer back on 2026-11-30: you may claim it again from 2026-12-07.",
        ),
        ("C", 1, 1, 0, date(2026, 11, 26), None),  # seven days past: free again
    ],
)
def test_claim_rules(grade, total, of_grade, claims, lost_on, refused):
    pool = Pool(name="华东公海", **RULES)
    assert (
        pools.claim_refusal(
            pool,
            grade=grade,
            held_total=total,
            held_grade=of_grade,
            claims_today=claims,
            lost_on=lost_on,
            today=TODAY,
        )
        == refused
    )


def test_no_limits_refuse_nothing():
    pool = Pool(name="无限", cooldown_days=0)
    assert (
        pools.claim_refusal(
            pool,
            grade="A",
            held_total=999,
            held_grade=999,
            claims_today=99,
            lost_on=TODAY,
            today=TODAY,
        )
        is None
    )


# --- claim, return, assign ----------------------------------------------------------------


@pytest.fixture
def pool(org):
    return PoolFactory(name="华东公海", teams=[org["team_a"]])


def test_a_rep_claims_a_pool_customer(rep, pool):
    customer = pooled(pool)
    services.customer_claim(by=rep, customer=customer)
    customer.refresh_from_db()
    assert customer.owner == rep and customer.pool is None and customer.owner_since
    change = OwnershipChange.objects.get(customer=customer)
    assert (change.from_user, change.to_user, change.how, change.by, change.pool) == (
        None,
        rep,
        OwnershipChange.How.CLAIM,
        rep,
        pool,
    )


def test_a_claim_over_a_cap_says_which_and_changes_nothing(rep, pool):
    pool.cap_c = 1
    pool.save()
    CustomerFactory(owner=rep)
    customer = pooled(pool)
    with pytest.raises(services.PoolError, match="You already hold 1 C customers: the cap is 1."):
        services.customer_claim(by=rep, customer=customer)
    customer.refresh_from_db()
    assert customer.owner is None and customer.pool == pool
    assert not OwnershipChange.objects.exists()


def test_claims_per_day_count_todays_claims(rep, pool):
    pool.claims_per_day = 2
    pool.save()
    for customer in [pooled(pool), pooled(pool)]:
        services.customer_claim(by=rep, customer=customer)
    with pytest.raises(services.PoolError, match="claimed 2 customers today"):
        services.customer_claim(by=rep, customer=pooled(pool))


def test_the_cool_down_keeps_a_rep_from_claiming_back_what_they_returned(rep, pool):
    customer = CustomerFactory(owner=rep)
    services.customer_return(by=rep, customer=customer, reason="暂无需求")
    with pytest.raises(services.PoolError, match="you may claim it again from"):
        services.customer_claim(by=rep, customer=customer)


def test_claiming_a_customer_already_claimed_is_refused(rep, org, pool):
    colleague = UserFactory(role=Role.SALES_REP, team=org["team_a"])
    customer = pooled(pool)
    services.customer_claim(by=colleague, customer=customer)
    with pytest.raises(services.PoolError, match="was claimed meanwhile"):
        services.customer_claim(by=rep, customer=customer)
    customer.refresh_from_db()
    assert customer.owner == colleague


def test_a_rep_outside_the_pools_teams_may_not_claim(other_rep, pool):
    customer = pooled(pool)
    with pytest.raises(PermissionDenied):
        services.customer_claim(by=other_rep, customer=customer)


def test_returning_closes_tasks_ends_shares_and_keeps_history(rep, other_rep, pool):
    customer = CustomerFactory(owner=rep)
    task = TaskFactory(customer=customer, owner=rep)
    CustomerShare.objects.create(customer=customer, user=other_rep)
    services.customer_return(by=rep, customer=customer, reason="客户已转向竞品")
    customer.refresh_from_db()
    task.refresh_from_db()
    assert customer.owner is None and customer.pool == pool and customer.pooled_at
    assert task.done_at is not None
    assert not customer.shares.exists()
    change = OwnershipChange.objects.get(customer=customer)
    assert (change.from_user, change.to_user, change.how, change.reason) == (
        rep,
        None,
        OwnershipChange.How.RETURN,
        "客户已转向竞品",
    )


@pytest.mark.parametrize(
    ("reason", "message"), [("", "Say why"), ("没有需求", "Only the owner returns")]
)
def test_bad_returns_are_refused(rep, other_rep, pool, reason, message):
    customer = CustomerFactory(owner=other_rep)
    if not reason:
        customer = CustomerFactory(owner=rep)
    with pytest.raises(services.PoolError, match=message):
        services.customer_return(by=rep, customer=customer, reason=reason)
    customer.refresh_from_db()
    assert customer.pool is None


def test_an_open_opportunity_keeps_the_customer_out_of_the_pool(rep, pool):
    customer = CustomerFactory(owner=rep)
    OpportunityFactory(customer=customer, owner=rep)
    with pytest.raises(services.PoolError, match="it has an open opportunity"):
        services.customer_return(by=rep, customer=customer, reason="不跟了")
    customer.refresh_from_db()
    assert customer.owner == rep


def test_a_blocker_hook_gives_its_reason(rep, pool):
    customer = CustomerFactory(owner=rep)

    def vip(*, customer_ids):
        return dict.fromkeys(customer_ids, "它是重点客户")

    with (
        hooks.register_temporarily(hooks.CUSTOMER_POOL_BLOCKERS, vip),
        pytest.raises(services.PoolError, match="它是重点客户"),
    ):
        services.customer_return(by=rep, customer=customer, reason="不跟了")


def test_no_pool_for_the_team_refuses_the_return(other_rep, pool):
    customer = CustomerFactory(owner=other_rep)
    with pytest.raises(services.PoolError, match="No pool takes your team"):
        services.customer_return(by=other_rep, customer=customer, reason="不跟了")


def test_a_manager_assigns_to_a_rep_of_the_pool_only(manager, rep, org, pool):
    customer = pooled(pool)
    outsider = UserFactory(role=Role.SALES_REP, team=org["team_b"])
    org["team_b"].manager = manager
    with pytest.raises(services.PoolError, match="is not in a team of the pool"):
        # team B is outside the pool, even within reach of an admin
        services.customer_assign_from_pool(
            by=UserFactory(role=Role.SALES_MANAGER, team=org["east"]),
            customer=customer,
            to_user=outsider,
        )
    services.customer_assign_from_pool(by=manager, customer=customer, to_user=rep, note="新人练手")
    customer.refresh_from_db()
    assert customer.owner == rep
    change = OwnershipChange.objects.get(customer=customer)
    assert (change.how, change.by, change.reason) == (
        OwnershipChange.How.ASSIGN,
        manager,
        "新人练手",
    )


def test_an_admin_assigns_to_anyone(admin_user, other_rep, pool):
    customer = pooled(pool)
    services.customer_assign_from_pool(by=admin_user, customer=customer, to_user=other_rep)
    customer.refresh_from_db()
    assert customer.owner == other_rep


def test_a_rep_may_not_assign(rep, pool):
    with pytest.raises(PermissionDenied):
        services.customer_assign_from_pool(by=rep, customer=pooled(pool), to_user=rep)


# --- one ownership log for every path ----------------------------------------------------------


def test_handover_and_bulk_reassign_write_the_same_rows(manager, rep, org):
    colleague = UserFactory(role=Role.SALES_REP, team=org["team_a"])
    first, second = CustomerFactory(owner=rep), CustomerFactory(owner=rep)
    services.customers_handover(
        by=manager, from_user=rep, to_user=colleague, customers=[first], note="离职"
    )
    services.customers_bulk_reassign(by=manager, customers=[second], to_user=colleague)
    services.customer_update(by=manager, customer=Customer.objects.get(pk=second.pk), owner=rep)
    rows = list(
        OwnershipChange.objects.order_by("pk").values_list(
            "customer_id",
            "from_user__username",
            "to_user__username",
            "how",
            "by__username",
            "reason",
        )
    )
    name = colleague.username
    assert rows == [
        (first.pk, "rep", name, OwnershipChange.How.HANDOVER, "manager", "离职"),
        (second.pk, "rep", name, OwnershipChange.How.REASSIGN, "manager", ""),
        (second.pk, name, "rep", OwnershipChange.How.EDIT, "manager", ""),
    ]


def test_pool_rules_refuse_negative_days(admin_user, org):
    with pytest.raises(services.CustomerError, match="greater than or equal to 0"):
        services.pool_save(
            by=admin_user, pool=Pool(name="坏规则", followup_days_c=-1), teams=[org["team_a"]]
        )
    assert not Pool.objects.exists()


def test_claim_time_is_now(rep, pool):
    customer = pooled(pool)
    before = timezone.now() - timedelta(seconds=1)
    services.customer_claim(by=rep, customer=customer)
    assert OwnershipChange.objects.get().at >= before
