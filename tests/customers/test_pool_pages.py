"""The pool's pages (公海): who sees them, masking on every page and export that can show a
pool customer, claiming, returning and assigning through the pages, the settings and the
ownership log."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from customers.models import Customer, OwnershipChange, Pool
from teams.models import Role
from tests.customers.helpers import export
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    PoolFactory,
    UserFactory,
    pooled,
)

pytestmark = pytest.mark.django_db

PHONE, MASKED = "13812345678", "138****5678"
EMAIL = "zhang.wei@qinghe.cn"
POOL_LIST = reverse("customers:pool-list")


@pytest.fixture
def pool(org):
    return PoolFactory(name="华东公海", teams=[org["team_a"]])


@pytest.fixture
def waiting(pool):
    customer = pooled(pool, name="青禾食品有限公司", phone="0571-88881234")
    ContactFactory(customer=customer, name="张伟", phone=PHONE, email=EMAIL, is_key=True)
    return customer


def page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- masking on every page that can show a pool customer ----------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        POOL_LIST,
        reverse("customers:customer-list"),
        reverse("customers:customer-list") + "?q=青禾",
        reverse("customers:customer-list") + "?q=5678",
        reverse("customers:customer-search") + "?q=青禾",
        reverse("global-search") + "?q=张伟",
    ],
    ids=[
        "pool list",
        "customer list",
        "list search",
        "phone search",
        "quick-log search",
        "global search",
    ],
)
def test_a_rep_sees_the_pool_customer_masked(client, rep, waiting, url):
    html = page(client, rep, url)
    assert "青禾食品有限公司" in html
    assert PHONE not in html and EMAIL not in html
    if "search/?q=张伟" in url:
        assert MASKED in html


def test_the_customer_page_masks_phone_and_email_until_claimed(client, rep, waiting):
    html = page(client, rep, reverse("customers:customer-detail", args=[waiting.pk]))
    assert MASKED in html and "z***@qinghe.cn" in html
    assert PHONE not in html and EMAIL not in html and "88881234" not in html
    assert "In the pool: 华东公海" in html
    client.post(reverse("customers:pool-claim", args=[waiting.pk]))
    html = page(client, rep, reverse("customers:customer-detail", args=[waiting.pk]))
    assert PHONE in html and EMAIL in html


def test_the_export_never_unmasks_a_pool_customer(client, manager, waiting):
    response = export(client, manager)
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [str(c) for row in workbook.worksheets[0].iter_rows(values_only=True) for c in row]
    assert "青禾食品有限公司" in cells
    assert MASKED in cells and PHONE not in cells and EMAIL not in cells


def test_admins_see_the_pool_whole(client, admin_user, waiting):
    html = page(client, admin_user, reverse("customers:customer-detail", args=[waiting.pk]))
    assert PHONE in html


# --- visibility -----------------------------------------------------------------------------


def test_a_rep_of_a_team_outside_the_pool_sees_nothing_of_it(client, other_rep, waiting):
    html = page(client, other_rep, POOL_LIST)
    assert "青禾食品有限公司" not in html
    client.force_login(other_rep)
    assert client.get(reverse("customers:customer-detail", args=[waiting.pk])).status_code == 404
    assert client.post(reverse("customers:pool-claim", args=[waiting.pk])).status_code == 404
    assert not Customer.objects.visible_to(other_rep).filter(pk=waiting.pk).exists()


def test_a_manager_sees_their_teams_pool(client, manager, waiting):
    assert "青禾食品有限公司" in page(client, manager, POOL_LIST)


@pytest.mark.parametrize(
    ("who", "status"),
    [("rep", 403), ("manager", 403), ("director", 403), ("admin_user", 200)],
)
def test_pool_settings_and_ownership_log_are_for_admins(client, request, who, status):
    client.force_login(request.getfixturevalue(who))
    for name in ("customers:pool-settings", "customers:pool-create", "customers:ownership-log"):
        assert client.get(reverse(name)).status_code == status


def test_the_pool_list_runs_a_constant_number_of_queries(
    client, rep, pool, django_assert_max_num_queries
):
    client.force_login(rep)
    pooled(pool)
    client.get(POOL_LIST)  # warm the session and caches

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(POOL_LIST).status_code == 200
        return len(ctx.captured_queries)

    one = count()
    for _ in range(30):
        ContactFactory(customer=pooled(pool), is_key=True)
    assert count() == one


# --- claim, return, assign through the pages -----------------------------------------------


def test_claim_over_the_cap_says_which_cap(client, rep, pool, waiting):
    pool.cap_total = 1
    pool.save()
    CustomerFactory(owner=rep)
    client.force_login(rep)
    response = client.post(reverse("customers:pool-claim", args=[waiting.pk]), follow=True)
    assert "You already hold 1 customers: the cap is 1." in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.owner is None


def test_a_manager_may_not_claim_for_another_team_and_a_director_may_not_claim(
    client, director, waiting
):
    client.force_login(director)
    assert client.post(reverse("customers:pool-claim", args=[waiting.pk])).status_code == 403


def test_return_page_needs_a_reason_and_only_the_owner(client, rep, other_rep, pool):
    mine = CustomerFactory(owner=rep)
    client.force_login(rep)
    url = reverse("customers:pool-return", args=[mine.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    response = client.post(url, {"reason": "客户暂停采购"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.pool == pool
    theirs = CustomerFactory(owner=other_rep)
    assert client.get(reverse("customers:pool-return", args=[theirs.pk])).status_code == 404


def test_a_managers_colleague_customer_cannot_be_returned_by_the_manager(
    client, manager, rep, pool
):
    customer = CustomerFactory(owner=rep)
    client.force_login(manager)
    assert client.get(reverse("customers:pool-return", args=[customer.pk])).status_code == 403


def test_a_manager_assigns_through_the_page(client, manager, rep, waiting):
    client.force_login(manager)
    url = reverse("customers:pool-assign", args=[waiting.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"to_user": rep.pk, "note": "先联系采购"})
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.owner == rep
    assert OwnershipChange.objects.get(customer=waiting).how == OwnershipChange.How.ASSIGN


def test_assigning_to_a_rep_outside_the_pool_is_refused_in_the_form(client, manager, org, waiting):
    outsider = UserFactory(role=Role.SALES_REP, team=org["team_b"])
    client.force_login(manager)
    response = client.post(
        reverse("customers:pool-assign", args=[waiting.pk]), {"to_user": outsider.pk}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.owner is None


def test_a_rep_may_not_assign(client, rep, waiting):
    client.force_login(rep)
    assert client.get(reverse("customers:pool-assign", args=[waiting.pk])).status_code == 403


def test_my_holdings_shows_each_cap(client, rep, pool):
    pool.cap_total, pool.cap_c = 20, 5
    pool.save()
    CustomerFactory(owner=rep)
    html = page(client, rep, reverse("customers:pool-holdings"))
    assert "1 / 20" in html and "1 / 5" in html


def test_an_admin_sets_the_rules_and_a_negative_number_is_refused(client, admin_user, org):
    client.force_login(admin_user)
    data = {
        "name": "华南公海",
        "is_active": "on",
        "teams": [org["team_c"].pk],
        "cooldown_days": "7",
        "warn_days": "3",
        "followup_days_c": "-5",
    }
    response = client.post(reverse("customers:pool-create"), data)
    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 0." in response.content.decode()
    assert not Pool.objects.exists()
    data["followup_days_c"] = "30"
    assert client.post(reverse("customers:pool-create"), data).status_code == 302
    pool = Pool.objects.get()
    assert pool.followup_days_c == 30 and list(pool.teams.all()) == [org["team_c"]]


def test_the_ownership_log_filters_and_exports(client, admin_user, rep, waiting, pool):
    from customers import services

    services.customer_claim(by=rep, customer=waiting)
    client.force_login(admin_user)
    url = reverse("customers:ownership-log")
    html = client.get(url, {"how": "claim"}).content.decode()
    assert "青禾食品有限公司" in html
    assert "青禾食品有限公司" not in client.get(url, {"how": "return"}).content.decode()
    response = client.get(url, {"how": "claim", "format": "csv"})
    body = response.content.decode("utf-8-sig")
    assert "青禾食品有限公司" in body and "Claimed from the pool" in body
    bad = client.get(url, {"start": "2026-12-05", "end": "2026-12-01"}).content.decode()
    assert "The start date is after the end date." in bad


# --- the customer list's pool filter --------------------------------------------------------

LIST = reverse("customers:customer-list")


@pytest.mark.parametrize(
    ("choice", "shown", "hidden"),
    [
        ("any", ["青禾食品有限公司"], ["自己的客户"]),
        ("none", ["自己的客户"], ["青禾食品有限公司"]),
        ("", ["青禾食品有限公司", "自己的客户"], []),
    ],
)
def test_the_customer_list_filters_by_pool(client, rep, waiting, choice, shown, hidden):
    CustomerFactory(owner=rep, name="自己的客户")
    html = page(client, rep, f"{LIST}?pool={choice}")
    for name in shown:
        assert name in html
    for name in hidden:
        assert name not in html
    # The pooled row keeps its contacts masked whatever the filter.
    assert PHONE not in html and EMAIL not in html


def test_the_pool_filter_offers_only_the_pools_the_user_sees(client, rep, pool, waiting):
    PoolFactory(name="华南公海", teams=[])
    html = page(client, rep, f"{LIST}?pool={pool.pk}")
    assert "青禾食品有限公司" in html
    assert f'<option value="{pool.pk}" selected>华东公海</option>' in html
    assert "华南公海" not in html
    assert "Pool: 华东公海" in html  # the chip names the pool


def test_a_pool_the_user_cannot_see_filters_to_nothing(client, other_rep, waiting):
    html = page(client, other_rep, f"{LIST}?pool={waiting.pool_id}")
    assert "青禾食品有限公司" not in html


def test_a_pool_filter_that_is_not_a_pool_is_refused_clearly(client, rep, waiting):
    html = page(client, rep, f"{LIST}?pool=abc")
    assert "Choose a pool from the list." in html


def test_the_export_of_the_pool_filter_stays_masked(client, manager, waiting):
    CustomerFactory(owner=manager, name="经理的客户")
    response = export(client, manager, {"pool": "any"})
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [str(c) for row in workbook.worksheets[0].iter_rows(values_only=True) for c in row]
    assert "青禾食品有限公司" in cells and "经理的客户" not in cells
    assert MASKED in cells and PHONE not in cells and EMAIL not in cells


def test_pooled_rows_on_the_customer_list_cost_no_query_each(client, rep, pool):
    """A pooled customer's phone is masked on the list without reading the number it leaves
    unread (one query per row before)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(rep)
    url = reverse("customers:customer-list")
    pooled(pool, phone="13800001111")
    client.get(url)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries), response.content.decode()

    one, _ = count()
    for n in range(10):
        pooled(pool, phone=f"1390000{n:04d}")
    many, page = count()
    assert many == one
    assert "13900000001" not in page
