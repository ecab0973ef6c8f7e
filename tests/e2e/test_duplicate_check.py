"""录入查重: a rep on a phone enters a new customer; while they type, the form shows the
customers it may be (what matched, name, owner, team), links only their own, refuses the
same name and lets a near match be saved anyway."""

import re

from playwright.sync_api import expect

from customers.models import Customer
from tests.factories import ContactFactory, CustomerFactory

CREATE_URL = "/customers/new/"


def test_a_rep_creating_a_customer_sees_the_duplicate_appear_while_typing(
    phone_page, live_server, login, screenshot, rep, other_rep, password
):
    page = phone_page
    theirs = CustomerFactory(
        owner=other_rep, name="上海华谊（集团）有限公司", phone="021-6234 5678", notes="内部备注"
    )
    ContactFactory(customer=theirs, name="赵总", phone="138 0013 8000")
    mine = CustomerFactory(owner=rep, name="上海华谊电子有限公司")

    login(page, live_server, rep, password)
    page.goto(f"{live_server.url}{CREATE_URL}")
    check = page.locator("#duplicate-check")
    expect(check.locator(".duplicate-match")).to_have_count(0)
    screenshot(page, "duplicates-01-empty-form")

    # Typing the name: both appear at once, the exact one first, with what matched.
    page.locator("#id_name").press_sequentially("上海华谊", delay=30)
    matches = check.locator(".duplicate-match")
    expect(matches).to_have_count(2)
    exact, similar = matches.nth(0), matches.nth(1)
    expect(exact).to_contain_text(theirs.name)
    expect(exact).to_contain_text(other_rep.display_name)
    expect(exact).to_contain_text("Team C")
    expect(exact.locator("a")).to_have_count(0)  # another team's: not theirs to open
    expect(similar.locator("a")).to_have_text(mine.name)  # their own: a link
    expect(check).not_to_contain_text("内部备注")
    screenshot(page, "duplicates-02-while-typing")

    # The same name is refused, even ticking nothing else.
    with page.expect_navigation():
        page.locator("#save-customer").click()
    expect(page.locator("#id_name")).to_have_class(re.compile("is-invalid"))
    expect(page.locator("#save-anyway")).to_have_count(0)
    assert Customer.objects.count() == 2
    screenshot(page, "duplicates-03-same-name-refused")

    # Another company sharing the contact's mobile: a near match, saved anyway, on record.
    page.locator("#id_name").fill("华谊贸易")
    page.locator("#id_contact_name").fill("钱经理")
    page.locator("#id_contact_phone").press_sequentially("13800138000", delay=20)
    contact_check = page.locator("#duplicate-check-contact .duplicate-match")
    expect(contact_check).to_have_count(1)
    expect(contact_check).to_contain_text(theirs.name)
    expect(page.locator("#duplicate-check-contact")).not_to_contain_text("赵总")
    screenshot(page, "duplicates-04-contact-phone")
    with page.expect_navigation():
        page.locator("#save-customer").click()
    expect(page.locator("#form-problems")).to_be_visible()
    page.locator("#id_save_anyway").check()
    screenshot(page, "duplicates-05-save-anyway")
    with page.expect_navigation():
        page.locator("#save-customer").click()
    created = Customer.objects.get(name="华谊贸易")
    expect(page).to_have_url(f"{live_server.url}/customers/{created.pk}/")
    entered = page.locator("#timeline").get_by_text(theirs.name)
    expect(entered).to_be_visible()
    screenshot(page, "duplicates-06-override-on-timeline")
