"""The cadence explains itself (issue 9, point 1): which requirement is due or overdue and since
when, on the list (with days overdue as a sortable column), the customer page, the home panel
and the quick log's answer."""

from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from customers import cadence, home, selectors, services
from customers.models import Customer, GradingSettings
from tests.customers.test_list import QUERIES as LIST_QUERIES
from tests.factories import CustomerFactory, FollowUpFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("customers:customer-list")
JAN = {day: date(2026, 1, day) for day in range(1, 32)}


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def ago(days):
    return timezone.now() - timedelta(days=days)


def a_customer_whose_executive_visit_is_overdue(owner, *, name="华夏重工", late=23):
    """Grade A, entered long ago, phoned yesterday but never visited by an executive: the
    executive visit (30 days) is `late` days overdue although it was contacted yesterday."""
    customer = CustomerFactory(name=name, owner=owner, grade_a=True)
    Customer.objects.filter(pk=customer.pk).update(created_at=ago(30 + late))
    customer.refresh_from_db()
    FollowUpFactory(customer=customer, method="phone", occurred_at=ago(1))
    services.customer_refresh_cadence(customer=customer)
    customer.refresh_from_db()
    return customer


# --- the rule says which requirement ---------------------------------------------------------


@pytest.mark.parametrize(
    ("grade", "last_contact", "last_visit", "last_executive", "due", "requirement"),
    [
        ("A", None, None, None, JAN[16], cadence.ROUTINE_CONTACT),
        ("A", JAN[28], None, None, JAN[31], cadence.EXECUTIVE_VISIT),
        ("B", JAN[25], JAN[2], None, date(2026, 2, 1), cadence.VISIT),
        ("B", JAN[10], None, None, JAN[24], cadence.CONTACT),
        ("C", JAN[20], None, None, date(2026, 2, 19), cadence.CONTACT),
    ],
)
def test_the_due_date_comes_with_the_requirement_that_makes_it(
    grade, last_contact, last_visit, last_executive, due, requirement
):
    got = cadence.due(
        grade=grade,
        rules=GradingSettings.load(),
        created=JAN[1],
        last_contact=last_contact,
        last_visit=last_visit,
        last_executive=last_executive,
    )
    assert got == (due, requirement)


def test_each_requirement_has_its_own_date_and_a_counts_its_routine_contacts(rep):
    customer = a_customer_whose_executive_visit_is_overdue(rep)
    today = timezone.localdate()
    executive, routine = selectors.cadence_requirements(customer)
    assert executive.code == cadence.EXECUTIVE_VISIT
    assert executive.is_overdue and executive.days_overdue == 23
    assert executive.due == today - timedelta(days=23)
    assert routine.code == cadence.ROUTINE_CONTACT and not routine.is_overdue
    assert (routine.done, routine.needed) == (1, 2)
    assert cadence.progress_text(routine) == "1 of 2 routine contacts made in the last 30 days"
    with translation.override("zh-hans"):
        assert cadence.overdue_text(executive.code, 23) == "高层拜访逾期 23 天"
        assert cadence.progress_text(routine) == "常规联系 2 次中已完成 1 次（近 30 天）"


def test_the_stored_requirement_follows_every_follow_up_and_the_recompute(rep):
    customer = a_customer_whose_executive_visit_is_overdue(rep)
    assert customer.next_followup_for == Customer.DueFor.EXECUTIVE_VISIT
    assert customer.next_followup_due < timezone.localdate(customer.last_followup_at)
    FollowUpFactory(customer=customer, method="visit", executive=True, occurred_at=ago(0))
    services.customer_refresh_cadence(customer=customer)
    customer.refresh_from_db()
    assert customer.next_followup_for == Customer.DueFor.ROUTINE_CONTACT
    Customer.objects.filter(pk=customer.pk).update(next_followup_for="")
    services.customers_recompute_cadence()
    customer.refresh_from_db()
    assert customer.next_followup_for == Customer.DueFor.ROUTINE_CONTACT


# --- the list ---------------------------------------------------------------------------------


def test_the_list_says_what_is_overdue_and_for_how_many_days(client, rep):
    a_customer_whose_executive_visit_is_overdue(rep)
    CustomerFactory(name="准时客户", owner=rep)
    client.force_login(rep)
    response = client.get(LIST_URL)
    rows = {c.name: c for c in response.context["customers"]}
    assert rows["华夏重工"].days_overdue == 23 and rows["准时客户"].days_overdue == 0
    page = response.content.decode()
    assert "Executive visit overdue by 23 days" in page
    chinese = Client(headers={"accept-language": "zh-hans"})
    chinese.force_login(rep)
    page = chinese.get(LIST_URL).content.decode()
    assert "高层拜访逾期 23 天" in page
    assert "逾期天数" in page


