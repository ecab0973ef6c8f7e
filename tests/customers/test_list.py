"""The customer list: filters, search, sorting, pages, saved views, bulk actions, htmx rows."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from customers import services
from customers.models import Customer, SavedView, Tag
from teams.models import Role
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    IndustryFactory,
    TagFactory,
    TaskFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

URL = reverse("customers:customer-list")
BULK_URL = reverse("customers:customer-bulk")
HTMX = {"HX-Request": "true", "HX-Target": "customer-rows"}


def names(response):
    return [customer.name for customer in response.context["customers"]]


def days_ago(days):
    return timezone.now() - timedelta(days=days)


@pytest.fixture
def rep_client(client, rep):
    client.force_login(rep)
    return client


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def teammate(org):
    """A second rep in the manager's team."""
    return UserFactory(username="teammate", role=Role.SALES_REP, team=org["team_a"])


# --- what a row shows ----------------------------------------------------------------------


def test_row_shows_grade_status_tags_owner_dates_and_key_contact(rep_client, rep):
    tag = TagFactory(name="高层对接", dimension=Tag.Dimension.RELATIONSHIP)
    customer = CustomerFactory(
        name="华东精密机械有限公司",
        owner=rep,
        grade_a=True,
        second_check=Customer.SecondCheck.PENDING,
        status=Customer.Status.DORMANT,
        overdue=True,
        last_followup_at=days_ago(40),
        tags=[tag],
    )
    ContactFactory(customer=customer, name="王总", phone="13912345678", is_key=True)
    ContactFactory(customer=customer, name="小李", is_key=False)

    response = rep_client.get(URL)

    page = response.content.decode()
    assert response.status_code == 200
    assert "华东精密机械有限公司" in page
    assert reverse("customers:customer-detail", args=[customer.pk]) in page
    assert "Pending review" in page
    assert "Dormant" in page
    assert "高层对接" in page
    assert rep.display_name in page
    assert "overdue" in page
    assert customer.next_followup_due.strftime("%Y-%m-%d") in page
    assert timezone.localdate(customer.last_followup_at).strftime("%Y-%m-%d") in page
    assert "王总" in page and 'href="tel:13912345678"' in page
    assert "小李" not in page  # only the key contact
    assert "1 customer" in page


def test_a_customer_on_cadence_is_not_marked_overdue(rep_client, rep):
    CustomerFactory(owner=rep)
    assert "overdue</span>" not in rep_client.get(URL).content.decode()


def test_total_count_counts_every_page(rep_client, rep):
    CustomerFactory.create_batch(30, owner=rep)
    response = rep_client.get(URL)
    assert "30 customers" in response.content.decode()
    assert len(response.context["customers"]) == 25


# --- filters -------------------------------------------------------------------------------


def test_filter_by_grade(rep_client, rep):
    CustomerFactory(name="甲", owner=rep, grade_a=True)
    CustomerFactory(name="乙", owner=rep, grade_b=True)
    CustomerFactory(name="丙", owner=rep)
    assert names(rep_client.get(URL, {"grade": "A"})) == ["甲"]
    assert names(rep_client.get(URL, {"grade": "C"})) == ["丙"]


def test_filter_by_status(rep_client, rep):
    CustomerFactory(name="线索", owner=rep, status=Customer.Status.LEAD)
    CustomerFactory(name="沉睡", owner=rep, status=Customer.Status.DORMANT)
    assert names(rep_client.get(URL, {"status": "dormant"})) == ["沉睡"]


def test_filter_by_lead_source_industry_and_region(rep_client, rep):
    retail = IndustryFactory(name="零售业")
    CustomerFactory(
        name="展会来的",
        owner=rep,
        lead_source=Customer.LeadSource.EXHIBITION,
        industry=IndustryFactory(name="制造业"),
        region="east",
    )
    CustomerFactory(
        name="转介绍来的",
        owner=rep,
        lead_source=Customer.LeadSource.REFERRAL,
        industry=retail,
        region="south",
    )
    assert names(rep_client.get(URL, {"lead_source": "referral"})) == ["转介绍来的"]
    assert names(rep_client.get(URL, {"industry": retail.pk})) == ["转介绍来的"]
    assert names(rep_client.get(URL, {"region": "east"})) == ["展会来的"]


