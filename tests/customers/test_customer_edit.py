"""Creating and editing customers (template 1), their contacts and colleagues (协作人)."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from customers import services
from customers.models import Contact, Customer, CustomerShare, GradeChange, Tag
from tests.customers.helpers import edit_payload, payload
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    IndustryFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CREATE = reverse("customers:customer-create")


def update_url(customer):
    return reverse("customers:customer-update", args=[customer.pk])


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- create ---------------------------------------------------------------------------------


def test_rep_creates_customer_with_first_contact_and_tags(client, rep):
    industry = IndustryFactory(name="食品")
    tag = TagFactory(name="新品采购", dimension=Tag.Dimension.NEED)
    client.force_login(rep)
    response = client.post(CREATE, payload(industry=industry.pk, tags=[tag.pk]))
    customer = Customer.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("customers:customer-detail", args=[customer.pk])
    assert customer.owner == rep and customer.created_by == rep
    assert customer.credit_code == "91330100MA2B3C4D5E"  # upper-cased
    assert customer.industry == industry and list(customer.tags.all()) == [tag]
    assert customer.grade == "B" and customer.grade_source == Customer.GradeSource.COMPUTED
    assert customer.budget_min == Decimal("20") and customer.budget_max == Decimal("60")
    assert customer.next_followup_due is not None
    contact = customer.contacts.get()
    assert (contact.name, contact.is_key, contact.phone_key) == ("陈经理", True, "13900001111")
    assert contact.decision_role == Contact.DecisionRole.DECISION_MAKER
    assert customer.history.get().history_user == rep


def test_the_first_contact_is_optional(client, rep):
    client.force_login(rep)
    fields = ["name", "title", "phone", "email", "wechat", "decision_role", "is_key"]
    response = client.post(CREATE, payload(**{f"contact_{name}": None for name in fields}))
    assert response.status_code == 302
    assert not Customer.objects.get().contacts.exists()


def test_grade_set_by_hand(client, rep):
    client.force_login(rep)
    client.post(
        CREATE,
        payload(grade_source=Customer.GradeSource.MANUAL, grade="B", annual_purchase_estimate="1"),
    )
    customer = Customer.objects.get()
    assert (customer.grade, customer.grade_source) == ("B", Customer.GradeSource.MANUAL)
    change = GradeChange.objects.get()
    assert (change.to_grade, change.source) == ("B", GradeChange.Source.MANUAL)


def test_a_manual_grade_needs_the_grade(client, rep):
    client.force_login(rep)
    response = client.post(CREATE, payload(grade_source=Customer.GradeSource.MANUAL, grade=""))
    assert response.status_code == 200
    assert "Choose the grade you set by hand." in response.content.decode()
    assert not Customer.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "  ", "Give the customer&#x27;s name."),
        ("phone", "12ab", "Enter a phone number of 7 to 15 digits"),
        ("phone", "123", "Enter a phone number of 7 to 15 digits"),
        ("contact_phone", "call me", "Enter a phone number of 7 to 15 digits"),
        ("credit_code", "91330100MA2B3C", "A unified social credit code is 18 characters"),
        ("credit_code", "91330100MA2B3C4D5!", "A unified social credit code is 18 characters"),
        ("budget_max", "10", "The upper end cannot be below the lower end."),
        ("budget_min", "-5", "A budget cannot be negative."),
        ("annual_purchase_estimate", "-1", "Amounts cannot be negative."),
        ("contact_email", "not-an-email", "Enter a valid email address."),
        ("expected_purchase_date", "2026-13-45", "Enter a valid date."),
        ("status", "won", "Select a valid choice."),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(client, rep, field, value, message):
    client.force_login(rep)
    response = client.post(CREATE, payload(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Customer.objects.exists() and not Contact.objects.exists()


def test_contact_fields_without_a_name_are_refused(client, rep):
    client.force_login(rep)
    response = client.post(CREATE, payload(contact_name=""))
    assert "Give the contact&#x27;s name, or leave the contact fields empty." in (
        response.content.decode()
    )
    assert not Customer.objects.exists()


def test_rep_cannot_choose_another_owner_but_a_manager_can(client, rep, manager, other_rep):
    client.force_login(rep)
    client.post(CREATE, payload(owner=other_rep.pk))
    assert Customer.objects.get().owner == rep
    Customer.objects.all().delete()

    client.force_login(manager)
    response = client.get(CREATE)
    owners = set(response.context["form"].fields["owner"].queryset)
    assert rep in owners and other_rep not in owners  # only the manager's teams
    client.post(CREATE, payload(owner=rep.pk))
    assert Customer.objects.get().owner == rep
    Customer.objects.all().delete()
    response = client.post(CREATE, payload(owner=other_rep.pk))
    assert "Choose an active colleague in your teams." in response.content.decode()
    assert not Customer.objects.exists()


# --- edit -----------------------------------------------------------------------------------


@pytest.fixture
def customer(rep):
    return CustomerFactory(owner=rep, name="宁波海川电子有限公司", budget_min=None, budget_max=None)


def test_owner_edits_and_the_change_is_recorded(client, rep, customer):
    client.force_login(rep)
    response = client.get(update_url(customer))
    assert response.status_code == 200
    assert "contact_name" not in response.context["form"].fields
    response = client.post(
        update_url(customer),
        edit_payload(customer, address="宁波市北仑区", annual_purchase_estimate="40"),
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.address == "宁波市北仑区"
    assert customer.grade == "B"
    assert customer.grade_changes.get().from_grade == "C"
    assert "Changes to 宁波海川电子有限公司 were saved." in messages_of(response)
    assert customer.history.first().history_user == rep


def test_edit_with_bad_input_changes_nothing(client, rep, customer):
    client.force_login(rep)
    response = client.post(update_url(customer), edit_payload(customer, name="", phone="x"))
    assert response.status_code == 200
    assert response.context["saved_name"] == "宁波海川电子有限公司"
    customer.refresh_from_db()
    assert customer.name == "宁波海川电子有限公司"


def test_tags_are_replaced_on_edit(client, rep, customer):
    old, new = TagFactory(name="旧"), TagFactory(name="新", dimension=Tag.Dimension.NEED)
    customer.tags.set([old])
    client.force_login(rep)
    response = client.get(update_url(customer))
    groups = dict(response.context["form"].tag_groups())
    assert [t["checked"] for t in groups["Custom"]] == [True]
    client.post(update_url(customer), edit_payload(customer, tags=[new.pk]))
    assert list(customer.tags.all()) == [new]


# --- contacts -------------------------------------------------------------------------------


def contact_payload(**overrides):
    data = {
        "name": "周工",
        "title": "技术总监",
        "phone": "(0574) 8765-4321",
        "email": "zhou@example.com",
        "wechat": "",
        "decision_role": Contact.DecisionRole.TECHNICAL,
        "is_key": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_contacts_are_added_edited_and_deleted(client, rep, customer):
    client.force_login(rep)
    response = client.post(
        reverse("customers:contact-create", args=[customer.pk]), contact_payload()
    )
    assert response.status_code == 302 and response.url.endswith("#contacts")
    contact = customer.contacts.get()
    assert contact.phone_key == "057487654321" and contact.is_key
    assert contact.history.get().history_user == rep

    client.post(
        reverse("customers:contact-update", args=[contact.pk]),
        contact_payload(title="副总经理", is_key=None),
    )
    contact.refresh_from_db()
    assert contact.title == "副总经理" and not contact.is_key

    response = client.post(reverse("customers:contact-delete", args=[contact.pk]))
    assert response.status_code == 302
    assert not customer.contacts.exists()


def test_several_key_contacts_are_allowed(client, rep, customer):
    ContactFactory(customer=customer, is_key=True)
    client.force_login(rep)
    client.post(reverse("customers:contact-create", args=[customer.pk]), contact_payload())
    assert customer.contacts.filter(is_key=True).count() == 2


def test_a_contact_with_a_bad_phone_is_refused(client, rep, customer):
    client.force_login(rep)
    response = client.post(
        reverse("customers:contact-create", args=[customer.pk]), contact_payload(phone="abc")
    )
    assert response.status_code == 200
    assert "Enter a phone number of 7 to 15 digits" in response.content.decode()
    assert not customer.contacts.exists()


def test_contact_delete_is_post_only(client, rep, customer):
    contact = ContactFactory(customer=customer)
    client.force_login(rep)
    assert client.get(reverse("customers:contact-delete", args=[contact.pk])).status_code == 405
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_a_read_only_colleague_cannot_change_contacts(client, customer, other_rep):
    contact = ContactFactory(customer=customer)
    CustomerShare.objects.create(customer=customer, user=other_rep, can_edit=False)
    client.force_login(other_rep)
    assert client.get(reverse("customers:contact-update", args=[contact.pk])).status_code == 403
    assert client.post(reverse("customers:contact-delete", args=[contact.pk])).status_code == 403
    assert Contact.objects.filter(pk=contact.pk).exists()


# --- sharing with colleagues (协作人) --------------------------------------------------------


def share(client, customer, user, access="read"):
    return client.post(
        reverse("customers:share-create", args=[customer.pk]), {"user": user.pk, "access": access}
    )


def test_owner_shares_read_only_then_read_write_then_removes(client, rep, customer, other_rep):
    client.force_login(rep)
    share(client, customer, other_rep)
    record = CustomerShare.objects.get(customer=customer, user=other_rep)
    assert not record.can_edit

    client.force_login(other_rep)
    assert client.get(reverse("customers:customer-detail", args=[customer.pk])).status_code == 200
    assert client.get(update_url(customer)).status_code == 403

    client.force_login(rep)
    share(client, customer, other_rep, access="edit")
    record.refresh_from_db()
    assert record.can_edit
    client.force_login(other_rep)
    assert client.get(update_url(customer)).status_code == 200

    client.force_login(rep)
    client.post(reverse("customers:share-delete", args=[record.pk]))
    assert not CustomerShare.objects.exists()
    client.force_login(other_rep)
    assert client.get(reverse("customers:customer-detail", args=[customer.pk])).status_code == 404
    assert [h.history_type for h in CustomerShare.history.order_by("history_date")] == [
        "+",
        "~",
        "-",
    ]
    assert {h.history_user for h in CustomerShare.history.all()} == {rep}


def test_a_read_only_colleague_does_not_manage_shares(client, rep, customer, other_rep, org):
    third = UserFactory(username="third", team=org["team_b"])
    record = CustomerShare.objects.create(customer=customer, user=other_rep, can_edit=False)
    client.force_login(other_rep)
    assert share(client, customer, third).status_code == 403
    assert client.post(reverse("customers:share-delete", args=[record.pk])).status_code == 403
    assert CustomerShare.objects.count() == 1
    client.force_login(third)  # sees nothing of it
    assert share(client, customer, third).status_code == 404
    assert client.post(reverse("customers:share-delete", args=[record.pk])).status_code == 404


def test_cannot_share_with_the_owner_or_legal(client, rep, customer, legal):
    client.force_login(rep)
    response = share(client, customer, rep)
    assert "Choose an active sales colleague." in messages_of(response)
    response = share(client, customer, legal)
    assert "Choose an active sales colleague." in messages_of(response)
    assert not CustomerShare.objects.exists()
    with pytest.raises(services.CustomerError):
        services.customer_share(by=rep, customer=customer, user=legal)
