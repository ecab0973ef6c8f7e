"""二次核对 has two sides (issue 9, point 2): a manager or director confirms or rejects an A grade
with a comment, from the customer page; a rejection returns the grade to what it was and tells
the person who made it A."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from customers import services, timeline
from customers.models import Customer, GradeChange
from notifications.kinds import Kind
from notifications.models import Notification
from teams.models import Role
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def reject_url(customer):
    return reverse("customers:customer-second-check-reject", args=[customer.pk])


def confirm_url(customer):
    return reverse("customers:customer-second-check-confirm", args=[customer.pk])


def detail_url(customer):
    return reverse("customers:customer-detail", args=[customer.pk])


@pytest.fixture
def pending(rep):
    """A B customer the rep made A (through the service, as the form does)."""
    customer = CustomerFactory(owner=rep, grade_b=True)
    return services.customer_update(
        by=rep, customer=customer, annual_purchase_estimate=Decimal("200")
    )


@pytest.mark.parametrize("checker", ["manager", "director"])
def test_a_rejection_returns_the_grade_and_tells_who_made_it_a(
    request, client, rep, pending, checker
):
    user = request.getfixturevalue(checker)
    client.force_login(user)
    response = client.post(reject_url(pending), {"comment": "年采购额是估算，没有合同支撑"})
    assert response.status_code == 302 and response.url == detail_url(pending)
    pending.refresh_from_db()
    assert pending.grade == "B"
    assert pending.grade_source == Customer.GradeSource.MANUAL  # a recompute keeps it B
    assert pending.second_check == Customer.SecondCheck.CONFIRMED
    assert pending.second_check_requested_by is None
    change = pending.grade_changes.first()
    assert (change.from_grade, change.to_grade, change.source, change.changed_by) == (
        "A",
        "B",
        GradeChange.Source.SECOND_CHECK,
        user,
    )
    assert change.reason_text == "Rejected in the second check: 年采购额是估算，没有合同支撑"
    [note] = Notification.objects.filter(recipient=rep)
    assert note.kind == Kind.GRADE_CHECK_REJECTED
    assert note.url == detail_url(pending)
    assert messages_of(response) == [
        f"Grade A of {pending.name} is rejected: back to grade B. {rep.display_name} is told why."
    ]
    # The cadence follows the grade back.
    assert pending.next_followup_for in (Customer.DueFor.CONTACT, Customer.DueFor.VISIT)
    titles = [str(e.title) for e in timeline.events_for(pending, user) if e.kind == "grade"]
    assert titles[0] == "Grade A → B"


def test_a_rejection_needs_a_comment_and_changes_nothing_without_one(client, manager, pending):
    client.force_login(manager)
    response = client.post(reject_url(pending), {"comment": "   "})
    assert response.status_code == 302 and response.url == f"{detail_url(pending)}#second-check"
    assert "Say why the A grade is rejected." in messages_of(response)
    pending.refresh_from_db()
    assert (pending.grade, pending.second_check) == ("A", Customer.SecondCheck.PENDING)
    assert not Notification.objects.exists()


def test_a_customer_entered_as_a_goes_back_to_the_grade_its_purchases_give(manager, rep):
    customer = services.customer_create(
        by=rep, name="战略客户", annual_purchase_estimate=Decimal("60"), strategic=True
    )
    assert (customer.grade, customer.second_check) == ("A", Customer.SecondCheck.PENDING)
    services.customer_reject_second_check(by=manager, customer=customer, comment="无战略意向")
    customer.refresh_from_db()
    assert customer.grade == "B"


def test_a_confirmation_keeps_its_comment_in_the_grade_history(client, manager, pending):
    client.force_login(manager)
    response = client.post(confirm_url(pending), {"comment": "已核实年度框架协议"})
    assert f"Grade A of {pending.name} is confirmed." in messages_of(response)
    pending.refresh_from_db()
    assert (pending.grade, pending.second_check) == ("A", Customer.SecondCheck.CONFIRMED)
    change = pending.grade_changes.first()
    assert (change.from_grade, change.to_grade, change.source) == ("A", "A", "check")
    assert change.reason_text == "Confirmed in the second check: 已核实年度框架协议"
    # The timeline shows the confirmation once, not as a grade change A → A.
    events = timeline.events_for(pending, manager)
    assert [e.kind for e in events].count("second_check") == 1
    assert not [e for e in events if e.kind == "grade" and "A → A" in str(e.title)]
    assert not Notification.objects.exists()


# --- who may decide ---------------------------------------------------------------------------


def test_the_owner_who_made_it_a_may_not_decide(client, rep, pending):
    client.force_login(rep)
    assert client.post(reject_url(pending), {"comment": "x"}).status_code == 403
    assert client.post(confirm_url(pending)).status_code == 403
    page = client.get(detail_url(pending)).content.decode()
    assert 'id="second-check-form"' not in page
    with pytest.raises(PermissionDenied):
        services.customer_reject_second_check(by=rep, customer=pending, comment="x")
    pending.refresh_from_db()
    assert pending.second_check == Customer.SecondCheck.PENDING


def test_a_manager_who_made_it_a_may_not_reject_it(client, manager, rep):
    customer = CustomerFactory(owner=rep)
    services.customer_update(by=manager, customer=customer, annual_purchase_estimate=Decimal(500))
    client.force_login(manager)
    assert client.post(reject_url(customer), {"comment": "x"}).status_code == 403


def test_another_teams_manager_does_not_see_the_customer(client, org, pending):
    stranger = UserFactory(role=Role.SALES_MANAGER, team=org["team_c"])
    client.force_login(stranger)
    assert client.post(reject_url(pending), {"comment": "x"}).status_code == 404
    assert client.post(confirm_url(pending)).status_code == 404
    pending.refresh_from_db()
    assert pending.second_check == Customer.SecondCheck.PENDING


def test_reject_is_post_only(client, manager, pending):
    client.force_login(manager)
    assert client.get(reject_url(pending)).status_code == 405


# --- where the decision is made -----------------------------------------------------------------


def test_the_customer_page_offers_confirm_and_reject_with_a_comment(client, manager, pending):
    client.force_login(manager)
    page = client.get(detail_url(pending)).content.decode()
    form = page[page.index('id="second-check-form"') :]
    form = form[: form.index("</form>")]
    assert 'name="comment"' in form
    assert 'id="confirm-second-check"' in form and 'id="reject-second-check"' in form
    assert reject_url(pending) in form
    assert "Reject (back to B)" in form


def test_the_home_panel_links_to_the_customer_page_instead_of_confirming(client, manager, pending):
    client.force_login(manager)
    page = client.get(reverse("home")).content.decode()
    row = page[page.index(f'id="pending-check-{pending.pk}"') :]
    row = row[: row.index("</li>")]
    assert f'href="{detail_url(pending)}#second-check"' in row
    assert "<form" not in row and confirm_url(pending) not in row