def test_tags_any_within_a_dimension_and_all_across_dimensions(rep_client, rep):
    factory = TagFactory(name="制造业", dimension=Tag.Dimension.INDUSTRY)
    retail = TagFactory(name="零售业", dimension=Tag.Dimension.INDUSTRY)
    renewal = TagFactory(name="服务续费", dimension=Tag.Dimension.NEED)
    CustomerFactory(name="工厂续费", owner=rep, tags=[factory, renewal])
    CustomerFactory(name="工厂", owner=rep, tags=[factory])
    CustomerFactory(name="商店续费", owner=rep, tags=[retail, renewal])
    CustomerFactory(name="无标签", owner=rep)

    either_industry = {"tag_industry": [factory.pk, retail.pk]}
    assert sorted(names(rep_client.get(URL, either_industry))) == sorted(
        ["工厂续费", "工厂", "商店续费"]
    )
    both = {"tag_industry": [factory.pk], "tag_need": [renewal.pk]}
    assert names(rep_client.get(URL, both)) == ["工厂续费"]
    # A customer with two matching tags is one row, not two.
    assert (
        names(rep_client.get(URL, {**either_industry, "tag_need": [renewal.pk]})).count("工厂续费")
        == 1
    )


def test_each_tag_dimension_with_tags_gets_its_own_group(rep_client):
    TagFactory(name="制造业", dimension=Tag.Dimension.INDUSTRY)
    TagFactory(name="高层对接", dimension=Tag.Dimension.RELATIONSHIP)
    page = rep_client.get(URL).content.decode()
    assert 'name="tag_industry"' in page and 'name="tag_relationship"' in page
    assert 'name="tag_need"' not in page  # no tags in that dimension yet


def test_filter_overdue(rep_client, rep):
    CustomerFactory(name="逾期", owner=rep, overdue=True)
    CustomerFactory(name="正常", owner=rep)
    CustomerFactory(name="今天到期", owner=rep, next_followup_due=timezone.localdate())
    assert names(rep_client.get(URL, {"overdue": "on"})) == ["逾期"]
    # The home page's "see all" link uses overdue=true.
    assert names(rep_client.get(URL, {"overdue": "true"})) == ["逾期"]


def test_filter_last_followup_date_range(rep_client, rep):
    today = timezone.localdate()
    CustomerFactory(name="上周", owner=rep, last_followup_at=days_ago(7))
    CustomerFactory(name="上个月", owner=rep, last_followup_at=days_ago(35))
    CustomerFactory(name="从未", owner=rep, last_followup_at=None)
    week = {"followup_from": (today - timedelta(days=10)).isoformat()}
    assert names(rep_client.get(URL, week)) == ["上周"]
    older = {"followup_to": (today - timedelta(days=30)).isoformat()}
    assert names(rep_client.get(URL, older)) == ["上个月"]
    both_days = {
        "followup_from": (today - timedelta(days=7)).isoformat(),
        "followup_to": (today - timedelta(days=7)).isoformat(),
    }
    assert names(rep_client.get(URL, both_days)) == ["上周"]


def test_backwards_date_range_says_so(rep_client, rep):
    CustomerFactory(owner=rep, last_followup_at=days_ago(3))
    today = timezone.localdate()
    response = rep_client.get(
        URL, {"followup_from": today.isoformat(), "followup_to": "2020-01-01"}
    )
    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()


def test_owner_filter_for_managers_only(manager_client, manager, rep, teammate, client):
    CustomerFactory(name="代表的", owner=rep)
    CustomerFactory(name="同事的", owner=teammate)
    response = manager_client.get(URL, {"owner": teammate.pk})
    assert names(response) == ["同事的"]
    assert 'id="id_owner"' in response.content.decode()

    client.force_login(rep)
    assert 'id="id_owner"' not in client.get(URL).content.decode()


