"""The customer list in the browser: a rep filters on a phone; a manager bulk-reassigns rows
(after a confirm page that says what will happen)."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from customers.models import Customer, Tag
from teams.models import Role
from tests.factories import ContactFactory, CustomerFactory, TagFactory, UserFactory


def _customers(owner, count, **extra):
    tag = TagFactory(name="制造业", dimension=Tag.Dimension.INDUSTRY)
    made = []
    for i in range(count):
        customer = CustomerFactory(
            name=f"华东精密机械{i:02d}有限公司",
            owner=owner,
            tags=[tag],
            last_followup_at=timezone.now() - timedelta(days=i + 1),
            **extra,
        )
        ContactFactory(customer=customer, name=f"王经理{i}", phone=f"1380013{i:04d}", is_key=True)
        made.append(customer)
    return made


def test_rep_filters_overdue_customers_on_a_phone(
    phone_page, live_server, login, screenshot, rep, password
):
    page = phone_page
    _customers(rep, 4)
    _customers(rep, 2, overdue=True, grade_a=True, second_check=Customer.SecondCheck.PENDING)
    login(page, live_server, rep, password)
    page.goto(f"{live_server.url}/customers/")
    expect(page.locator("#customer-rows tbody tr")).to_have_count(6)
    # The filters wait in an offcanvas panel; the rows are cards that fit the screen.
    expect(page.locator("#customer-filter")).not_to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "customer-list-01-phone")

    page.locator("#show-filters").click()
    expect(page.locator("#customer-filter")).to_be_visible()
    page.locator("#id_overdue").check()
    expect(page.locator("#customer-rows tbody tr")).to_have_count(2)
    screenshot(page, "customer-list-02-phone-filters")
    page.locator("#customer-filter button[type=submit]").click()
    expect(page.locator("#customer-filter")).not_to_be_visible()
    expect(page.locator("#customer-rows tbody tr")).to_have_count(2)
    expect(page.locator("#customer-rows tbody tr").first).to_contain_text(
        "逾期"
    )  # the UI speaks Chinese by default
    assert "overdue=on" in page.url
    screenshot(page, "customer-list-03-phone-overdue")

    # Search by a phone number typed the way people say it.
    page.goto(f"{live_server.url}/customers/")
    page.locator("#show-filters").click()
    page.locator("#id_q").fill("+86 138-0013-0001")
    expect(page.locator("#customer-rows tbody tr")).to_have_count(2)  # one per batch
    page.reload()
    expect(page.locator("#id_q")).to_have_value("+86 138-0013-0001")


def test_manager_reassigns_rows_in_place_and_saves_a_view(
    page, live_server, login, screenshot, manager, rep, org, password
):
    teammate = UserFactory(
        username="teammate",
        first_name="Mei",
        last_name="Lin",
        role=Role.SALES_REP,
        team=org["team_a"],
    )
    _customers(rep, 5)
    login(page, live_server, manager, password)
    page.goto(f"{live_server.url}/customers/?o=name")
    rows = page.locator("#customer-rows tbody tr")
    expect(rows).to_have_count(5)
    reassign = page.locator("#bulk-form button[value=reassign]")
    expect(reassign).to_be_disabled()
    screenshot(page, "customer-list-04-desktop-manager")

    rows.nth(0).locator("input[name=ids]").check()
    rows.nth(1).locator("input[name=ids]").check()
    expect(page.locator("[data-check-count=ids]")).to_contain_text("2")
    # The new owner is searched, not picked from a list of every user.
    page.locator("#bulk-form input[name=to_user_q]").fill(teammate.username)
    page.locator(f"#bulk-form input[name=to_user][value='{teammate.pk}']").check()
    url_before = page.url
    # First what will happen (how many customers, from whom, to whom), then the confirm.
    with page.expect_navigation():
        reassign.click()
    expect(page.locator("#reassign-summary")).to_contain_text(
        f"2 个客户将交给 {teammate.display_name}。"
    )
    expect(page.locator("#reassign-rows tbody tr")).to_have_count(2)
    assert Customer.objects.filter(owner=teammate).count() == 0
    screenshot(page, "customer-list-05a-confirm-reassign")
    with page.expect_navigation():
        page.locator("#do-reassign").click()
    expect(page.locator(".alert-success")).to_contain_text(
        f"已将 2 个客户转给“{teammate.display_name}”负责。"
    )
    expect(rows.nth(0)).to_contain_text(teammate.display_name)
    expect(rows.nth(2)).to_contain_text(rep.display_name)
    assert page.url == url_before
    assert Customer.objects.filter(owner=teammate).count() == 2
    screenshot(page, "customer-list-05-after-reassign")

    # Sort by a column header, then save that view and get it back in one click.
    page.locator("thead a.sort-link").first.click()
    expect(page).to_have_url(f"{live_server.url}/customers/?o=-name")
    page.locator(".save-view summary").click()
    page.locator(".save-view-form input[name=name]").fill("倒序")
    page.locator(".save-view-form button[type=submit]").click()
    expect(page.locator("#saved-views a.saved-view-link")).to_have_text("倒序")
    page.goto(f"{live_server.url}/customers/")
    page.locator("#saved-views a.saved-view-link").click()
    expect(page).to_have_url(f"{live_server.url}/customers/?o=-name")
    screenshot(page, "customer-list-06-saved-view")


def test_director_filters_by_team_and_owner_search_with_chips_and_columns(
    page, phone_page, live_server, login, screenshot, director, rep, org, password
):
    """At 1366 px: the sales-team filter, the owner found by typing (grouped by team), the
    active filters as chips, the team column, names and headers whole; then the column
    chooser; then the same list on a phone."""
    south = UserFactory(
        username="south_rep",
        first_name="伟",
        last_name="李",
        role=Role.SALES_REP,
        team=org["team_c"],
    )
    _customers(rep, 3)
    CustomerFactory(name="深圳市南山区前海深港合作区智能制造科技有限公司", owner=south)
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, live_server, director, password)
    page.goto(f"{live_server.url}/customers/?o=name")
    rows = page.locator("#customer-rows tbody tr")
    expect(rows).to_have_count(4)

    page.locator("#id_team").select_option(str(org["south"].pk))
    expect(rows).to_have_count(1)
    expect(page.locator("#filter-chips")).to_contain_text("South")
    page.locator("#id_owner").fill("李")
    picker = page.locator(".user-picker").filter(has=page.locator("input[name=owner_q]"))
    found = picker.get_by_role("radio", name="李伟 (south_rep)")
    expect(found).to_be_visible(timeout=30_000)  # searched as typed, after a pause
    expect(picker.locator(".person-team").first).to_have_text("Team C")
    found.check()
    expect(page.locator("#filter-chips .filter-chip")).to_have_count(2)
    expect(rows.first).to_contain_text("Team C")
    # Header words and the company name are not broken inside a word at 1366 px.
    header_heights = page.eval_on_selector_all(
        ".customer-table thead th", "ths => ths.map(th => th.getBoundingClientRect().height)"
    )
    assert max(header_heights) < 2 * min(h for h in header_heights if h > 0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    screenshot(page, "customer-list-07-1366-team-owner-chips")

    # A chip removes its filter.
    page.locator("#filter-chips .filter-chip").first.click()
    expect(page.locator("#filter-chips .filter-chip")).to_have_count(1)

    # The column chooser hides tags and key contact, remembered on the next visit.
    page.goto(f"{live_server.url}/customers/?o=name")
    page.locator(".column-chooser summary").click()
    page.locator(".column-chooser-form input[value=tags]").uncheck()
    page.locator(".column-chooser-form input[value=contact]").uncheck()
    page.locator(".column-chooser-form button[type=submit]").click()
    expect(page.locator("th.col-tags")).to_have_count(0)
    page.goto(f"{live_server.url}/customers/")
    expect(page.locator("th.col-contact")).to_have_count(0)
    expect(page.locator("th.col-team")).to_have_count(1)
    screenshot(page, "customer-list-08-1366-columns")

    login(phone_page, live_server, director, password)
    phone_page.goto(f"{live_server.url}/customers/?team={org['east'].pk}&grade=C")
    expect(phone_page.locator("#filter-chips .filter-chip")).to_have_count(2)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone_page, "customer-list-09-phone-chips")
