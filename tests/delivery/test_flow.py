"""The plan, change requests, acceptance and completion: the rules and their messages, and
that a refused action changes nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from contracts.errors import ContractError
from contracts.models import Contract, Instalment
from contracts.services.lifecycle import contract_complete
from delivery.errors import DeliveryError, InvalidInput
from delivery.models import Phase
from delivery.services import acceptance, changes, plan
from tests.factories.contracts import InstalmentFactory

from .conftest import accept, add_phase

pytestmark = pytest.mark.django_db


def refresh(contract):
    contract.refresh_from_db()
    return contract.status


# --- the plan -------------------------------------------------------------------------------


def test_a_phase_cannot_end_before_it_starts(assigned, delivery):
    with pytest.raises(InvalidInput, match="cannot end before it starts"):
        add_phase(assigned, delivery, start=10, days=-3)
    assert not Phase.objects.exists()


def test_a_phase_stays_within_the_contract_term(assigned, delivery):
    with pytest.raises(InvalidInput, match="after the contract term"):
        add_phase(assigned, delivery, start=300, days=80)
    with pytest.raises(InvalidInput, match="before the contract term"):
        add_phase(assigned, delivery, start=-5, days=10)
    assert not Phase.objects.exists()


def test_the_form_says_so_and_saves_nothing(client, assigned, delivery):
    client.force_login(delivery)
    start = assigned.start_date
    response = client.post(
        reverse("delivery:phase-create", args=[assigned.pk]),
        {"name": "上线", "start_date": start + timedelta(days=5), "end_date": start},
    )
    assert response.status_code == 200
    assert "A phase cannot end before it starts." in response.content.decode()
    assert not Phase.objects.exists()


def test_starting_the_first_phase_moves_the_contract_into_delivery(assigned, delivery):
    phase = add_phase(assigned, delivery)
    plan.phase_start(phase=phase, by=delivery)
    assert refresh(assigned) == Contract.Status.IN_DELIVERY
    change = assigned.status_changes.first()
    assert (change.to_status, change.by) == ("in_delivery", delivery)


def test_an_outsider_cannot_touch_the_plan(assigned, delivery, outsider):
    phase = add_phase(assigned, delivery)
    with pytest.raises(PermissionDenied):
        plan.phase_start(phase=phase, by=outsider)
    phase.refresh_from_db()
    assert phase.is_planned and refresh(assigned) == Contract.Status.SIGNED


def test_a_phase_past_its_end_and_not_done_is_late(assigned, delivery):
    phase = add_phase(assigned, delivery, start=0, days=5)  # ended 25 days ago
    assert phase.is_late
    plan.phase_start(phase=phase, by=delivery)
    plan.phase_complete(phase=phase, by=delivery)
    phase.refresh_from_db()
    assert not phase.is_late and phase.percent_done == 100


# --- change requests ------------------------------------------------------------------------


def request_change(contract, by, **values):
    defaults = {
        "title": "增加移动端模块",
        "description": "客户要求增加移动端审批",
        "cost_impact": Decimal("20000.00"),
        "schedule_days": 60,
        "shift_phases": True,
        "customer_name": "王建国",
        "customer_title": "信息部经理",
        "customer_confirmed_on": timezone.localdate(),
    }
    return changes.change_request_create(contract=contract, by=by, **(defaults | values))


def test_an_approved_change_shifts_its_phases_beyond_the_term_and_amends_the_amount(
    assigned, delivery, lead
):
    InstalmentFactory(contract=assigned, amount=assigned.amount)
    last = add_phase(assigned, delivery, start=300, days=30)
    amount = assigned.amount
    change = request_change(assigned, delivery, phases=[last])
    changes.change_request_approve(change=change, by=lead)
    last.refresh_from_db()
    assert last.end_date > assigned.end_date  # only a change request moves it there
    assigned.refresh_from_db()
    assert assigned.amount == amount + Decimal("20000.00")
    assert assigned.amendments.get().amount == Decimal("20000.00")
    # Not re-balanced silently: the plan still holds the old total until the rep changes it.
    assert Instalment.objects.get(contract=assigned).amount == amount


def test_the_plan_page_tells_the_plan_must_absorb_it(client, assigned, delivery, lead):
    InstalmentFactory(contract=assigned, amount=assigned.amount)
    changes.change_request_approve(
        change=request_change(assigned, delivery, shift_phases=False), by=lead
    )
    client.force_login(delivery)
    page = client.get(reverse("delivery:project", args=[assigned.pk])).content.decode()
    assert "payment plan is 20,000.00 yuan short" in page


def test_only_a_lead_approves_a_change(assigned, delivery, member):
    change = request_change(assigned, delivery, shift_phases=False)
    with pytest.raises(DeliveryError, match="delivery lead approves"):
        changes.change_request_approve(change=change, by=member)
    change.refresh_from_db()
    assert change.is_pending and assigned.amendments.count() == 0


def test_a_change_needs_the_customers_confirmation(assigned, delivery):
    with pytest.raises(InvalidInput) as error:
        request_change(assigned, delivery, customer_name="", customer_confirmed_on=None)
    assert set(error.value.errors) >= {"customer_name", "customer_confirmed_on"}


def test_a_rejection_says_why(assigned, delivery, lead):
    change = request_change(assigned, delivery, shift_phases=False)
    with pytest.raises(InvalidInput):
        changes.change_request_reject(change=change, by=lead, comment="")
    changes.change_request_reject(change=change, by=lead, comment="超出预算")
    change.refresh_from_db()
    assert not change.is_pending and not change.is_approved


# --- acceptance and completion --------------------------------------------------------------


@pytest.fixture
def delivering(assigned, delivery):
    phase = add_phase(assigned, delivery)
    plan.phase_start(phase=phase, by=delivery)
    plan.phase_complete(phase=phase, by=delivery)
    return assigned


def test_an_acceptance_needs_a_contract_in_delivery(assigned, delivery):
    with pytest.raises(InvalidInput, match="contract in delivery"):
        accept(assigned, delivery)
    assert not acceptance.Acceptance.objects.exists()


def test_completing_without_an_acceptance_is_refused(delivering, delivery):
    with pytest.raises(ContractError, match="needs a passed acceptance"):
        contract_complete(contract=delivering, by=delivery)
    assert refresh(delivering) == Contract.Status.IN_DELIVERY


def test_a_failed_acceptance_keeps_it_open_until_a_new_one(delivering, delivery):
    accept(delivering, delivery, result="fail", items=["报表导出错误", "单点登录未接通"])
    with pytest.raises(ContractError, match="failed"):
        contract_complete(contract=delivering, by=delivery)
    assert refresh(delivering) == Contract.Status.IN_DELIVERY
    accept(delivering, delivery, result="pass")
    contract_complete(contract=delivering, by=delivery)
    assert refresh(delivering) == Contract.Status.COMPLETED


def test_a_conditional_pass_completes_once_its_items_are_closed(delivering, delivery):
    report = accept(delivering, delivery, result="conditional", items=["补充操作手册"])
    with pytest.raises(ContractError, match="1 open item"):
        contract_complete(contract=delivering, by=delivery)
    acceptance.open_item_close(item=report.items.get(), by=delivery, note="已交付手册")
    contract_complete(contract=delivering, by=delivery)
    assert refresh(delivering) == Contract.Status.COMPLETED


def test_a_conditional_pass_or_a_fail_lists_its_items(delivering, delivery):
    with pytest.raises(InvalidInput, match="open items"):
        accept(delivering, delivery, result="conditional", items=[])


def test_the_rep_cannot_complete_without_the_acceptance_either(delivering, rep):
    with pytest.raises(ContractError):
        contract_complete(contract=delivering, by=rep)
    assert refresh(delivering) == Contract.Status.IN_DELIVERY


def test_completing_from_the_page(client, delivering, delivery):
    client.force_login(delivery)
    url = reverse("delivery:complete", args=[delivering.pk])
    response = client.post(url, follow=True)
    assert "Completing a contract needs a passed acceptance report." in response.content.decode()
    assert refresh(delivering) == Contract.Status.IN_DELIVERY
    accept(delivering, delivery)
    response = client.post(url, follow=True)
    assert refresh(delivering) == Contract.Status.COMPLETED
    assert f"Contract {delivering.number} completed." in response.content.decode()


def test_the_print_view_and_the_scan(client, delivering, delivery, rep, other_rep):
    report = accept(delivering, delivery)
    client.force_login(rep)
    page = client.get(reverse("delivery:acceptance-print", args=[report.pk]))
    assert "CRM 系统上线及培训" in page.content.decode()
    assert client.get(reverse("delivery:acceptance-scan", args=[report.pk])).status_code == 200
    client.force_login(other_rep)
    assert client.get(reverse("delivery:acceptance-print", args=[report.pk])).status_code == 404