def test_names_in_the_owner_and_tag_menus_are_escaped(manager_client, rep, org):
    """The menus are built in Python (FastSelect): what users typed must stay text."""
    UserFactory(
        username="mallory",
        first_name='"><script>alert(1)</script>',
        role=Role.SALES_REP,
        team=org["team_a"],
    )
    TagFactory(name="<img src=x onerror=alert(2)>", dimension=Tag.Dimension.CUSTOM)
    CustomerFactory(owner=rep)
    html = manager_client.get(URL).content.decode()
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html  # tag filter, bulk bar
    # Owners are searched (customers:people-search), never listed on the page.
    found = manager_client.get(
        reverse("customers:people-search"), {"for": "owner", "field": "owner", "owner_q": "mal"}
    ).content.decode()
    assert "<script>alert(1)" not in found
    assert "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in found


def test_owner_choices_are_active_sales_colleagues_in_scope(manager_client, rep, other_rep, org):
    UserFactory(username="left", role=Role.SALES_REP, team=org["team_a"], is_active=False)
    UserFactory(username="lawyer", role=Role.LEGAL, team=org["team_a"])
    field = manager_client.get(URL).context["filter"].form.fields["owner"]
    usernames = {user.username for user in field.queryset}
    assert "rep" in usernames and "manager" in usernames
    assert {"other_rep", "left", "lawyer"}.isdisjoint(usernames)


def test_search_by_customer_name(rep_client, rep):
    CustomerFactory(name="上海远航物流有限公司", owner=rep)
    CustomerFactory(name="北京华科软件有限公司", owner=rep)
    assert names(rep_client.get(URL, {"q": "远航"})) == ["上海远航物流有限公司"]


def test_search_by_contact_name_gives_one_row_per_customer(rep_client, rep):
    customer = CustomerFactory(name="远航物流", owner=rep)
    ContactFactory(customer=customer, name="张伟")
    ContactFactory(customer=customer, name="张伟强")
    CustomerFactory(name="华科软件", owner=rep)
    assert names(rep_client.get(URL, {"q": "张伟"})) == ["远航物流"]


@pytest.mark.parametrize(
    "typed", ["13800138000", "+86 138-0013-8000", "138 0013 8000", "0086 13800138000"]
)
def test_search_contact_phone_in_any_format(rep_client, rep, typed):
    customer = CustomerFactory(name="远航物流", owner=rep)
    ContactFactory(customer=customer, phone="13800138000")
    CustomerFactory(name="华科软件", owner=rep)
    assert names(rep_client.get(URL, {"q": typed})) == ["远航物流"]


def test_search_customer_phone_and_part_of_a_number(rep_client, rep):
    CustomerFactory(name="远航物流", owner=rep, phone="021-6123 4567")
    CustomerFactory(name="华科软件", owner=rep)
    assert names(rep_client.get(URL, {"q": "(021) 61234567"})) == ["远航物流"]
    assert names(rep_client.get(URL, {"q": "6123-4567"})) == ["远航物流"]


def test_search_never_finds_what_the_user_cannot_see(rep_client, rep, other_rep):
    hidden = CustomerFactory(name="远航物流", owner=other_rep)
    ContactFactory(customer=hidden, name="张伟", phone="13800138000")
    for typed in ("远航", "张伟", "13800138000"):
        assert names(rep_client.get(URL, {"q": typed})) == []


# --- sorting and pages ---------------------------------------------------------------------


def test_default_order_is_most_recently_updated(rep_client, rep):
    older = CustomerFactory(name="旧", owner=rep)
    CustomerFactory(name="新", owner=rep)
    Customer.objects.filter(pk=older.pk).update(updated_at=days_ago(5))
    assert names(rep_client.get(URL)) == ["新", "旧"]


def test_sorting_by_each_column(rep_client, rep):
    today = timezone.localdate()
    CustomerFactory(
        name="B公司",
        owner=rep,
        grade="C",
        next_followup_due=today + timedelta(days=1),
        last_followup_at=days_ago(1),
    )
    CustomerFactory(
        name="A公司",
        owner=rep,
        grade="A",
        next_followup_due=today + timedelta(days=9),
        last_followup_at=days_ago(9),
    )
    CustomerFactory(name="C公司", owner=rep, grade="B", next_followup_due=None)

    assert names(rep_client.get(URL, {"o": "name"})) == ["A公司", "B公司", "C公司"]
    assert names(rep_client.get(URL, {"o": "-name"})) == ["C公司", "B公司", "A公司"]
    assert names(rep_client.get(URL, {"o": "grade"})) == ["A公司", "C公司", "B公司"]
    # Customers without a date come last both ways.
    assert names(rep_client.get(URL, {"o": "due"})) == ["B公司", "A公司", "C公司"]
    assert names(rep_client.get(URL, {"o": "-due"})) == ["A公司", "B公司", "C公司"]
    assert names(rep_client.get(URL, {"o": "-last_followup"})) == ["B公司", "A公司", "C公司"]


