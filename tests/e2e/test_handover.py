"""A manager hands some of a rep's customers to another rep; the receiver then sees them."""

from playwright.sync_api import expect

from customers.models import Customer, Handover, Task
from teams.models import Role
from tests.factories import CustomerFactory, TaskFactory, UserFactory

HANDOVER_URL = "/customers/handover/"


def _log_out(page, live_server):
    page.locator("#user-menu").click()
    with page.expect_navigation():
        page.locator("#user-menu + .dropdown-menu form[action='/accounts/logout/'] button").click()
    assert page.url.startswith(f"{live_server.url}/accounts/login/")


def test_manager_hands_a_reps_customers_to_another_rep(
    page, live_server, login, screenshot, manager, rep, org, password, open_area
):
    receiver = UserFactory(
        username="zhaolei", first_name="磊", last_name="赵", role=Role.SALES_REP, team=org["team_a"]
    )
    names = [
        "华东精密机械有限公司",
        "苏州恒达电子有限公司",
        "杭州云启软件有限公司",
        "宁波海纳物流有限公司",
    ]
    customers = [CustomerFactory(owner=rep, name=name) for name in names]
    TaskFactory(customer=customers[0], owner=rep, title="发送报价单")
    TaskFactory(customer=customers[3], owner=rep, title="安排技术交流")

    login(page, live_server, manager, password)
    open_area(page, HANDOVER_URL)
    expect(page).to_have_url(f"{live_server.url}{HANDOVER_URL}")
    expect(page.locator("#handover-form")).to_have_count(0)
    screenshot(page, "handover-01-pick-user")

    # Picking the rep shows their customers, every one selected.
    with page.expect_navigation():
        page.locator("#id_from").select_option(str(rep.pk))
    rows = page.locator("#handover-customers tbody tr")
    expect(rows).to_have_count(4)
    boxes = page.locator("#handover-customers tbody input[name=customers]")
    for i in range(4):
        expect(boxes.nth(i)).to_be_checked()
    counter = page.locator("[data-check-count=customers]")
    expect(counter).to_contain_text("4")
    screenshot(page, "handover-02-customers")

    # Keep one back: the fourth customer (and its task) stays with the rep.
    page.get_by_label(names[3]).uncheck()
    expect(counter).to_contain_text("3")
    expect(page.locator("[data-check-all=customers]")).to_have_js_property("indeterminate", True)
    page.locator("#id_to_user").fill(receiver.username)
    page.locator(f"input[name=to_user][value='{receiver.pk}']").check()
    page.locator("#id_note").fill("区域调整，华东客户交给赵磊")
    screenshot(page, "handover-03-ready")
    with page.expect_navigation():
        page.locator("#confirm-handover").click()

    success = page.locator(".alert-success")
    expect(success).to_be_visible()
    expect(success).to_contain_text(rep.display_name)
    expect(success).to_contain_text(receiver.display_name)
    expect(success).to_contain_text("3")
    # The rep's remaining customer is still offered for another handover.
    expect(page.locator("#handover-customers tbody tr")).to_have_count(1)
    expect(page.locator("#handover-customers")).to_contain_text(names[3])
    screenshot(page, "handover-04-done")

    handover = Handover.objects.get()
    assert {c.name for c in handover.customers.all()} == set(names[:3])
    # what moved (kinds with nothing to move, e.g. opportunities these customers lack, aside)
    assert [(m.key, m.count) for m in handover.moves if m.count] == [("tasks", 1)]
    assert set(Customer.objects.filter(owner=receiver).values_list("name", flat=True)) == set(
        names[:3]
    )
    assert Task.objects.get(title="发送报价单").owner == receiver
    assert Task.objects.get(title="安排技术交流").owner == rep

    # The receiving rep logs in and finds the customers in their list.
    _log_out(page, live_server)
    login(page, live_server, receiver, password)
    page.goto(f"{live_server.url}/customers/")
    for name in names[:3]:
        expect(page.get_by_role("link", name=name)).to_be_visible()
    expect(page.get_by_text(names[3])).to_have_count(0)
    screenshot(page, "handover-05-receiver-list")
