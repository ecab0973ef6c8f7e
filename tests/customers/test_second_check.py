"""二次核对: a customer created as or changed to grade A stays "pending review" until a sales
manager or director other than the person who made it A confirms it."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from customers import services, timeline
from customers.models import Customer
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def confirm_url(customer):
    return reverse("customers:customer-second-check-confirm", args=[customer.pk])


def create_form(**overrides):
    return {
        "name": "北京华夏重工有限公司",
        "status": Customer.Status.PROSPECT,
        "annual_purchase_estimate": "150",
        "grade_source": Customer.GradeSource.COMPUTED,
        **overrides,
    }


@pytest.fixture
def pending(rep):
    """A customer the rep made A (through the service, as the form does)."""
    customer = CustomerFactory(owner=rep)
    return services.customer_update(
        by=rep, customer=customer, annual_purchase_estimate=Decimal("200")
    )


def test_created_as_a_is_pending(client, rep):
    client.force_login(rep)
    response = client.post(reverse("customers:customer-create"), create_form())
    customer = Customer.objects.get()
    assert customer.grade == "A"
    assert customer.second_check == Customer.SecondCheck.PENDING
    assert customer.second_check_requested_by == rep
    assert "Grade A waits for a second check by a sales manager or director." in (
        messages_of(response)
    )


def test_created_as_a_by_hand_or_strategic_is_pending(client, rep):
    client.force_login(rep)
    client.post(
        reverse("customers:customer-create"),
        create_form(name="甲", annual_purchase_estimate="1", grade_source="manual", grade="A"),
    )
    client.post(
        reverse("customers:customer-create"),
        create_form(name="乙", annual_purchase_estimate="1", strategic="on"),
    )
    assert set(Customer.objects.values_list("grade", "second_check")) == {("A", "pending")}


def test_created_as_b_needs_no_check(client, rep):
    client.force_login(rep)
    client.post(reverse("customers:customer-create"), create_form(annual_purchase_estimate="50"))
    customer = Customer.objects.get()
    assert (customer.grade, customer.second_check) == ("B", Customer.SecondCheck.CONFIRMED)


def test_changed_to_a_is_pending(client, rep):
    customer = CustomerFactory(owner=rep, grade_b=True)
    client.force_login(rep)
    url = reverse("customers:customer-update", args=[customer.pk])
    response = client.post(
        url,
        {
            "name": customer.name,
            "status": customer.status,
            "phone": customer.phone,
            "annual_purchase_estimate": "120",
            "grade_source": "computed",
        },
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.grade, customer.second_check) == ("A", Customer.SecondCheck.PENDING)
    assert customer.second_check_requested_by == rep


def test_leaving_a_ends_the_check(rep, pending):
    customer = services.customer_update(
        by=rep, customer=pending, annual_purchase_estimate=Decimal("10")
    )
    assert (customer.grade, customer.second_check) == ("C", Customer.SecondCheck.CONFIRMED)


def test_the_page_shows_a_pending_second_check_and_who_may_confirm(client, rep, manager, pending):
    client.force_login(rep)
    text = client.get(reverse("customers:customer-detail", args=[pending.pk])).content.decode()
    assert 'id="second-check-badge"' in text and 'id="confirm-second-check"' not in text
    client.force_login(manager)
    text = client.get(reverse("customers:customer-detail", args=[pending.pk])).content.decode()
    assert 'id="second-check-badge"' in text and 'id="confirm-second-check"' in text


@pytest.mark.parametrize("confirmer", ["manager", "director"])
def test_a_manager_or_director_confirms(request, client, pending, confirmer):
    user = request.getfixturevalue(confirmer)
    client.force_login(user)
    response = client.post(confirm_url(pending))
    assert response.status_code == 302
    assert response.url == reverse("customers:customer-detail", args=[pending.pk])
    pending.refresh_from_db()
    assert (
        pending.second_check == Customer.SecondCheck.CONFIRMED
        and pending.second_check_requested_by is None
    )
    assert f"Grade A of {pending.name} is confirmed." in messages_of(response)
    events = [e for e in timeline.events_for(pending, user) if e.kind == "second_check"]
    assert events and events[0].who == user


def test_the_person_who_made_it_a_cannot_confirm_even_a_manager(client, rep, manager):
    customer = CustomerFactory(owner=rep)
    services.customer_update(by=manager, customer=customer, annual_purchase_estimate=Decimal(500))
    client.force_login(manager)
    text = client.get(reverse("customers:customer-detail", args=[customer.pk])).content.decode()
    assert 'id="confirm-second-check"' not in text
    assert "You made it A" in text
    assert client.post(confirm_url(customer)).status_code == 403
    with pytest.raises(PermissionDenied):
        services.customer_confirm_second_check(by=manager, customer=customer)
    customer.refresh_from_db()
    assert customer.second_check == Customer.SecondCheck.PENDING


def test_confirm_is_post_only_and_once(client, manager, pending):
    client.force_login(manager)
    assert client.get(confirm_url(pending)).status_code == 405
    client.post(confirm_url(pending))
    response = client.post(confirm_url(pending))
    assert response.status_code == 302
    assert "This customer is not waiting for a second check." in messages_of(response)


def test_home_panel_lists_pending_checks_for_managers_and_directors(
    client, rep, manager, director, pending
):
    mine = CustomerFactory(owner=rep, name="经理自己升A的客户")
    services.customer_update(by=manager, customer=mine, annual_purchase_estimate=Decimal(300))
    client.force_login(manager)
    text = client.get(reverse("home")).content.decode()
    assert 'id="panel-pending-a-checks"' in text
    assert f'id="pending-check-{pending.pk}"' in text
    assert f'id="pending-check-{mine.pk}"' not in text  # made A by this manager
    client.force_login(director)
    text = client.get(reverse("home")).content.decode()
    assert f'id="pending-check-{pending.pk}"' in text and f'id="pending-check-{mine.pk}"' in text
    client.force_login(rep)
    assert 'id="panel-pending-a-checks"' not in client.get(reverse("home")).content.decode()


def test_confirming_from_the_home_panel_returns_home(client, manager, pending):
    client.force_login(manager)
    response = client.post(confirm_url(pending), {"next": reverse("home")})
    assert response.url == reverse("home")
    response = client.post(confirm_url(pending), {"next": "https://evil.example.com/"})
    assert response.url == reverse("customers:customer-detail", args=[pending.pk])


def test_the_timeline_reads_a_confirmation_from_the_fields_not_the_reasons_text(
    client, manager, pending
):
    client.force_login(manager)
    client.post(confirm_url(pending))
    pending.history.update(history_change_reason="")  # whatever the text says
    services.customer_update(by=manager, customer=pending, notes="再次编辑")  # still A
    events = [e for e in timeline.events_for(pending, manager) if e.kind == "second_check"]
    assert [event.who for event in events] == [manager]