def test_column_headers_sort_and_reverse_keeping_the_filter(rep_client, rep):
    CustomerFactory(owner=rep)
    links = rep_client.get(URL, {"grade": "C", "o": "name"}).context["sort_links"]
    assert links["name"]["url"] == "?grade=C&o=-name"
    assert links["name"]["direction"] == "ascending"
    assert links["due"]["url"] == "?grade=C&o=due"
    assert links["last_followup"]["url"] == "?grade=C&o=-last_followup"


def test_pages_of_25_without_overlap(rep_client, rep):
    CustomerFactory.create_batch(30, owner=rep)
    Customer.objects.update(updated_at=timezone.now())  # all tied: the id breaks the tie
    first = names(rep_client.get(URL))
    second = names(rep_client.get(URL, {"page": 2}))
    assert len(first) == 25 and len(second) == 5
    assert not set(first) & set(second)
    # A page past the end (a bulk action emptied it) shows the last page, not an error.
    assert names(rep_client.get(URL, {"page": 9})) == second


def test_paging_links_keep_the_filter(rep_client, rep):
    CustomerFactory.create_batch(26, owner=rep, grade="B")
    page = rep_client.get(URL, {"grade": "B"}).content.decode()
    assert "?grade=B&amp;page=2" in page


# --- htmx ----------------------------------------------------------------------------------


def test_htmx_request_renders_only_the_rows(rep_client, rep):
    CustomerFactory(name="远航物流", owner=rep)
    CustomerFactory(name="华科软件", owner=rep)
    response = rep_client.get(URL, {"q": "远航"}, headers=HTMX)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<div id="customer-rows"')
    assert "远航物流" in page and "华科软件" not in page
    assert "1 customer" in page
    assert "<html" not in page and 'id="customer-filter"' not in page


def test_full_page_works_without_javascript(rep_client, rep):
    """A plain GET form with a submit button; rows, sort links and pages are plain links."""
    CustomerFactory(owner=rep)
    page = rep_client.get(URL).content.decode()
    assert 'id="customer-filter"' in page and 'method="get"' in page
    assert 'type="submit"' in page
    assert 'id="customer-rows"' in page


# --- query counts --------------------------------------------------------------------------


def _fill(owner, count):
    tags = [
        TagFactory(name="制造业", dimension=Tag.Dimension.INDUSTRY),
        TagFactory(name="服务续费", dimension=Tag.Dimension.NEED),
    ]
    for _ in range(count):
        customer = CustomerFactory(owner=owner, tags=tags)
        ContactFactory(customer=customer, is_key=True)
        ContactFactory(customer=customer)


@pytest.mark.parametrize("role_fixture", ["rep", "manager", "director"])
def test_query_count_is_the_same_for_1_and_50_customers(
    request, client, role_fixture, django_assert_num_queries
):
    user = request.getfixturevalue(role_fixture)
    client.force_login(user)
    _fill(user, 1)
    client.get(URL)  # warm caches (content types, sessions)
    with django_assert_num_queries(QUERIES[role_fixture]) as first:
        response = client.get(URL)
    assert response.context["paginator"].count == 1
    _fill(user, 49)
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(URL)
    assert response.context["paginator"].count == 50


# The shell: session, the user with their team (no model-permission lookups: rules decide).
# The list: tags, industries, the pools it may filter by, the user's columns, saved views,
# the capped count, rows (with their key contact and owner's team), their tags. Managers and
# above also load the sales-team options (no owner list: the owner filter searches as you
# type), and a manager their subtree.
QUERIES = {"rep": 10, "manager": 12, "director": 11}


