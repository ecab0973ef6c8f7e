"""A customer's status moves as Customer.TRANSITIONS allows, through one service, with one
history row per change (who, when, from, to, a reason code) read in the reader's language."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from crm_site.transitions import InvalidTransition
from customers import services, timeline
from customers.models import Customer, CustomerStatusChange, FollowUp
from tests.customers.helpers import edit_payload
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

S = Customer.Status
Reason = CustomerStatusChange.Reason

# The product's rule, written out: every pair not listed is refused.
ALLOWED = {
    (S.LEAD, S.PROSPECT),
    (S.LEAD, S.CUSTOMER),
    (S.LEAD, S.DORMANT),
    (S.LEAD, S.CHURNED),
    (S.PROSPECT, S.LEAD),
    (S.PROSPECT, S.CUSTOMER),
    (S.PROSPECT, S.DORMANT),
    (S.PROSPECT, S.CHURNED),
    (S.CUSTOMER, S.DORMANT),
    (S.CUSTOMER, S.CHURNED),
    (S.DORMANT, S.PROSPECT),
    (S.DORMANT, S.CUSTOMER),
    (S.DORMANT, S.CHURNED),
    (S.CHURNED, S.PROSPECT),
    (S.CHURNED, S.CUSTOMER),
}
MOVES = [(old, new) for old in S for new in S if old != new]


def test_the_table_on_the_model_is_the_rule():
    assert set(Customer.TRANSITIONS) == {(str(old), str(new)) for old, new in ALLOWED}


@pytest.mark.parametrize(("old", "new"), MOVES)
def test_the_service_moves_what_the_table_allows_and_refuses_the_rest(rep, old, new):
    customer = CustomerFactory(owner=rep, status=old)
    if (old, new) in ALLOWED:
        change = services.customer_change_status(customer=customer, to=new, by=rep)
        assert (change.from_status, change.to_status, change.by) == (old, new, rep)
        assert change.reason_code == Reason.EDIT
        assert Customer.objects.get(pk=customer.pk).status == new
    else:
        with pytest.raises(InvalidTransition):
            services.customer_change_status(customer=customer, to=new, by=rep)
        assert Customer.objects.get(pk=customer.pk).status == old
        assert not CustomerStatusChange.objects.exists()


def test_the_same_status_is_no_change(rep):
    customer = CustomerFactory(owner=rep, status=S.CUSTOMER)
    assert services.customer_change_status(customer=customer, to=S.CUSTOMER, by=rep) is None
    assert not CustomerStatusChange.objects.exists()


def test_only_who_may_edit_the_customer_changes_its_status(rep, other_rep, legal):
    customer = CustomerFactory(owner=other_rep, status=S.LEAD)
    for user in (rep, legal):
        with pytest.raises(PermissionDenied):
            services.customer_change_status(customer=customer, to=S.PROSPECT, by=user)
    assert Customer.objects.get(pk=customer.pk).status == S.LEAD


# --- the customer form -------------------------------------------------------------------------


def status_options(response):
    select = response.content.decode().split('name="status"')[1].split("</select>")[0]
    return [part.split('"')[0] for part in select.split('<option value="')[1:]]


def test_the_edit_form_offers_only_the_allowed_statuses(client, rep):
    customer = CustomerFactory(owner=rep, status=S.CUSTOMER)
    client.force_login(rep)
    response = client.get(reverse("customers:customer-update", args=[customer.pk]))
    assert status_options(response) == [S.CUSTOMER, S.DORMANT, S.CHURNED]
    create = client.get(reverse("customers:customer-create"))
    assert status_options(create) == list(S.values)


def test_the_edit_form_refuses_a_move_the_table_does_not_allow(client, rep):
    customer = CustomerFactory(owner=rep, status=S.CUSTOMER)
    client.force_login(rep)
    url = reverse("customers:customer-update", args=[customer.pk])
    response = client.post(url, edit_payload(customer, status=S.LEAD, name="新名字"))
    assert response.status_code == 200
    assert "“Customer” cannot change to “Lead”." in response.content.decode()
    customer.refresh_from_db()
    assert (customer.status, customer.name) != (S.LEAD, "新名字")
    assert customer.status == S.CUSTOMER
    assert not CustomerStatusChange.objects.exists()


def test_the_edit_form_records_who_changed_the_status(client, rep):
    customer = CustomerFactory(owner=rep, status=S.PROSPECT)
    client.force_login(rep)
    url = reverse("customers:customer-update", args=[customer.pk])
    assert client.post(url, edit_payload(customer, status=S.CUSTOMER)).status_code == 302
    change = customer.status_changes.get()
    assert (change.from_status, change.to_status, change.by, change.reason_code) == (
        S.PROSPECT,
        S.CUSTOMER,
        rep,
        Reason.EDIT,
    )
    # Saving again without touching the status records nothing more.
    customer.refresh_from_db()
    assert client.post(url, edit_payload(customer)).status_code == 302
    assert customer.status_changes.count() == 1


def test_a_status_changed_since_the_form_opened_is_refused_on_the_form(client, rep):
    """The form offered PROSPECT → LEAD; meanwhile the customer became a customer."""
    customer = CustomerFactory(owner=rep, status=S.PROSPECT)
    data = edit_payload(customer, status=S.LEAD)
    Customer.objects.filter(pk=customer.pk).update(status=S.CUSTOMER)
    client.force_login(rep)
    url = reverse("customers:customer-update", args=[customer.pk])
    response = client.post(url, data)
    assert response.status_code == 200
    assert "“Customer” cannot change to “Lead”." in response.content.decode()
    assert Customer.objects.get(pk=customer.pk).status == S.CUSTOMER


# --- the follow-up that wakes a dormant customer -----------------------------------------------


def test_a_follow_up_wakes_a_dormant_customer_on_the_record(rep):
    customer = CustomerFactory(owner=rep, status=S.DORMANT)
    services.followup_log(
        by=rep,
        customer=customer,
        method=FollowUp.Method.PHONE,
        occurred_at=timezone.now(),
        summary="电话回访",
    )
    change = customer.status_changes.get()
    assert (change.from_status, change.to_status, change.by, change.reason_code) == (
        S.DORMANT,
        S.PROSPECT,
        rep,
        Reason.FOLLOWUP,
    )
    # A follow-up on a customer that is not dormant changes nothing.
    services.followup_log(
        by=rep,
        customer=customer,
        method=FollowUp.Method.PHONE,
        occurred_at=timezone.now(),
        summary="再次回访",
    )
    assert customer.status_changes.count() == 1


# --- read in the reader's language -------------------------------------------------------------


def test_the_history_is_on_the_customer_timeline_in_the_readers_language(rep, password):
    customer = CustomerFactory(owner=rep, status=S.LEAD)
    services.customer_change_status(customer=customer, to=S.PROSPECT, by=rep)
    url = reverse("customers:customer-timeline", args=[customer.pk])
    english = Client(headers={"accept-language": "en"})
    english.force_login(rep)
    page = english.get(url).content.decode()
    assert "Status Lead → Prospect" in page
    assert "Changed on the customer form" in page
    chinese = Client(headers={"accept-language": "zh-hans"})
    chinese.force_login(rep)
    page = chinese.get(url).content.decode()
    assert "状态 线索 → 潜在客户" in page
    assert "在客户表单中修改" in page


def test_timeline_reads_the_reason_code_and_words_in_the_current_language(rep):
    customer = CustomerFactory(owner=rep, status=S.DORMANT)
    services.customer_change_status(
        customer=customer,
        to=S.PROSPECT,
        by=rep,
        reason=Reason.FOLLOWUP,
        comment="%(who)s called back",  # untranslated words with their arguments
        comment_args={"who": "陈经理"},
    )
    [event] = [e for e in timeline.events_for(customer, rep) if e.kind == "status"]
    assert event.body == "A follow-up was logged\n陈经理 called back"
    assert event.who == rep
    with translation.override("zh-hans"):
        [event] = [e for e in timeline.events_for(customer, rep) if e.kind == "status"]
        assert str(event.title) == "状态 休眠客户 → 潜在客户"
        assert event.body.startswith("记录了一次跟进")


# --- merge, and the rows from before this history existed ---------------------------------------


def test_a_merge_keeps_the_merged_customers_status_history(manager, rep):
    keep = CustomerFactory(owner=rep, name="无锡启明科技有限公司")
    merge = CustomerFactory(owner=rep, name="无锡启明科技", status=S.LEAD)
    change = services.customer_change_status(customer=merge, to=S.PROSPECT, by=rep)
    services.customer_merge(by=manager, keep=keep, merge=merge)
    assert list(keep.status_changes.all()) == [change]


def test_the_data_migration_takes_past_changes_from_the_edit_history(rep, other_rep):
    customer = CustomerFactory(owner=rep, status=S.LEAD)
    for status, user in ((S.PROSPECT, rep), (S.PROSPECT, other_rep), (S.CUSTOMER, other_rep)):
        customer.status = status
        customer._history_user = user
        customer.save()
    gone = CustomerFactory(owner=rep, status=S.LEAD)
    gone.status = S.PROSPECT
    gone.save()
    gone.delete()  # merged away: its history has no customer to attach to
    migration = importlib.import_module("customers.migrations.0011_status_changes")

    def execute(sql, params=()):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    migration.status_changes_from_edit_history(django_apps, SimpleNamespace(execute=execute))
    rows = CustomerStatusChange.objects.order_by("at", "pk")
    assert [(r.subject, r.from_status, r.to_status, r.by, r.reason_code) for r in rows] == [
        (customer, S.LEAD, S.PROSPECT, rep, Reason.EDIT_HISTORY),
        (customer, S.PROSPECT, S.CUSTOMER, other_rep, Reason.EDIT_HISTORY),
    ]
    first = customer.history.filter(status=S.PROSPECT).earliest("history_date")
    assert rows[0].at == first.history_date
    assert rows[1].reason_args == {}
