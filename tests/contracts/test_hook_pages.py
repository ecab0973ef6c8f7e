"""What contracts shows on other pages through crm_site/hooks.py: the customer page's
section and timeline, the home panels, the navbar's receivables link and approvals count."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contracts.models import Payment
from contracts.services import approval, payments
from teams.models import Role
from tests.factories import ContractFactory, CustomerFactory, DelegationFactory, UserFactory
from tests.factories.contracts import InstalmentFactory

pytestmark = pytest.mark.django_db

HOME = reverse("home")
COUNT = reverse("contracts:approval-count")


def customer_page(customer):
    return reverse("customers:customer-detail", args=[customer.pk])


def _due(days_past_due):
    return timezone.localdate() - timedelta(days=days_past_due)


def _section(response):
    return next(s for s in response.context["sections"]["main"] if "contracts" in s.template)


def test_the_customer_page_shows_contracts_and_what_is_owed(client, rep, customer, steps):
    signed = ContractFactory(customer=customer, signed=True, title="一期合同")
    draft = ContractFactory(customer=customer, title="二期合同")
    InstalmentFactory(contract=signed, due_date=_due(10), amount=Decimal("3000.00"))
    InstalmentFactory(
        contract=signed, due_date=_due(-5), amount=Decimal("2000.00"), paid_amount=Decimal("500")
    )
    InstalmentFactory(contract=draft, due_date=_due(10), amount=Decimal("9000.00"))
    client.force_login(rep)
    response = client.get(customer_page(customer))
    section = _section(response).context
    assert section["rows"] == [draft, signed]
    assert section["outstanding"] == Decimal("4500.00")
    assert section["overdue"] == Decimal("3000.00") and section["overdue_count"] == 1
    assert section["next_due"] == _due(-5)
    page = response.content.decode()
    assert "一期合同" in page and "4,500.00" in page and "3,000.00" in page


def test_another_reps_contract_and_its_instalments_are_not_in_the_section(
    client, rep, other_rep, customer, steps
):
    mine = ContractFactory(customer=customer, signed=True)
    theirs = ContractFactory(customer=customer, owner=other_rep, signed=True)
    InstalmentFactory(contract=theirs, due_date=_due(10), amount=Decimal("9000.00"))
    client.force_login(rep)
    section = _section(client.get(customer_page(customer))).context
    assert section["rows"] == [mine] and section["outstanding"] == Decimal("0.00")


def test_roles_without_contracts_see_no_section(client, delivery, customer, steps):
    ContractFactory(customer=customer, signed=True)
    client.force_login(delivery)
    response = client.get(customer_page(customer))
    if response.status_code == 200:
        assert not any("contracts" in s.template for s in response.context["sections"]["main"])


def test_the_timeline_shows_status_changes_decisions_payments_and_invoices(
    client, rep, manager, customer, steps
):
    contract = ContractFactory(customer=customer)
    approval.contract_submit(contract=contract, by=rep)
    approval.contract_return(contract=contract, by=manager, comment="付款条件请改为 30 天")
    contract.refresh_from_db()
    contract.status = contract.Status.SIGNED
    contract.signed_on = timezone.localdate() - timedelta(days=3)
    contract.save()
    instalment = InstalmentFactory(contract=contract, amount=contract.amount)
    payments.payment_record(
        instalment=instalment,
        by=rep,
        received_on=timezone.localdate(),
        amount=Decimal("1000.00"),
        method=Payment.Method.BANK_TRANSFER,
        reference="BANK-778",
    )
    payments.invoice_record(
        instalment=instalment,
        by=rep,
        number="FP00123",
        kind="special",
        amount=Decimal("1000.00"),
        issued_on=timezone.localdate(),
    )
    client.force_login(rep)
    response = client.get(reverse("customers:customer-timeline", args=[customer.pk]))
    kinds = {e.kind for e in response.context["timeline"]}
    assert {"contract", "approval", "payment", "invoice"} <= kinds
    page = response.content.decode()
    assert "付款条件请改为 30 天" in page and "BANK-778" in page and "FP00123" in page


def test_the_customer_page_runs_the_same_queries_with_1_and_20_contracts(
    client, rep, manager, customer, steps
):
    def grow(n):
        for _ in range(n):
            contract = ContractFactory(customer=customer, signed=True)
            InstalmentFactory(contract=contract, due_date=_due(5), amount=Decimal("10.00"))
            contract.status_changes.create(from_status="", to_status="draft", by=rep)

    grow(1)
    client.force_login(rep)
    timeline = reverse("customers:customer-timeline", args=[customer.pk])
    for url in (customer_page(customer), timeline):
        client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(customer_page(customer))
        client.get(timeline)
    grow(19)
    with CaptureQueriesContext(connection) as many:
        client.get(customer_page(customer))
        client.get(timeline)
    assert len(one.captured_queries) == len(many.captured_queries)


def _panel(response, name):
    return next((p for p in response.context["panels"] if name in p.template), None)


def test_an_approver_sees_the_waiting_count_and_the_oldest(client, rep, manager, customer, steps):
    first = ContractFactory(customer=customer)
    second = ContractFactory(customer=customer)
    approval.contract_submit(contract=first, by=rep)
    approval.contract_submit(contract=second, by=rep)
    client.force_login(manager)
    panel = _panel(client.get(HOME), "approvals")
    assert panel.context["total"] == 2 and panel.context["oldest"] == first
    assert first.number in client.get(HOME).content.decode()


@pytest.mark.parametrize("who", ["rep", "delivery", "aftersales"])
def test_no_approvals_panel_for_who_approves_nothing(request, client, who, steps):
    client.force_login(request.getfixturevalue(who))
    assert _panel(client.get(HOME), "approvals") is None


def test_a_rep_sees_instalments_due_in_14_days_and_overdue(client, rep, other_rep, customer, steps):
    contract = ContractFactory(customer=customer, signed=True)
    overdue = InstalmentFactory(contract=contract, due_date=_due(20), amount=Decimal("100.00"))
    soon = InstalmentFactory(contract=contract, due_date=_due(-14), amount=Decimal("100.00"))
    InstalmentFactory(contract=contract, due_date=_due(-15), amount=Decimal("100.00"))  # later
    InstalmentFactory(
        contract=contract, due_date=_due(3), amount=Decimal("100.00"), paid_amount=Decimal("100")
    )
    theirs = ContractFactory(customer=CustomerFactory(owner=other_rep), signed=True)
    InstalmentFactory(contract=theirs, due_date=_due(5), amount=Decimal("100.00"))
    client.force_login(rep)
    response = client.get(HOME)
    panel = _panel(response, "my_instalments")
    assert panel.context["rows"] == [overdue, soon]
    assert (panel.context["overdue"], panel.context["due"]) == (1, 1)
    assert "20 days overdue" in response.content.decode()


def test_a_manager_sees_the_teams_overdue_total(client, rep, manager, other_rep, steps):
    mine = ContractFactory(customer=CustomerFactory(owner=rep), signed=True)
    InstalmentFactory(contract=mine, due_date=_due(20), amount=Decimal("1200.00"))
    InstalmentFactory(
        contract=mine, due_date=_due(40), amount=Decimal("800.00"), paid_amount=Decimal("300")
    )
    InstalmentFactory(contract=mine, due_date=_due(-2), amount=Decimal("5000.00"))  # not due
    theirs = ContractFactory(customer=CustomerFactory(owner=other_rep), signed=True)
    InstalmentFactory(contract=theirs, due_date=_due(5), amount=Decimal("7777.00"))
    client.force_login(manager)
    response = client.get(HOME)
    panel = _panel(response, "team_overdue")
    assert panel.context["amount"] == Decimal("1700.00") and panel.context["count"] == 2
    assert "1,700.00" in response.content.decode()


@pytest.mark.parametrize("who", ["rep", "director", "legal"])
def test_no_team_overdue_panel_for_who_leads_no_team(request, client, who, steps):
    client.force_login(request.getfixturevalue(who))
    assert _panel(client.get(HOME), "team_overdue") is None


def test_the_home_page_runs_the_same_queries_with_1_and_many_rows(
    client, rep, manager, customer, steps
):
    def grow(n):
        for _ in range(n):
            contract = ContractFactory(customer=customer, signed=True)
            InstalmentFactory(contract=contract, due_date=_due(5), amount=Decimal("10.00"))
            waiting = ContractFactory(customer=customer)
            approval.contract_submit(contract=waiting, by=rep)

    grow(1)
    for user in (rep, manager):
        client.force_login(user)
        client.get(HOME)
        with CaptureQueriesContext(connection) as one:
            client.get(HOME)
        grow(5)
        with CaptureQueriesContext(connection) as many:
            client.get(HOME)
        assert len(one.captured_queries) == len(many.captured_queries)


def test_the_navbar_loads_the_approvals_count(
    client, rep, manager, customer, steps, django_assert_num_queries
):
    for _ in range(3):
        approval.contract_submit(contract=ContractFactory(customer=customer), by=rep)
    client.force_login(manager)
    page = client.get(HOME).content.decode()
    assert f'hx-get="{COUNT}"' in page
    # session, user, the delegations given to the manager, the team table, the count
    with django_assert_num_queries(5):
        response = client.get(COUNT)
    assert '<span class="badge rounded-pill text-bg-warning" id="approval-count"' in (
        response.content.decode()
    )
    assert ">3</span>" in response.content.decode()


def test_a_delegate_counts_the_approvers_contracts(client, rep, manager, customer, steps, org):
    approval.contract_submit(contract=ContractFactory(customer=customer), by=rep)
    stand_in = UserFactory(username="stand_in", role=Role.SALES_REP, team=org["team_b"])
    DelegationFactory(approver=manager, delegate=stand_in)
    client.force_login(stand_in)
    assert ">1</span>" in client.get(COUNT).content.decode()


@pytest.mark.parametrize("who", ["rep", "delivery"])
def test_who_approves_nothing_counts_nothing(request, client, who, steps):
    client.force_login(request.getfixturevalue(who))
    assert 'id="approval-count"></span>' in client.get(COUNT).content.decode()


@pytest.mark.parametrize(("who", "shown"), [("rep", True), ("director", True), ("delivery", False)])
def test_the_receivables_link_in_the_navbar(request, client, who, shown, steps):
    client.force_login(request.getfixturevalue(who))
    page = client.get(HOME).content.decode()
    assert (f'href="{reverse("contracts:receivables")}"' in page) is shown