def test_query_count_of_a_filtered_htmx_request_is_constant(
    client, director, django_assert_num_queries
):
    client.force_login(director)
    _fill(director, 1)
    params = {"q": "客户", "overdue": "on", "grade": "C", "o": "due"}
    client.get(URL, params, headers=HTMX)
    # The rows partial only: no filter form, no navbar.
    with django_assert_num_queries(6) as first:
        client.get(URL, params, headers=HTMX)
    _fill(director, 49)
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(URL, params, headers=HTMX)


# --- saved views ---------------------------------------------------------------------------


def save_view(client, name, query):
    return client.post(f"{reverse('customers:savedview-create')}?{query}", {"name": name})


def test_saved_view_round_trip(rep_client, rep):
    CustomerFactory(name="逾期A", owner=rep, grade_a=True, overdue=True)
    CustomerFactory(name="正常A", owner=rep, grade_a=True)

    response = save_view(rep_client, "我的逾期A", "grade=A&overdue=on&page=3")

    saved = SavedView.objects.get(user=rep)
    assert saved.name == "我的逾期A" and saved.query == "grade=A&overdue=on"
    assert response.status_code == 302 and response.url == f"{URL}?grade=A&overdue=on"
    page = rep_client.get(URL).content.decode()
    assert "我的逾期A" in page
    assert f'href="{URL}?grade=A&amp;overdue=on"' in page
    assert names(rep_client.get(f"{URL}?{saved.query}")) == ["逾期A"]


def test_saved_view_with_a_taken_name_says_so_and_saves_nothing(rep_client, rep):
    SavedView.objects.create(user=rep, name="重点客户", query="grade=A")
    response = save_view(rep_client, "重点客户", "grade=B")
    assert response.status_code == 200
    assert "You already have a saved view called “重点客户”" in response.content.decode()
    assert list(SavedView.objects.values_list("query", flat=True)) == ["grade=A"]


def test_saved_view_needs_a_name(rep_client, rep):
    response = save_view(rep_client, "  ", "grade=B")
    assert "This field is required." in response.content.decode()
    assert not SavedView.objects.exists()