def test_days_overdue_sorts_both_ways_with_empty_dates_last(client, rep):
    today = timezone.localdate()
    for name, late in (("晚十天", 10), ("晚三天", 3), ("晚三十天", 30), ("未到期", -5)):
        CustomerFactory(name=name, owner=rep, next_followup_due=today - timedelta(days=late))
    CustomerFactory(name="无日期", owner=rep, next_followup_due=None)
    client.force_login(rep)

    def names(order):
        return [c.name for c in client.get(LIST_URL, {"o": order}).context["customers"]]

    assert names("-overdue_days") == ["晚三十天", "晚十天", "晚三天", "未到期", "无日期"]
    assert names("overdue_days") == ["未到期", "晚三天", "晚十天", "晚三十天", "无日期"]
    # The column header's first click sorts the most overdue first.
    links = client.get(LIST_URL).context["sort_links"]
    assert links["overdue_days"]["url"].endswith("o=-overdue_days")


def test_the_list_reads_days_overdue_without_a_query_per_row(
    client, rep, django_assert_num_queries
):
    for n in range(2):
        a_customer_whose_executive_visit_is_overdue(rep, name=f"客户{n}")
    client.force_login(rep)
    client.get(LIST_URL)  # warm the per-process caches
    # The rep's list costs what it did before the column (tests/customers/test_list.py).
    with django_assert_num_queries(LIST_QUERIES["rep"]) as few:
        client.get(LIST_URL, {"o": "-overdue_days"})
    for n in range(2, 12):
        a_customer_whose_executive_visit_is_overdue(rep, name=f"客户{n}")
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(LIST_URL, {"o": "-overdue_days"}).content.decode()
    # Each row's days cell says what is overdue (and a phone's badge says it again).
    assert page.count('title="Executive visit overdue by 23 days"') == 12


# --- the customer page, the home panel, the follow-up form -----------------------------------


def test_a_due_date_before_the_last_follow_up_is_explained_beside_it(client, rep):
    customer = a_customer_whose_executive_visit_is_overdue(rep)
    client.force_login(rep)
    response = client.get(reverse("customers:customer-detail", args=[customer.pk]))
    page = response.content.decode()
    since = (timezone.localdate() - timedelta(days=23)).isoformat()
    block = page[page.index('id="next-due"') : page.index('id="last-followup"')]
    assert "Executive visit overdue by 23 days" in block
    assert f"since {since}" in block
    assert "1 of 2 routine contacts made in the last 30 days" in block
    form = client.get(reverse("customers:followup-create", args=[customer.pk])).content.decode()
    assert f"Executive visit overdue by 23 days, since {since}" in form


def test_the_home_panel_names_the_overdue_requirement(rep):
    a_customer_whose_executive_visit_is_overdue(rep)
    panel = home.overdue_customers(user=rep)
    html = render_to_string(panel.template, {"panel": panel.context, "user": rep})
    assert "Executive visit overdue by 23 days" in html


# --- the quick log's answer -------------------------------------------------------------------


def test_a_quick_log_that_leaves_the_executive_visit_overdue_says_so(client, rep):
    customer = a_customer_whose_executive_visit_is_overdue(rep)
    since = customer.next_followup_due.isoformat()
    client.force_login(rep)
    response = client.post(
        reverse("customers:quick-log"),
        {"customer": customer.pk, "method": "phone", "summary": "电话确认需求"},
    )
    assert response.status_code == 302
    [message] = messages_of(response)
    assert message.startswith(f"Logged; Executive visit still overdue since {since}.")
    assert "2 of 2 routine contacts made in the last 30 days" in message


def test_a_quick_log_that_meets_what_was_overdue_says_what_is_next(client, rep):
    customer = a_customer_whose_executive_visit_is_overdue(rep)
    client.force_login(rep)
    response = client.post(
        reverse("customers:quick-log"),
        {"customer": customer.pk, "method": "visit", "executive": "on", "summary": "总经理拜访"},
    )
    [message] = messages_of(response)
    assert "still overdue" not in message
    customer.refresh_from_db()
    assert f"to {customer.next_followup_due.isoformat()} (Routine contact)." in message


def test_the_merge_and_handover_pages_show_what_is_due_beside_the_date(client, manager, rep):
    late = a_customer_whose_executive_visit_is_overdue(rep)
    other = CustomerFactory(name="华夏重工（重复）", owner=rep)
    since = late.next_followup_due.isoformat()
    client.force_login(manager)
    merge = client.get(reverse("customers:customer-merge-confirm", args=[other.pk, late.pk]))
    assert f"Executive visit overdue by 23 days, since {since}" in merge.content.decode()
    handover = client.get(reverse("customers:handover"), {"from": rep.pk}).content.decode()
    row = handover[handover.index(late.name) :]
    assert since in row[:2000] and "Executive visit" in row[:2000]
