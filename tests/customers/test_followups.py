"""Follow-ups (客户跟进记录): the full form, the quick log with its check-in, the late flag."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from customers import services, timeline
from customers.models import Customer, CustomerShare, FollowUp, Task
from tests.customers.helpers import full_form, local
from tests.factories import ContactFactory, CustomerFactory, FollowUpFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(rep):
    return CustomerFactory(owner=rep, name="上海远景机械有限公司")


@pytest.fixture
def contact(customer):
    return ContactFactory(customer=customer, name="王总", title="总经理")


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def quick_form(for_customer, **overrides):
    data = {
        "customer": for_customer.pk,
        "method": FollowUp.Method.PHONE,
        "summary": "电话确认样品已收到",
        "next_action": "",
        "next_action_due": "",
        "latitude": "",
        "longitude": "",
        "location_accuracy": "",
    }
    data.update(overrides)
    return data


# --- the full form from the customer page ----------------------------------------------------


def test_rep_logs_a_full_followup_and_sees_the_next_due_date(client, rep, customer, contact):
    old_due = customer.next_followup_due
    client.force_login(rep)
    url = reverse("customers:followup-create", args=[customer.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    for name in [
        "occurred_at",
        "method",
        "executive",
        "contact",
        "goal",
        "summary",
        "feedback",
        "next_action",
        "next_action_owner",
        "next_action_due",
    ]:
        assert f'name="{name}"' in html, name
    assert contact.name in html

    data = full_form(contact=contact.pk, next_action_owner=rep.pk)
    response = client.post(url, data)

    assert response.status_code == 302
    assert response.url == reverse("customers:customer-detail", args=[customer.pk])
    followup = FollowUp.objects.get()
    assert followup.author == rep
    assert followup.contact == contact
    assert followup.method == FollowUp.Method.VISIT
    assert followup.executive is True
    assert followup.goal == "确认年度采购计划"
    assert followup.feedback == "对交付周期有顾虑"
    assert followup.is_late is False
    customer.refresh_from_db()
    new_due = customer.next_followup_due
    # grade C: a contact a month after the visit (an hour ago: yesterday, just after midnight)
    assert new_due == timezone.localdate(followup.occurred_at) + timedelta(days=30)
    assert customer.last_followup_at == followup.occurred_at
    task = Task.objects.get()
    assert (task.owner, task.title, task.customer) == (rep, "发送方案初稿", customer)
    assert task.due_date == timezone.localdate() + timedelta(days=3)
    assert messages_of(response) == [
        f"Follow-up logged. Next follow-up due moved from {old_due.isoformat()} "
        f"to {new_due.isoformat()} (Contact)."
    ]


def test_form_defaults_to_now_and_to_myself(client, rep, customer):
    client.force_login(rep)
    form = client.get(reverse("customers:followup-create", args=[customer.pk])).context["form"]
    initial = form["occurred_at"].value()  # local time, as the datetime-local input shows it
    assert abs(timezone.localtime().replace(tzinfo=None) - initial) < timedelta(minutes=2)
    assert form["next_action_owner"].value() == rep.pk
    assert list(form.fields["next_action_owner"].queryset) == [rep]


def test_without_a_next_action_no_task_is_made(client, rep, customer):
    client.force_login(rep)
    data = full_form(next_action="", next_action_due="", executive=None)
    response = client.post(reverse("customers:followup-create", args=[customer.pk]), data)
    assert response.status_code == 302
    assert FollowUp.objects.count() == 1
    assert not Task.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"occurred_at": "FUTURE"},
            "occurred_at",
            "A follow-up cannot be in the future.",
        ),
        ({"summary": ""}, "summary", "Write the key points of the follow-up."),
        ({"summary": "   "}, "summary", "Write the key points of the follow-up."),
        (
            {"next_action_due": "BEFORE"},
            "next_action_due",
            "The next action cannot be due before the follow-up",
        ),
        ({"contact": "OTHER"}, "contact", "Choose a contact of this customer."),
        (
            {"method": FollowUp.Method.PHONE, "executive": "on"},
            "executive",
            "Only a visit can be an executive visit.",
        ),
        (
            {"next_action": "", "next_action_due": "SOON"},
            "next_action",
            "Say what the next action is, or leave its date empty.",
        ),
        ({"method": ""}, "method", "Choose how you were in touch."),
        (
            {"next_action_owner": "OTHER_REP"},
            "next_action_owner",
            "The next action's owner must be someone who sees this customer.",
        ),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(
    client, rep, other_rep, customer, overrides, field, message
):
    other_contact = ContactFactory(customer=CustomerFactory(owner=other_rep))
    two_days_ago = timezone.now() - timedelta(days=2)
    replace = {
        "FUTURE": local(timezone.now() + timedelta(hours=2)),
        "BEFORE": (timezone.localdate(two_days_ago) - timedelta(days=1)).isoformat(),
        "OTHER": other_contact.pk,
        "SOON": (timezone.localdate() + timedelta(days=1)).isoformat(),
        "OTHER_REP": other_rep.pk,
    }
    data = full_form(occurred_at=local(two_days_ago))
    data.update({k: replace.get(v, v) for k, v in overrides.items()})
    old_due = customer.next_followup_due
    client.force_login(rep)

    response = client.post(reverse("customers:followup-create", args=[customer.pk]), data)

    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message in errors
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not FollowUp.objects.exists()
    assert not Task.objects.exists()
    customer.refresh_from_db()
    assert customer.next_followup_due == old_due


def test_a_manager_gives_the_next_action_to_a_rep_of_the_team(
    client, manager, rep, other_rep, customer
):
    client.force_login(manager)
    url = reverse("customers:followup-create", args=[customer.pk])
    owners = set(client.get(url).context["form"].fields["next_action_owner"].queryset)
    assert owners == {manager, rep}  # not other_rep: another team, cannot see the customer
    response = client.post(url, full_form(next_action_owner=rep.pk))
    assert response.status_code == 302
    assert Task.objects.get().owner == rep
    assert FollowUp.objects.get().author == manager


def test_a_colleague_the_customer_is_shared_with_can_give_it_to_the_owner(client, rep, customer):
    colleague = UserFactory(username="colleague", team=rep.team)
    CustomerShare.objects.create(customer=customer, user=colleague, can_edit=True)
    client.force_login(colleague)
    url = reverse("customers:followup-create", args=[customer.pk])
    owners = set(client.get(url).context["form"].fields["next_action_owner"].queryset)
    assert owners == {colleague, rep}
    assert client.post(url, full_form(next_action_owner=rep.pk)).status_code == 302
    assert Task.objects.get().owner == rep


def test_a_late_record_is_flagged_and_said(client, rep, customer):
    client.force_login(rep)
    data = full_form(occurred_at=local(timezone.now() - timedelta(days=2)))
    response = client.post(reverse("customers:followup-create", args=[customer.pk]), data)
    assert FollowUp.objects.get().is_late is True
    assert "Recorded more than 24 hours after the contact: marked late." in messages_of(response)


# --- who may log ------------------------------------------------------------------------------


def test_read_only_colleague_cannot_log(client, rep, customer):
    reader = UserFactory(username="reader", team=rep.team)
    CustomerShare.objects.create(customer=customer, user=reader, can_edit=False)
    client.force_login(reader)
    url = reverse("customers:followup-create", args=[customer.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, full_form()).status_code == 403
    assert not FollowUp.objects.exists()


def test_the_service_refuses_who_may_not_log(other_rep, customer):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.followup_log(
            by=other_rep,
            customer=customer,
            method=FollowUp.Method.PHONE,
            occurred_at=timezone.now(),
            summary="x",
        )
    assert not FollowUp.objects.exists()


# --- the late flag -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "late"),
    [
        (timedelta(hours=23, minutes=59, seconds=59), False),
        (timedelta(hours=24), False),
        (timedelta(hours=24, seconds=1), True),
        (timedelta(days=3), True),
    ],
)
def test_late_flag_boundary_is_exactly_24_hours(monkeypatch, rep, customer, age, late):
    now = timezone.now().replace(microsecond=0)
    monkeypatch.setattr(timezone, "now", lambda: now)
    followup = services.followup_log(
        by=rep,
        customer=customer,
        method=FollowUp.Method.PHONE,
        occurred_at=now - age,
        summary="电话回访",
    )
    assert followup.is_late is late
    assert followup.recorded_at == now


def test_dormant_customer_wakes_up_when_logged(rep):
    customer = CustomerFactory(owner=rep, status=Customer.Status.DORMANT)
    services.followup_log(
        by=rep,
        customer=customer,
        method=FollowUp.Method.WECHAT,
        occurred_at=timezone.now(),
        summary="微信问候",
    )
    customer.refresh_from_db()
    assert customer.status == Customer.Status.PROSPECT


# --- quick log (phones) ------------------------------------------------------------------------


def test_quick_log_is_in_the_navbar_for_sales_roles_only(client, rep, legal):
    client.force_login(rep)
    assert reverse("customers:quick-log") in client.get(reverse("home")).content.decode()
    client.force_login(legal)
    assert reverse("customers:quick-log") not in client.get(reverse("home")).content.decode()


def test_quick_log_needs_only_customer_method_and_key_points(client, rep, customer):
    old_due = customer.next_followup_due
    client.force_login(rep)
    response = client.post(reverse("customers:quick-log"), quick_form(customer))
    assert response.status_code == 302
    assert response.url == reverse("customers:customer-detail", args=[customer.pk])
    followup = FollowUp.objects.get()
    assert (followup.customer, followup.author, followup.method) == (customer, rep, "phone")
    assert abs(timezone.now() - followup.occurred_at) < timedelta(minutes=1)
    assert not followup.is_late
    assert not followup.has_location
    assert not Task.objects.exists()
    new_due = timezone.localdate() + timedelta(days=30)
    assert messages_of(response) == [
        f"Follow-up logged. Next follow-up due moved from {old_due.isoformat()} "
        f"to {new_due.isoformat()} (Contact)."
    ]


def test_quick_log_next_action_becomes_my_task(client, rep, customer):
    client.force_login(rep)
    due = timezone.localdate() + timedelta(days=2)
    data = quick_form(customer, next_action="寄样品", next_action_due=due.isoformat())
    client.post(reverse("customers:quick-log"), data)
    task = Task.objects.get()
    assert (task.owner, task.title, task.due_date) == (rep, "寄样品", due)


def test_quick_log_visit_with_check_in_stores_the_location(client, rep, customer):
    client.force_login(rep)
    data = quick_form(
        customer,
        method="visit",
        executive="on",
        latitude="31.230416",
        longitude="121.473701",
        location_accuracy="35.4",
    )
    assert client.post(reverse("customers:quick-log"), data).status_code == 302
    followup = FollowUp.objects.get()
    assert followup.latitude == Decimal("31.230416")
    assert followup.longitude == Decimal("121.473701")
    assert followup.location_accuracy == 35
    assert followup.executive is True


def test_a_visit_logs_without_a_check_in(client, rep, customer):
    client.force_login(rep)
    response = client.post(reverse("customers:quick-log"), quick_form(customer, method="visit"))
    assert response.status_code == 302
    assert FollowUp.objects.get().has_location is False


def test_a_check_in_is_dropped_from_a_phone_call(client, rep, customer):
    client.force_login(rep)
    data = quick_form(customer, latitude="31.2", longitude="121.4", location_accuracy="20")
    assert client.post(reverse("customers:quick-log"), data).status_code == 302
    assert FollowUp.objects.get().has_location is False


@pytest.mark.parametrize(
    ("latitude", "longitude", "accuracy", "message"),
    [
        ("91", "121.4", "20", "The check-in latitude must be between -90 and 90."),
        ("-90.5", "121.4", "20", "The check-in latitude must be between -90 and 90."),
        ("31.2", "180.01", "20", "The check-in longitude must be between -180 and 180."),
        ("31.2", "-181", "", "The check-in longitude must be between -180 and 180."),
        ("31.2", "121.4", "-5", "The check-in accuracy must be between 0 and 1,000,000 m."),
        ("abc", "121.4", "20", "The check-in location could not be read. Check in again."),
        ("31.2", "", "20", "A check-in needs both latitude and longitude. Check in again."),
        ("nan", "121.4", "20", "The check-in latitude must be between -90 and 90."),
    ],
)
def test_bad_coordinates_are_refused_and_nothing_saved(
    client, rep, customer, latitude, longitude, accuracy, message
):
    client.force_login(rep)
    data = quick_form(
        customer,
        method="visit",
        latitude=latitude,
        longitude=longitude,
        location_accuracy=accuracy,
    )
    response = client.post(reverse("customers:quick-log"), data)
    assert response.status_code == 200
    assert message in response.context["form"].non_field_errors()
    assert message in response.content.decode()
    assert not FollowUp.objects.exists()


def test_the_service_validates_coordinates_too(rep, customer):
    with pytest.raises(services.CustomerError, match="latitude"):
        services.followup_log(
            by=rep,
            customer=customer,
            method=FollowUp.Method.VISIT,
            occurred_at=timezone.now(),
            summary="拜访",
            latitude=Decimal("95"),
            longitude=Decimal("121"),
        )
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"summary": ""}, "summary", "Write the key points of the follow-up."),
        ({"method": ""}, "method", "Choose how you were in touch."),
        ({"customer": ""}, "customer", "Pick a customer."),
        ({"customer": "OTHER"}, "customer", "Pick a customer from the search results."),
        ({"customer": "READONLY"}, "customer", "You may read this customer but not log"),
        (
            {"next_action": "回电", "next_action_due": "YESTERDAY"},
            "next_action_due",
            "The next action cannot be due before the follow-up",
        ),
        (
            {"method": "phone", "executive": "on"},
            "executive",
            "Only a visit can be an executive visit.",
        ),
    ],
)
def test_quick_log_bad_input(client, rep, other_rep, customer, overrides, field, message):
    readonly = CustomerFactory(owner=other_rep)
    CustomerShare.objects.create(customer=readonly, user=rep, can_edit=False)
    replace = {
        "OTHER": CustomerFactory(owner=other_rep).pk,
        "READONLY": readonly.pk,
        "YESTERDAY": (timezone.localdate() - timedelta(days=1)).isoformat(),
    }
    data = quick_form(customer, **{k: replace.get(v, v) for k, v in overrides.items()})
    client.force_login(rep)
    response = client.post(reverse("customers:quick-log"), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not FollowUp.objects.exists()


def test_quick_log_keeps_the_picked_customer_after_an_error(client, rep, customer):
    client.force_login(rep)
    response = client.post(reverse("customers:quick-log"), quick_form(customer, summary=""))
    html = response.content.decode()
    assert f'name="customer" value="{customer.pk}" checked' in html
    assert customer.name in html


def test_quick_log_preselects_a_customer_from_the_link(client, rep, customer):
    client.force_login(rep)
    page = client.get(reverse("customers:quick-log"), {"customer": customer.pk})
    assert f'name="customer" value="{customer.pk}" checked' in page.content.decode()


def test_quick_log_page_runs_a_constant_number_of_queries(
    client, rep, django_assert_max_num_queries
):
    client.force_login(rep)
    url = reverse("customers:quick-log")
    CustomerFactory(owner=rep)
    client.get(url)  # warm the session and the content types
    with django_assert_max_num_queries(6) as one:
        client.get(url)
    CustomerFactory.create_batch(49, owner=rep)
    with django_assert_max_num_queries(6) as fifty:
        client.get(url)
    assert len(one.captured_queries) == len(fifty.captured_queries)


# --- the customer search of the quick log ------------------------------------------------------


def test_search_finds_by_name_contact_and_phone_among_visible_customers(
    client, rep, other_rep, customer
):
    ContactFactory(customer=customer, name="李娜", phone="139-1234-5678")
    mine_by_phone = CustomerFactory(owner=rep, name="杭州明达贸易", phone="0571-8888 6666")
    hidden = CustomerFactory(owner=other_rep, name="上海远景物流")
    ContactFactory(customer=hidden, name="李娜")
    client.force_login(rep)
    url = reverse("customers:customer-search")

    def found(q):
        return [c.pk for c in client.get(url, {"q": q}).context["results"]]

    assert found("远景") == [customer.pk]
    assert found("李娜") == [customer.pk]
    assert found("13912345678") == [customer.pk]
    assert found("88886666") == [mine_by_phone.pk]
    assert found("") == []
    assert hidden.name not in client.get(url, {"q": "远景"}).content.decode()
    assert "No customer of yours matches" in client.get(url, {"q": "不存在"}).content.decode()


def test_a_director_searches_every_customer(client, director, rep, other_rep):
    mine = CustomerFactory(owner=rep, name="上海远景机械")
    theirs = CustomerFactory(owner=other_rep, name="广州南方物流")
    ContactFactory(customer=theirs, name="远景先生", phone="13700001111")
    CustomerFactory(owner=other_rep, name="无关公司")
    client.force_login(director)
    url = reverse("customers:customer-search")

    def found(q):
        return {c.pk for c in client.get(url, {"q": q}).context["results"]}

    assert found("远景") == {mine.pk, theirs.pk}
    assert found("137-0000-1111") == {theirs.pk}


def test_search_returns_at_most_ten_with_a_constant_number_of_queries(
    client, rep, django_assert_max_num_queries
):
    CustomerFactory.create_batch(3, owner=rep, name=factory_name("华东"))
    client.force_login(rep)
    url = reverse("customers:customer-search")
    client.get(url, {"q": "华东"})
    with django_assert_max_num_queries(5) as few:
        assert len(client.get(url, {"q": "华东"}).context["results"]) == 3
    CustomerFactory.create_batch(30, owner=rep, name=factory_name("华东"))
    with django_assert_max_num_queries(5) as many:
        results = client.get(url, {"q": "华东"}).context["results"]
    assert len(results) == 10
    assert len(few.captured_queries) == len(many.captured_queries)


def test_search_keeps_the_picked_customer_checked(client, rep, customer):
    other = CustomerFactory(owner=rep, name="北京星河")
    client.force_login(rep)
    response = client.get(
        reverse("customers:customer-search"), {"q": "星河", "customer": customer.pk}
    )
    html = response.content.decode()
    assert f'value="{customer.pk}" checked' in html
    assert f'value="{other.pk}"' in html


def factory_name(prefix):
    import factory

    return factory.Sequence(lambda n: f"{prefix}{n:03d}有限公司")


# --- showing the check-in ----------------------------------------------------------------------


def test_followup_page_and_timeline_show_the_check_in(client, rep, other_rep, customer):
    followup = FollowUpFactory(
        customer=customer,
        method=FollowUp.Method.VISIT,
        latitude=Decimal("31.230416"),
        longitude=Decimal("121.473701"),
        location_accuracy=35,
    )
    client.force_login(rep)
    url = reverse("customers:followup-detail", args=[followup.pk])
    html = client.get(url).content.decode()
    assert "Checked in ±35 m" in html
    assert "31.230416, 121.473701" in html
    assert "maps" not in html.lower()  # no external map service

    [event] = [e for e in timeline.events_for(customer, rep) if e.kind == "followup"]
    assert "checked in ±35 m" in event.badges
    assert event.url == url

    client.force_login(other_rep)
    assert client.get(url).status_code == 404


def test_followup_page_shows_late_and_the_task(client, rep, customer):
    client.force_login(rep)
    data = full_form(occurred_at=local(timezone.now() - timedelta(days=2)))
    data["next_action_due"] = timezone.localdate().isoformat()
    client.post(reverse("customers:followup-create", args=[customer.pk]), data)
    followup = FollowUp.objects.get()
    html = client.get(reverse("customers:followup-detail", args=[followup.pk])).content.decode()
    assert 'id="late-badge"' in html
    assert "发送方案初稿" in html
    assert "Checked in" not in html


# --- whom the visit met (issue 9 point 5) ----------------------------------------------------


def test_the_quick_log_offers_the_picked_customers_contacts(client, rep, customer, contact):
    other = ContactFactory(customer=CustomerFactory(owner=rep), name="别家的人")
    client.force_login(rep)
    page = client.get(reverse("customers:quick-log"), {"customer": customer.pk})
    html = page.content.decode()
    assert f'name="contact" value="{contact.pk}"' in html
    assert other.name not in html
    assert 'name="new_contact_name"' in html
    picked = client.get(reverse("customers:quick-log-contacts"), {"customer": customer.pk})
    assert f'name="contact" value="{contact.pk}"' in picked.content.decode()


def test_the_contact_choices_of_a_customer_one_may_not_see_do_not_exist(client, rep, other_rep):
    theirs = CustomerFactory(owner=other_rep)
    ContactFactory(customer=theirs, name="别人的联系人")
    client.force_login(rep)
    url = reverse("customers:quick-log-contacts")
    assert client.get(url, {"customer": theirs.pk}).status_code == 404


def test_a_quick_log_records_whom_the_visit_met(client, rep, customer, contact):
    client.force_login(rep)
    response = client.post(reverse("customers:quick-log"), quick_form(customer, contact=contact.pk))
    assert response.status_code == 302
    assert FollowUp.objects.get().contact == contact


def test_a_quick_log_adds_the_new_contact_it_met(client, rep, customer):
    client.force_login(rep)
    data = quick_form(customer, new_contact_name="赵敏", new_contact_phone="139 1234 5678")
    assert client.post(reverse("customers:quick-log"), data).status_code == 302
    followup = FollowUp.objects.get()
    assert (followup.contact.name, followup.contact.phone) == ("赵敏", "139 1234 5678")
    assert followup.contact.customer == customer
    assert followup.contact.phone_key == "13912345678"


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        (
            {"new_contact_phone": "139 1234 5678"},
            "new_contact_name",
            "Give the new contact's name.",
        ),
        (
            {"new_contact_name": "赵敏", "new_contact_phone": "12"},
            "new_contact_phone",
            "Enter a phone number of 7 to 15 digits, e.g. 021-6234 5678 or 138 0013 8000.",
        ),
    ],
)
def test_a_bad_new_contact_is_refused_and_nothing_logged(
    client, rep, customer, extra, field, message
):
    client.force_login(rep)
    response = client.post(reverse("customers:quick-log"), quick_form(customer, **extra))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert not FollowUp.objects.exists()
    assert customer.contacts.count() == 0


def test_a_contact_of_another_customer_is_refused(client, rep, customer):
    elsewhere = ContactFactory(customer=CustomerFactory(owner=rep))
    client.force_login(rep)
    data = quick_form(customer, contact=elsewhere.pk)
    response = client.post(reverse("customers:quick-log"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["contact"] == ["Choose a contact of this customer."]
    assert not FollowUp.objects.exists()


def test_picking_a_contact_and_a_new_one_is_refused(client, rep, customer, contact):
    client.force_login(rep)
    data = quick_form(customer, contact=contact.pk, new_contact_name="赵敏")
    response = client.post(reverse("customers:quick-log"), data)
    assert response.context["form"].errors["new_contact_name"] == [
        "Pick a contact or add a new one, not both."
    ]


def test_the_contact_choices_run_a_constant_number_of_queries(
    client, rep, customer, django_assert_num_queries
):
    client.force_login(rep)
    url = reverse("customers:quick-log-contacts")
    client.get(url, {"customer": customer.pk})
    with django_assert_num_queries(4) as one:
        client.get(url, {"customer": customer.pk})
    ContactFactory.create_batch(20, customer=customer)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(url, {"customer": customer.pk})