def test_saved_view_error_over_htmx_comes_back_in_the_rows(rep_client, rep):
    SavedView.objects.create(user=rep, name="重点客户", query="grade=A")
    response = rep_client.post(
        f"{reverse('customers:savedview-create')}?grade=B", {"name": "重点客户"}, headers=HTMX
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="customer-rows"')
    assert "is-invalid" in page and "already have a saved view" in page


def test_the_same_name_is_fine_for_another_user(rep_client, rep, manager):
    SavedView.objects.create(user=manager, name="重点客户", query="grade=A")
    save_view(rep_client, "重点客户", "grade=B")
    assert SavedView.objects.filter(user=rep, name="重点客户").exists()


def test_users_see_and_delete_only_their_own_saved_views(rep_client, rep, manager):
    mine = SavedView.objects.create(user=rep, name="我的视图", query="grade=A")
    theirs = SavedView.objects.create(user=manager, name="经理的视图", query="grade=B")
    page = rep_client.get(URL).content.decode()
    assert "我的视图" in page and "经理的视图" not in page

    delete = "customers:savedview-delete"
    assert rep_client.post(reverse(delete, args=[theirs.pk])).status_code == 404
    assert SavedView.objects.filter(pk=theirs.pk).exists()
    response = rep_client.post(f"{reverse(delete, args=[mine.pk])}?grade=C")
    assert response.status_code == 302 and response.url == f"{URL}?grade=C"
    assert not SavedView.objects.filter(pk=mine.pk).exists()


# --- bulk actions --------------------------------------------------------------------------


def test_reps_never_see_the_bulk_bar(rep_client, rep):
    CustomerFactory(owner=rep)
    page = rep_client.get(URL).content.decode()
    assert 'id="bulk-form"' not in page and 'name="ids"' not in page


def test_managers_get_checkboxes_and_the_bulk_bar(manager_client, rep):
    customer = CustomerFactory(owner=rep)
    page = manager_client.get(URL).content.decode()
    assert 'id="bulk-form"' in page
    assert f'name="ids" value="{customer.pk}"' in page


def test_manager_reassigns_customers_and_their_open_tasks(manager_client, manager, rep, teammate):
    first, second = CustomerFactory(owner=rep), CustomerFactory(owner=rep)
    untouched = CustomerFactory(owner=rep)
    open_task = TaskFactory(customer=first, owner=rep)
    done_task = TaskFactory(customer=first, owner=rep, done_at=timezone.now())
    someone_elses = TaskFactory(customer=second, owner=manager)

    response = manager_client.post(
        f"{BULK_URL}?grade=C&page=1",
        {
            "action": "reassign",
            "ids": [first.pk, second.pk],
            "to_user": teammate.pk,
            "confirm": "1",  # confirmed on the confirm page (test_bulk_confirm.py)
        },
    )

    assert response.status_code == 302 and response.url == f"{URL}?grade=C&page=1"
    assert set(Customer.objects.filter(owner=teammate)) == {first, second}
    untouched.refresh_from_db()
    assert untouched.owner == rep
    for task, owner in ((open_task, teammate), (done_task, rep), (someone_elses, manager)):
        task.refresh_from_db()
        assert task.owner == owner
    record = first.history.first()
    assert record.owner_id == teammate.pk and record.history_user == manager
    followed = manager_client.get(response.url)
    assert "2 customers now belong to" in followed.content.decode()


def test_bulk_action_over_htmx_updates_the_rows_in_place(manager_client, rep, teammate):
    customer = CustomerFactory(name="远航物流", owner=rep)
    response = manager_client.post(
        BULK_URL,
        {"action": "reassign", "ids": [customer.pk], "to_user": teammate.pk, "confirm": "1"},
        headers=HTMX,
        follow=True,
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="customer-rows"')
    assert "1 customer now belongs to" in page
    assert teammate.display_name in page


def test_manager_adds_and_removes_a_tag(manager_client, rep):
    tag = TagFactory(name="服务续费", dimension=Tag.Dimension.NEED)
    tagged = CustomerFactory(owner=rep, tags=[tag])
    bare = CustomerFactory(owner=rep)
    ids = [tagged.pk, bare.pk]

    manager_client.post(BULK_URL, {"action": "tag_add", "ids": ids, "tag": tag.pk})
    assert set(tag.customers.all()) == {tagged, bare}
    page = manager_client.get(URL).content.decode()
    assert "Tag “服务续费” added to 1 customer." in page

    manager_client.post(BULK_URL, {"action": "tag_remove", "ids": ids, "tag": tag.pk})
    assert not tag.customers.exists()
    assert "removed from 2 customers" in manager_client.get(URL).content.decode()


def test_bulk_action_needs_a_selection_and_a_target(manager_client, rep, teammate):
    customer = CustomerFactory(owner=rep)
    manager_client.post(BULK_URL, {"action": "reassign", "to_user": teammate.pk})
    assert "Select at least one customer." in manager_client.get(URL).content.decode()
    manager_client.post(BULK_URL, {"action": "reassign", "ids": [customer.pk]})
    assert "Choose the new owner." in manager_client.get(URL).content.decode()
    customer.refresh_from_db()
    assert customer.owner == rep


def test_manager_cannot_reassign_to_someone_outside_their_teams(manager_client, rep, other_rep):
    customer = CustomerFactory(owner=rep)
    manager_client.post(
        BULK_URL, {"action": "reassign", "ids": [customer.pk], "to_user": other_rep.pk}
    )
    assert "Choose an active sales colleague" in manager_client.get(URL).content.decode()
    customer.refresh_from_db()
    assert customer.owner == rep


def test_service_refuses_a_deactivated_or_non_sales_receiver(manager, rep, org):
    customer = CustomerFactory(owner=rep)
    gone = UserFactory(username="gone", team=org["team_a"], is_active=False)
    lawyer = UserFactory(username="lawyer", role=Role.LEGAL, team=org["team_a"])
    for to_user in (gone, lawyer):
        with pytest.raises(services.CustomerError):
            services.customers_bulk_reassign(by=manager, customers=[customer], to_user=to_user)
    customer.refresh_from_db()
    assert customer.owner == rep
