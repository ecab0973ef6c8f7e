"""Expenses and budgets: recording with a receipt checked like a contract attachment, the
manager's approval (a rep 403, another team's manager 404), budget use, the list's queries."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from analytics import expenses, periods
from analytics.errors import AnalyticsError, InvalidInput, NotAllowed
from analytics.models import Category, Expense
from analytics.services import expenses as services
from teams.models import Role
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _receipt(name="发票.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _expense(rep, amount="100.00", day=None, category=Category.TRAVEL):
    return services.expense_create(
        by=rep,
        date=day or timezone.localdate(),
        category=category,
        amount=amount,
        receipt=_receipt(),
    )


@pytest.fixture
def other_manager(org):
    return UserFactory(username="mgr_c", role=Role.SALES_MANAGER, team=org["team_c"])


def test_a_rep_records_an_expense_with_its_receipt(rep, org):
    expense = _expense(rep, "123.45")
    assert expense.status == Expense.Status.PENDING
    assert (expense.team, expense.receipt_type, expense.receipt_name) == (
        org["team_a"],
        "pdf",
        "发票.pdf",
    )


@pytest.mark.parametrize(
    ("amount", "receipt", "message"),
    [
        ("-5", _receipt(), "more than 0"),
        ("0", _receipt(), "more than 0"),
        ("10", _receipt("fake.pdf", b"not a pdf at all"), "is not a PDF"),
        ("10", _receipt("scan.png", PDF), "named as another type"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(rep, amount, receipt, message):
    with pytest.raises(InvalidInput, match=message):
        services.expense_create(
            by=rep,
            date=timezone.localdate(),
            category=Category.TRAVEL,
            amount=amount,
            receipt=receipt,
        )
    assert not Expense.objects.exists()


def test_the_manager_approves_once(rep, manager):
    expense = _expense(rep)
    services.expense_decide(expense=expense, by=manager, approve=True)
    expense.refresh_from_db()
    assert (expense.status, expense.decided_by) == (Expense.Status.APPROVED, manager)
    with pytest.raises(AnalyticsError, match="decided already"):
        services.expense_decide(expense=expense, by=manager, approve=False, comment="x")


def test_a_rejection_needs_a_reason(rep, manager):
    expense = _expense(rep)
    with pytest.raises(InvalidInput):
        services.expense_decide(expense=expense, by=manager, approve=False)
    expense.refresh_from_db()
    assert expense.status == Expense.Status.PENDING


def test_nobody_approves_their_own(manager, other_manager, rep):
    own = _expense(manager)
    with pytest.raises(NotAllowed):
        services.expense_decide(expense=own, by=manager, approve=True)
    with pytest.raises(NotAllowed):
        services.expense_decide(expense=_expense(rep), by=other_manager, approve=True)


def test_who_may_decide_on_the_page(client, rep, other_rep, manager, other_manager, director):
    expense = _expense(other_rep)
    url = reverse("analytics:expense-decide", args=[expense.pk])
    client.force_login(rep)
    assert client.post(url, {"decision": "approve"}).status_code == 403
    client.force_login(manager)
    assert client.post(url, {"decision": "approve"}).status_code == 404
    client.force_login(other_manager)
    assert client.post(url, {"decision": "approve"}).status_code == 302
    expense.refresh_from_db()
    assert expense.status == Expense.Status.APPROVED


def test_the_receipt_is_served_only_to_who_sees_the_expense(client, rep, other_rep, manager):
    expense = _expense(rep)
    url = reverse("analytics:expense-receipt", args=[expense.pk])
    client.force_login(manager)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    client.force_login(other_rep)
    assert client.get(url).status_code == 404


def test_the_form_records_an_expense(client, rep):
    client.force_login(rep)
    customer = CustomerFactory(owner=rep)
    url = reverse("analytics:expense-create")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "date": timezone.localdate().isoformat(),
            "category": Category.ENTERTAINMENT,
            "amount": "88.80",
            "customer": customer.pk,
            "receipt": _receipt(),
        },
    )
    assert response.status_code == 302
    assert Expense.objects.get().customer == customer


def test_the_form_refuses_a_negative_amount(client, rep):
    client.force_login(rep)
    response = client.post(
        reverse("analytics:expense-create"),
        {
            "date": timezone.localdate().isoformat(),
            "category": Category.TRAVEL,
            "amount": "-1",
            "receipt": _receipt(),
        },
    )
    assert response.status_code == 200
    assert "An expense is more than 0 yuan." in response.content.decode()
    assert not Expense.objects.exists()


def test_the_list_shows_what_the_user_sees_with_constant_queries(
    client, rep, other_rep, manager, django_assert_num_queries
):
    _expense(rep)
    _expense(other_rep, "999.00")
    client.force_login(manager)
    url = reverse("analytics:expense-list")
    with CaptureQueriesContext(connection) as few:
        page = client.get(url).content.decode()
    assert "100.00" in page and "999.00" not in page
    for _ in range(20):
        _expense(rep)
    with django_assert_num_queries(len(few)):
        client.get(url)
    client.force_login(rep)
    assert client.get(url + "?status=pending").status_code == 200


def test_budget_use_per_team_and_rep(director, manager, rep, org):
    quarter = periods.quarter(2026, 1)
    services.budgets_set(
        by=director,
        period=quarter,
        values={
            (org["team_a"].pk, Category.TRAVEL): "1000",
            (org["team_a"].pk, Category.GIFTS): "1000",
        },
    )
    for amount, day in (("300", date(2026, 1, 10)), ("200", date(2026, 3, 31))):
        expense = _expense(rep, amount, day=day)
        services.expense_decide(expense=expense, by=manager, approve=True)
    _expense(rep, "50", day=date(2026, 2, 1))  # pending: not counted
    services.expense_decide(
        expense=_expense(manager, "100", day=date(2026, 2, 2)), by=director, approve=True
    )
    [use] = expenses.budget_use(quarter.start, quarter.end, team_ids=[org["team_a"].pk])
    assert use.budget == Decimal("2000.00") and use.spent == Decimal("600.00")
    assert use.per_rep == {rep.pk: Decimal("500.00"), manager.pk: Decimal("100.00")}
    assert use.used == Decimal("0.3")
    assert expenses.expenses_total(quarter.start, quarter.end, rep=rep) == Decimal("500.00")
    assert expenses.expenses_total(
        quarter.start, quarter.end, team=org["east"], subtree=True
    ) == Decimal("600.00")
    assert expenses.expenses_by(quarter.start, quarter.end, by="category") == {
        Category.TRAVEL: Decimal("600.00")
    }
    # January alone: a third of the quarter's budget by days (31 of 90).
    assert expenses.budget_for(date(2026, 1, 1), date(2026, 1, 31), team=org["team_a"]) == (
        Decimal("688.88")
    )


def test_a_negative_budget_changes_nothing(director, org):
    quarter = periods.quarter(2026, 1)
    with pytest.raises(InvalidInput, match="cannot be negative"):
        services.budgets_set(
            by=director,
            period=quarter,
            values={
                (org["team_a"].pk, Category.TRAVEL): "10",
                (org["team_b"].pk, Category.TRAVEL): "-10",
            },
        )
    assert expenses.budget_for(quarter.start, quarter.end) is None


def test_the_budget_page(client, director, manager, rep, org):
    url = reverse("analytics:budgets") + "?period=2026-Q1"
    client.force_login(director)
    response = client.post(url, {f"b-{org['team_a'].pk}-travel": "500"})
    assert response.status_code == 302
    client.force_login(manager)
    page = client.get(url).content.decode()
    assert "500.00" in page and "Team C" not in page
    assert client.post(url, {f"b-{org['team_a'].pk}-travel": "1"}).status_code == 403
    client.force_login(rep)
    assert client.get(url).status_code == 403


def test_an_expense_cannot_be_dated_in_the_future(rep):
    with pytest.raises(InvalidInput, match="future"):
        _expense(rep, day=timezone.localdate() + timedelta(days=2))
