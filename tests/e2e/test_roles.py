"""An admin creates 大客户经理 by copying the sales rep role, changes what it may do, gives it to a
rep, and the rep's next page follows (no restart, no new login)."""

from django.utils import translation
from playwright.sync_api import expect

from teams.models import RoleChange, RoleRecord, User
from tests.factories.customers import CustomerFactory


def _zh(text):
    with translation.override("zh-hans"):
        chinese = str(translation.gettext(text))
    assert chinese != text, f"no Simplified Chinese translation for {text!r}"
    return chinese


def test_admin_makes_a_key_account_manager_role_the_rep_sees_it_next_page(
    page,
    phone_page,
    live_server,
    login,
    open_area,
    screenshot,
    admin_user,
    rep,
    other_rep,
    password,
):
    elsewhere = CustomerFactory(owner=other_rep, name="远方科技有限公司")  # another region's
    # The rep works on a phone: the customer list has its export button.
    login(phone_page, live_server, rep, password)
    phone_page.goto(f"{live_server.url}/customers/")
    expect(phone_page.locator("#export-link")).to_have_count(1)
    expect(phone_page.get_by_text(elsewhere.name)).to_have_count(0)
    screenshot(phone_page, "roles-01-rep-list-before")

    login(page, live_server, admin_user, password)
    open_area(page, "/manage/roles/")  # in the administration menu
    expect(page).to_have_url(f"{live_server.url}/manage/roles/")
    expect(page.get_by_role("heading", level=1)).to_have_text(_zh("Roles and permissions"))
    screenshot(page, "roles-02-matrix")

    page.locator("#role-create").click()
    page.locator("#id_source").select_option(label=_zh("Sales rep"))
    page.locator("#id_name_zh").fill("大客户经理")
    page.locator("#id_name_en").fill("Key account manager")
    screenshot(page, "roles-03-copy-form")
    with page.expect_navigation():
        page.locator("#role-form button[type=submit]").click()
    role = RoleRecord.objects.get(name_zh="大客户经理")
    expect(page.locator(f"#role-{role.key} th")).to_contain_text("大客户经理")

    # It sees every customer, may not export them, and sees costs and margins.
    page.locator(f"#role-matrix select[name='scope:{role.key}']").select_option("all")
    page.locator(f"#role-matrix input[value='{role.key}:customers.export']").uncheck()
    page.locator(f"#role-matrix input[value='{role.key}:opportunities.see_costs']").check()
    with page.expect_navigation():
        page.locator("#role-matrix-save").click()
    expect(page.locator(".alert-success")).to_be_visible()
    screenshot(page, "roles-04-saved")
    assert {(c.capability, c.granted) for c in RoleChange.objects.filter(role=role)} >= {
        ("customers.export", False),
        ("opportunities.see_costs", True),
        ("scope:all", True),
    }

    page.goto(f"{live_server.url}/manage/roles/{role.pk}/history/")
    expect(page.locator("#role-history tbody tr")).to_have_count(4)  # created, three changes
    screenshot(page, "roles-05-history")

    # Give it to the rep.
    page.goto(f"{live_server.url}/manage/users/{rep.pk}/edit/")
    page.locator("#id_role").select_option(role.key)
    with page.expect_navigation():
        page.locator("#user-form-card [type=submit]").click()
    assert User.objects.get(pk=rep.pk).role == role.key

    # The rep's next page: no export button, and the role's name in the menu.
    phone_page.goto(f"{live_server.url}/customers/")
    expect(phone_page.locator("#export-link")).to_have_count(0)
    expect(phone_page.get_by_text(elsewhere.name).first).to_be_visible()
    screenshot(phone_page, "roles-06a-rep-list-after")
    phone_page.goto(f"{live_server.url}/")
    expect(phone_page.locator("#role-badge")).to_have_text("大客户经理")
    screenshot(phone_page, "roles-06-rep-home-after")

    # The roles page on a phone: the transpose.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/manage/roles/")
    expect(page.locator("#role-matrix-narrow")).to_be_visible()
    screenshot(page, "roles-07-matrix-phone")
