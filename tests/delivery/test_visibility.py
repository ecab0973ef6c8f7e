"""Who sees delivery work: the delivery team of a contract through its assignment (the teams
policy's `extra`), a lead all signed contracts, the rep and their manager read-only, directors,
the general manager and admins everything; anyone else gets 404 (a rep on an action, 403)."""

import pytest
from django.urls import reverse

from contracts.models import Contract
from customers.models import Customer
from delivery.services.assignment import delivery_assign

pytestmark = pytest.mark.django_db

# who -> (project page, phase form, assign form, customer page)
MATRIX = {
    "delivery": (200, 200, 403, 200),  # the delivery owner
    "member": (200, 200, 403, 200),
    "lead": (200, 200, 200, 200),
    "outsider": (404, 404, 404, 404),
    "rep": (200, 403, 403, 200),  # the contract's rep: read-only
    "manager": (200, 403, 403, 200),
    "other_rep": (404, 404, 404, 404),
    "legal": (404, 404, 404, 404),
    "aftersales": (404, 404, 404, 404),
    "director": (200, 403, 403, 200),
    "general_manager": (200, 403, 403, 200),
    "admin_user": (200, 403, 403, 200),
}


@pytest.mark.parametrize("who", MATRIX)
def test_visibility_matrix(request, client, assigned, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    pages = [
        reverse("delivery:project", args=[assigned.pk]),
        reverse("delivery:phase-create", args=[assigned.pk]),
        reverse("delivery:assign", args=[assigned.pk]),
        reverse("customers:customer-detail", args=[assigned.customer_id]),
    ]
    got = tuple(client.get(url).status_code for url in pages)
    assert got == MATRIX[who]


@pytest.mark.parametrize("who", ["rep", "manager", "director"])
def test_the_reps_side_reads_without_buttons(request, client, assigned, who):
    client.force_login(request.getfixturevalue(who))
    page = client.get(reverse("delivery:project", args=[assigned.pk])).content.decode()
    assert assigned.number in page
    for button in ('id="add-phase"', 'id="assign-team"', 'id="record-acceptance"'):
        assert button not in page


def test_a_rep_posting_an_action_is_refused_and_nothing_changes(client, rep, assigned):
    client.force_login(rep)
    response = client.post(
        reverse("delivery:phase-create", args=[assigned.pk]),
        {"name": "上线", "start_date": assigned.start_date, "end_date": assigned.start_date},
    )
    assert response.status_code == 403
    assert not assigned.delivery_assignments.filter(user=rep).exists()


def test_the_assignment_is_what_gives_sight(signed, lead, delivery, outsider):
    assert not Contract.objects.visible_to(delivery).filter(pk=signed.pk).exists()
    delivery_assign(contract=signed, by=lead, owner=delivery, members=[])
    assert Contract.objects.visible_to(delivery).filter(pk=signed.pk).exists()
    assert Customer.objects.visible_to(delivery).filter(pk=signed.customer_id).exists()
    delivery_assign(contract=signed, by=lead, owner=outsider, members=[])
    assert not Contract.objects.visible_to(delivery).filter(pk=signed.pk).exists()
    assert not Customer.objects.visible_to(delivery).filter(pk=signed.customer_id).exists()


def test_a_lead_sees_every_signed_contract_never_a_draft(signed, lead, customer):
    from tests.factories import ContractFactory

    draft = ContractFactory(customer=customer)
    visible = set(Contract.objects.visible_to(lead).values_list("pk", flat=True))
    assert signed.pk in visible
    assert draft.pk not in visible


def test_the_list_shows_delivery_staff_their_own(client, assigned, delivery, outsider, lead):
    client.force_login(delivery)
    rows = client.get(reverse("delivery:project-list")).context["rows"]
    assert [row.pk for row in rows] == [assigned.pk]
    client.force_login(outsider)
    assert list(client.get(reverse("delivery:project-list") + "?scope=all").context["rows"]) == []


def test_a_lead_finds_the_unassigned_contracts(client, signed, lead):
    client.force_login(lead)
    response = client.get(reverse("delivery:project-list") + "?scope=unassigned")
    assert [row.pk for row in response.context["rows"]] == [signed.pk]
    assert "未分配" not in response.content.decode()  # English pages in tests
    assert "Not assigned" in response.content.decode()


def test_only_a_lead_assigns(client, signed, delivery, lead):
    client.force_login(lead)
    response = client.post(
        reverse("delivery:assign", args=[signed.pk]), {"owner": delivery.pk, "members": []}
    )
    assert response.status_code == 302
    assert signed.delivery_assignments.get().user == delivery


def test_an_admin_marks_leads_and_nobody_else(client, admin_user, delivery, rep):
    client.force_login(rep)
    assert client.get(reverse("delivery:leads")).status_code == 403
    client.force_login(admin_user)
    client.post(reverse("delivery:lead-set"), {"user": delivery.pk, "lead": "on"})
    assert hasattr(type(delivery).objects.get(pk=delivery.pk), "delivery_lead")
    client.post(reverse("delivery:lead-set"), {"user": rep.pk, "lead": "on"})
    assert not hasattr(type(rep).objects.get(pk=rep.pk), "delivery_lead")
