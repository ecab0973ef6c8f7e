"""The contracts' reminder rules as tables of cases at a fixed `now` (Asia/Shanghai, official
calendar): 2026-12-02 is a Wednesday, 2026-12-05 a Saturday. `rep` is in team A, whose
manager is `manager`; an overdue instalment escalates its collection stage once."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from contracts.models import Contract, Instalment
from notifications import engine
from notifications.models import Notification
from teams.models import Role
from tests.factories import ContractFactory, InstalmentFactory, UserFactory
from tests.notifications.helpers import at, run

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("official_calendar")]

WED = at(2026, 12, 2, 9)
TODAY = date(2026, 12, 2)
Stage = Instalment.Collection


@pytest.fixture
def signed(customer, steps, manager):
    return ContractFactory(customer=customer, number="HT2026100001", signed=True)


def _instalment(contract, due, **fields):
    instalment = InstalmentFactory(contract=contract, position=1, due_date=due)
    Instalment.objects.filter(pk=instalment.pk).update(**fields)
    return instalment


DUE = "Instalment due on {due}: HT2026100001 #1 (华东精密制造有限公司), ¥113,000.00 outstanding"


@pytest.mark.parametrize(
    ("due", "fields", "sent"),
    [
        (date(2026, 12, 5), {}, True),  # in 3 days
        (TODAY, {}, True),  # today
        (date(2026, 12, 6), {}, False),  # in 4 days: not yet
        (date(2026, 12, 1), {}, False),  # overdue: the overdue rule's
        (date(2026, 12, 4), {"paid_amount": Decimal("113000.00")}, False),  # paid
    ],
)
def test_an_instalment_due_within_3_days_reminds_the_owner(signed, rep, due, fields, sent):
    _instalment(signed, due, **fields)
    expected = [("rep", DUE.format(due=due.isoformat()))] if sent else []
    assert run("contracts.instalments_due", WED) == expected
    assert run("contracts.instalments_due", WED) == []  # once
    if sent:
        assert Notification.objects.get().url == f"/contracts/{signed.pk}/#instalment-1"


def test_nothing_for_a_contract_not_signed_or_on_a_day_off(customer, steps, rep):
    draft = ContractFactory(customer=customer)
    _instalment(draft, date(2026, 12, 3))
    assert run("contracts.instalments_due", WED) == []
    signed = ContractFactory(customer=customer, signed=True)
    _instalment(signed, date(2026, 12, 7))
    assert run("contracts.instalments_due", at(2026, 12, 5, 9)) == []  # Saturday


MANAGER = (
    "Instalment overdue {days} days, escalated to you: HT2026100001 #1 (华东精密制造有限公司), "
    "¥{amount}"
)
LEGAL = (
    "Instalment overdue {days} days, handed to legal: HT2026100001 #1 (华东精密制造有限公司), "
    "¥{amount}"
)


@pytest.mark.parametrize(
    ("days", "start", "paid", "expected_stage", "history"),
    [
        (6, Stage.NONE, "0", Stage.NONE, []),
        (7, Stage.NONE, "0", Stage.ESCALATED, [("none", "escalated")]),
        (7, Stage.REMINDED, "13000.00", Stage.ESCALATED, [("reminded", "escalated")]),
        (30, Stage.NONE, "0", Stage.LEGAL, [("escalated", "legal"), ("none", "escalated")]),
        (45, Stage.ESCALATED, "0", Stage.LEGAL, [("escalated", "legal")]),
        (45, Stage.LEGAL, "0", Stage.LEGAL, []),
    ],
)
def test_an_overdue_instalment_goes_to_the_manager_then_to_legal_and_its_stage_moves_once(
    signed, rep, manager, legal, days, start, paid, expected_stage, history
):
    instalment = _instalment(
        signed,
        TODAY - timedelta(days=days),
        collection_stage=start,
        paid_amount=Decimal(paid),
    )
    amount = f"{Decimal('113000.00') - Decimal(paid):,.2f}"
    expected = []
    if days >= 7:
        expected.append(("manager", MANAGER.format(days=days, amount=amount)))
    if days >= 30:
        expected.append(("legal", LEGAL.format(days=days, amount=amount)))

    assert run("contracts.instalments_overdue", WED) == sorted(expected)
    assert run("contracts.instalments_overdue", WED) == []

    instalment.refresh_from_db()
    assert instalment.collection_stage == expected_stage
    changes = list(instalment.status_changes.values_list("from_status", "to_status", "by"))
    assert changes == [(old, new, None) for old, new in history]
    if history:
        with translation.override("zh-hans"):
            assert (
                instalment.status_changes.first().reason_text == f"逾期 {days} 天：由提醒规则推进"
            )


def test_a_dry_run_moves_no_stage(signed, manager):
    instalment = _instalment(signed, TODAY - timedelta(days=10))
    planned = engine.plan("contracts.instalments_overdue", now=WED)
    assert [p.recipient.username for p in planned] == ["manager"]
    instalment.refresh_from_db()
    assert instalment.collection_stage == Stage.NONE


@pytest.fixture
def regional(org):
    user = UserFactory(username="regional", role=Role.SALES_MANAGER, team=org["east"])
    org["east"].manager = user
    org["east"].save()
    return user


def _waiting(contract, step, hours):
    Contract.objects.filter(pk=contract.pk).update(
        status=Contract.Status.IN_APPROVAL,
        current_step=step,
        waiting_since=WED - timedelta(hours=hours),
    )


APPROVER = "A contract waits for your approval: HT2026100002 (华东精密制造有限公司)"
ESCALATED = (
    "Waiting on {approver} for more than 48 hours: contract HT2026100002 (华东精密制造有限公司)"
)


@pytest.mark.parametrize(
    ("step_role", "hours", "expected"),
    [
        (Role.SALES_MANAGER, 23, []),
        (Role.SALES_MANAGER, 25, ["manager"]),
        (Role.SALES_MANAGER, 49, ["manager", "regional"]),
        (Role.LEGAL, 25, ["legal"]),
    ],
)
def test_a_contract_waiting_at_a_step_reminds_who_decides_it(
    customer, steps, rep, manager, legal, regional, step_role, hours, expected
):
    contract = ContractFactory(customer=customer, number="HT2026100002")
    _waiting(contract, steps[step_role], hours)
    sent = run("contracts.approvals_waiting", WED)
    assert [username for username, _title in sent] == sorted(expected)
    for username, title in sent:
        if username == "regional":
            assert title == ESCALATED.format(approver=manager)
        else:
            assert title == APPROVER
    assert run("contracts.approvals_waiting", WED) == []
