"""The customer page (360 view): header, facts, contacts, colleagues, sections, one timeline."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crm_site import hooks
from customers import sections, services, timeline
from customers.models import Customer, CustomerShare, Tag
from teams.models import Role
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    FollowUpFactory,
    NeedsSurveyFactory,
    TagFactory,
    TaskFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(rep):
    return CustomerFactory(
        owner=rep,
        name="上海远景机械有限公司",
        credit_code="91310000MA1FL1234X",
        address="上海市浦东新区张江路100号",
        notes="老板很看重交付周期",
        phone="021-62345678",
    )


def detail(customer):
    return reverse("customers:customer-detail", args=[customer.pk])


def page_text(response):
    return response.content.decode()


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- who sees the page -------------------------------------------------------------------


def test_a_colleague_it_is_shared_with_sees_it_read_only(client, customer, other_rep):
    CustomerShare.objects.create(customer=customer, user=other_rep, can_edit=False)
    client.force_login(other_rep)
    response = client.get(detail(customer))
    assert response.status_code == 200
    assert not response.context["can"]["edit"]
    assert 'id="edit-customer"' not in page_text(response)
    assert client.get(reverse("customers:customer-update", args=[customer.pk])).status_code == 403


def test_a_read_write_colleague_may_edit(client, customer, other_rep):
    CustomerShare.objects.create(customer=customer, user=other_rep, can_edit=True)
    client.force_login(other_rep)
    response = client.get(detail(customer))
    assert response.context["can"]["edit"]
    assert client.get(reverse("customers:customer-update", args=[customer.pk])).status_code == 200


# --- what the page shows -------------------------------------------------------------------


def test_header_shows_grade_source_status_owner_and_tags_by_dimension(client, rep, customer):
    customer.tags.set(
        [
            TagFactory(name="制造业", dimension=Tag.Dimension.INDUSTRY),
            TagFactory(name="新品采购", dimension=Tag.Dimension.NEED),
            TagFactory(name="高层对接", dimension=Tag.Dimension.RELATIONSHIP),
        ]
    )
    client.force_login(rep)
    response = client.get(detail(customer))
    text = page_text(response)
    assert "Grade C" in text and "computed" in text
    assert customer.get_status_display() in text
    assert rep.display_name in text
    groups = dict(response.context["tag_groups"])
    assert [t.name for t in groups["Industry segment"]] == ["制造业"]
    assert [t.name for t in groups["Need"]] == ["新品采购"]
    assert [t.name for t in groups["Relationship"]] == ["高层对接"]
    assert "91310000MA1FL1234X" in text and "上海市浦东新区张江路100号" in text


def test_overdue_next_due_is_shown_in_red_with_the_cadence_rule(client, rep):
    customer = CustomerFactory(owner=rep, overdue=True, grade_b=True)
    client.force_login(rep)
    text = page_text(client.get(detail(customer)))
    assert 'id="overdue-badge"' in text and "Overdue by 3" in text
    assert "text-danger" in text
    assert "A contact every 14 days and a visit every 30 days." in text


def test_next_due_in_the_future_is_not_overdue(client, rep, customer):
    client.force_login(rep)
    response = client.get(detail(customer))
    assert not response.context["overdue"]
    assert 'id="overdue-badge"' not in page_text(response)


def test_last_follow_up_and_never(client, rep, customer):
    client.force_login(rep)
    assert "Never" in page_text(client.get(detail(customer)))
    FollowUpFactory(customer=customer)
    services.customer_refresh_cadence(customer=customer)
    customer.refresh_from_db()
    text = page_text(client.get(detail(customer)))
    assert timezone.localtime(customer.last_followup_at).strftime("%Y-%m-%d") in text


def test_contacts_key_contact_first_with_tel_and_mailto_links(client, rep, customer):
    ContactFactory(
        customer=customer, name="李工", title="工程师", is_key=False, phone="13800000001"
    )
    ContactFactory(
        customer=customer,
        name="王总",
        title="总经理",
        is_key=True,
        phone="138 0000 0002",
        email="wang@example.com",
    )
    client.force_login(rep)
    response = client.get(detail(customer))
    assert [c.name for c in response.context["contacts"]] == ["王总", "李工"]
    text = page_text(response)
    assert 'href="tel:13800000002"' in text
    assert 'href="mailto:wang@example.com"' in text
    assert "Key contact" in text and "Decision maker" in text


def test_action_buttons_follow_permissions(client, rep, manager, customer):
    client.force_login(rep)
    text = page_text(client.get(detail(customer)))
    assert 'id="edit-customer"' in text and 'id="log-followup"' in text
    assert 'id="new-survey"' in text
    assert 'id="merge-customer"' not in text  # merging is for managers
    client.force_login(manager)
    text = page_text(client.get(detail(customer)))
    assert 'id="merge-customer"' in text and 'id="edit-customer"' in text


def test_one_timeline_newest_first_across_kinds(client, rep, customer):
    now = timezone.now()
    FollowUpFactory(customer=customer, occurred_at=now - timedelta(days=3), summary="第一次电话")
    FollowUpFactory(customer=customer, occurred_at=now - timedelta(hours=1), summary="第二次拜访")
    NeedsSurveyFactory(customer=customer, survey_date=timezone.localdate() - timedelta(days=2))
    services.customer_update(by=rep, customer=customer, annual_purchase_estimate=Decimal("50"))
    client.force_login(rep)
    response = client.get(reverse("customers:customer-timeline", args=[customer.pk]))
    events = response.context["timeline"]
    kinds = [e.kind for e in events]
    assert {"followup", "survey", "grade", "created"} <= set(kinds)
    whens = [e.when for e in events]
    assert whens == sorted(whens, reverse=True)
    text = page_text(response)
    assert text.index("第二次拜访") < text.index("第一次电话")


def test_sharing_shows_in_the_timeline(client, rep, customer, other_rep):
    services.customer_share(by=rep, customer=customer, user=other_rep, can_edit=True)
    kinds_titles = [(e.kind, str(e.title)) for e in timeline.events_for(customer, rep)]
    assert ("share", f"Shared with {other_rep.display_name} (can edit)") in kinds_titles


def test_sections_and_events_of_later_apps_plug_in(client, rep, customer, tmp_path, settings):
    (tmp_path / "plugin").mkdir()
    (tmp_path / "plugin" / "section.html").write_text(
        '<div id="plugin-section">{{ section.greeting }} {{ customer.name }}</div>'
    )
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], tmp_path]}]
    seen = []

    def opportunities(*, customer, user):
        seen.append((customer.pk, user.pk))
        return hooks.Section("plugin/section.html", column="side", context={"greeting": "Hi"})

    def contracts(*, customer, user):
        yield hooks.Event(when=timezone.now(), kind="contract", icon="file", title="HT2026")

    client.force_login(rep)
    with (
        hooks.register_temporarily(hooks.CUSTOMER_SECTIONS, opportunities, order=200),
        hooks.register_temporarily(hooks.CUSTOMER_TIMELINE, contracts),
    ):
        text = page_text(client.get(detail(customer)))
        events = page_text(client.get(reverse("customers:customer-timeline", args=[customer.pk])))
    assert f'<div id="plugin-section">Hi {customer.name}</div>' in text
    assert seen == [(customer.pk, rep.pk)]
    assert "HT2026" in events
    # Gone after the block: registering in a test leaves nothing behind.
    assert "plugin-section" not in page_text(client.get(detail(customer)))


def test_a_section_that_returns_none_is_hidden(rep, manager, customer):
    def for_managers(*, customer, user):
        return hooks.Section("plugin/managers.html") if user.role == Role.SALES_MANAGER else None

    def main_templates(user):
        return [s.template for s in sections.sections_for(customer, user)["main"]]

    with hooks.register_temporarily(hooks.CUSTOMER_SECTIONS, for_managers, order=5):
        assert "plugin/managers.html" not in main_templates(rep)
        assert main_templates(manager)[0] == "plugin/managers.html"  # order 5: first


def test_a_section_column_must_exist():
    with pytest.raises(ValueError, match="column"):
        hooks.Section("plugin/x.html", column="footer")


# --- query count ---------------------------------------------------------------------------


@pytest.mark.parametrize("role_fixture", ["rep", "manager", "director"])
def test_page_query_count_is_constant(
    request, client, customer, role_fixture, django_assert_num_queries
):
    viewer = request.getfixturevalue(role_fixture)
    other = UserFactory(username="colleague", team=customer.owner.team)
    tags = [TagFactory(name=f"标签{i}", dimension=Tag.Dimension.CUSTOM) for i in range(50)]

    def grow(n):
        customer.tags.add(*tags[:n])
        for i in range(n):
            ContactFactory(customer=customer, is_key=i == 0)
            FollowUpFactory(customer=customer, contact=customer.contacts.first())
            NeedsSurveyFactory(customer=customer)
        CustomerShare.objects.get_or_create(customer=customer, user=other)

    grow(1)
    client.force_login(viewer)
    client.get(detail(customer))  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as first:
        client.get(detail(customer))
    grow(49)
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(detail(customer))
    assert len(response.context["contacts"]) == 50
    # The customers' own page (its open tasks with their counts: one query) and the later
    # apps' sections (the timeline loads after the page, pinned in
    # test_customer_timeline_paging.py): a new section must stay in it.
    assert len(first.captured_queries) <= 23, len(first.captured_queries)


# --- the work first (issue 9 point 5) ----------------------------------------------------


def test_the_work_comes_first_then_the_timeline_then_the_details(client, rep, customer):
    today = timezone.localdate()
    TaskFactory(
        customer=customer, owner=rep, title="逾期的回访", due_date=today - timedelta(days=2)
    )
    TaskFactory(customer=customer, owner=rep, title="今天的报价", due_date=today)
    client.force_login(rep)
    response = client.get(detail(customer))
    html = page_text(response)
    positions = [
        html.index(f'id="{name}"')
        for name in ("customer-facts", "work", "timeline", "details", "contacts", "colleagues")
    ]
    assert positions == sorted(positions)
    work = html[html.index('id="work"') : html.index('id="timeline"')]
    assert work.index("逾期的回访") < work.index("今天的报价")
    assert "task-overdue" in work and "task-today" in work
    assert response.context["counts"] == {"open": 2, "overdue": 1, "today": 1}
    assert 'id="add-task-form"' in work


def test_a_read_only_colleague_gets_no_task_form(client, customer, other_rep):
    CustomerShare.objects.create(customer=customer, user=other_rep, can_edit=False)
    client.force_login(other_rep)
    html = page_text(client.get(detail(customer)))
    assert 'id="work"' in html
    assert ('id="add-task-form"' in html) == other_rep.has_perm("customers.log_followup", customer)


def test_the_phone_bar_calls_the_key_contact_logs_and_navigates(client, rep, customer):
    ContactFactory(customer=customer, name="李四", phone="")
    ContactFactory(customer=customer, name="王伟", phone="138 0013 8000", is_key=True)
    client.force_login(rep)
    html = page_text(client.get(detail(customer)))
    bar = html[html.index('id="phone-bar"') :]
    assert 'href="tel:13800138000"' in bar
    assert f"{reverse('customers:quick-log')}?customer={customer.pk}" in bar
    assert "uri.amap.com/search?keyword=" in bar
    assert "d-md-none fixed-bottom" in html  # only on a phone


def test_the_phone_bar_leaves_out_what_the_customer_lacks(client, rep):
    bare = CustomerFactory(owner=rep, phone="", address="")
    client.force_login(rep)
    html = page_text(client.get(detail(bare)))
    bar = html[html.index('id="phone-bar"') :]
    assert "tel:" not in bar and "amap" not in bar
    assert 'id="bar-log"' in bar


def test_last_follow_up_reads_as_days_ago_in_chinese(rep, customer):
    from django.test import Client

    Customer.objects.filter(pk=customer.pk).update(
        last_followup_at=timezone.now() - timedelta(days=3, hours=2)
    )
    chinese = Client(headers={"accept-language": "zh-hans"})
    chinese.force_login(rep)
    html = page_text(chinese.get(detail(customer))).replace("\xa0", " ")
    assert "3 天前" in html
    assert "日，" not in html
