"""The customer page puts the work first (issue 9 points 5, 6, 8): a rep on a phone closes a
task, undoes it, logs a visit from the sticky bar with the contact met, and adds a task by
hand on a laptop; a manager reads the cadence debt by team."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from customers.models import Customer, FollowUp, Task
from tests.factories import ContactFactory, CustomerFactory, TaskFactory, UserFactory

from .conftest import CSP_LISTENER, PHONE, SCREENSHOTS, TIMEOUT_MS

LAPTOP = {"viewport": {"width": 1366, "height": 768}, "locale": "zh-CN"}


@pytest.fixture
def context_page(browser, browser_errors):
    contexts = []

    def make(options):
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(CSP_LISTENER)
        context.on("page", browser_errors.watch)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
    assert not browser_errors.errors, "the browser reported errors:\n" + "\n".join(
        browser_errors.errors
    )


@pytest.fixture
def overdue_a_customer(rep):
    """An A customer entered 50 days ago, never visited: overdue, with two open tasks."""
    customer = CustomerFactory(
        owner=rep,
        name="苏州恒信精密机械有限公司",
        grade="A",
        phone="0512-6588 1234",
        address="苏州市工业园区星湖街218号",
    )
    ContactFactory(
        customer=customer, name="陈总", title="总经理", phone="139 1234 5678", is_key=True
    )
    ContactFactory(customer=customer, name="刘工", title="设备主管", phone="")
    entered = timezone.now() - timedelta(days=50)
    Customer.objects.filter(pk=customer.pk).update(
        created_at=entered, next_followup_due=timezone.localdate() - timedelta(days=20)
    )
    today = timezone.localdate()
    TaskFactory(
        customer=customer, owner=rep, title="确认二期设备清单", due_date=today - timedelta(days=2)
    )
    TaskFactory(customer=customer, owner=rep, title="发送年度框架协议", due_date=today)
    customer.refresh_from_db()
    return customer


def _fits(page):
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "sideways scrolling"


def test_a_rep_on_a_phone_works_a_customer_from_the_top_of_its_page(
    context_page, live_server, login, screenshot, rep, password, overdue_a_customer
):
    customer = overdue_a_customer
    page = context_page(PHONE)
    login(page, live_server, rep, password)
    page.goto(f"{live_server.url}/customers/{customer.pk}/")

    work = page.locator("#work")
    expect(work).to_contain_text("待办任务与下一步行动")
    expect(page.locator("#task-counts")).to_contain_text("待办 2")
    expect(page.locator("#task-counts")).to_contain_text("逾期 1")
    expect(page.locator("#task-counts")).to_contain_text("今日到期 1")
    # the work comes before the timeline and the company details (measured once htmx has
    # put the loaded timeline in place of its placeholder)
    expect(page.locator("#timeline .list-group")).to_be_visible()
    top = {s: page.locator(s).bounding_box()["y"] for s in ("#work", "#timeline", "#details")}
    assert top["#work"] < top["#timeline"] < top["#details"]
    bar = page.locator("#phone-bar")
    expect(bar).to_be_visible()
    expect(bar.locator("#bar-call")).to_have_attribute("href", "tel:13912345678")
    expect(bar.locator("#bar-navigate")).to_be_visible()
    box = bar.bounding_box()
    assert box["y"] + box["height"] <= 844 + 1, "the bar sits at the bottom of the screen"
    _fits(page)
    screenshot(page, "customer-work-01-phone-top")
    # what the phone shows without scrolling: the sticky bar at the bottom
    page.screenshot(path=str(SCREENSHOTS / "customer-work-01b-phone-screen.png"))

    # done, then undo: the counts follow in place
    late = Task.objects.get(title="确认二期设备清单")
    page.locator(f"#task-{late.pk} .task-done-button").tap()
    expect(page.locator(f"#task-{late.pk}")).to_contain_text("撤销")
    expect(page.locator("#task-counts")).to_contain_text("待办 1")
    expect(page.locator("#tasks-overdue-count")).to_have_count(0)
    screenshot(page, "customer-work-02-phone-done-with-undo")
    page.locator(f"#task-{late.pk} .task-undo button").tap()
    expect(page.locator(f"#task-{late.pk} .task-done-button")).to_be_visible()
    expect(page.locator("#task-counts")).to_contain_text("待办 2")
    late.refresh_from_db()
    assert late.done_at is None

    # the sticky bar's quick log: the customer picked, its contacts offered
    with page.expect_navigation():
        bar.locator("#bar-log").tap()
    expect(page.locator(f"input[name=customer][value='{customer.pk}']")).to_be_checked()
    chen = customer.contacts.get(name="陈总")
    page.locator("#contact-options label", has_text="陈总").tap()
    expect(page.locator(f"input[name=contact][value='{chen.pk}']")).to_be_checked()
    page.locator("label[for=method-visit]").tap()
    page.locator("#id_executive").check()
    page.locator("#id_summary").fill("拜访陈总，确认二期产线设备清单与交付节奏。")
    _fits(page)
    screenshot(page, "customer-work-03-phone-quick-log-contacts")
    with page.expect_navigation():
        page.locator("#quick-log-submit").tap()
    expect(page.locator(".alert-success")).to_be_visible()
    followup = FollowUp.objects.get(customer=customer)
    assert followup.contact == chen and followup.executive
    screenshot(page, "customer-work-04-phone-after-log")


def test_a_rep_on_a_laptop_adds_a_task_and_a_new_contact_by_quick_log(
    context_page, live_server, login, screenshot, rep, password, overdue_a_customer
):
    customer = overdue_a_customer
    page = context_page(LAPTOP)
    login(page, live_server, rep, password)
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    expect(page.locator("#phone-bar")).to_be_hidden()
    page.locator("#task_title").fill("安排技术交流会")
    page.locator("#task_due_date").fill((timezone.localdate() + timedelta(days=3)).isoformat())
    with page.expect_navigation():
        page.locator("#add-task").click()
    expect(page.locator(".alert-success")).to_contain_text("安排技术交流会")
    expect(page.locator("#customer-tasks")).to_contain_text("安排技术交流会")
    expect(page.locator("#task-counts")).to_contain_text("待办 3")
    screenshot(page, "customer-work-05-laptop-task-added")

    page.goto(f"{live_server.url}/customers/quick-log/?customer={customer.pk}")
    page.locator("#new-contact > summary").click()
    page.locator("#id_new_contact_name").fill("王经理")
    page.locator("#id_new_contact_phone").fill("138 0013 8000")
    page.locator("label[for=method-phone]").click()
    page.locator("#id_summary").fill("电话沟通新采购负责人王经理。")
    screenshot(page, "customer-work-06-laptop-quick-log-new-contact")
    with page.expect_navigation():
        page.locator("#quick-log-submit").click()
    followup = FollowUp.objects.get(customer=customer)
    assert followup.contact.name == "王经理"

    page.goto(f"{live_server.url}/customers/tasks/new/")
    page.locator("#id_title").fill("整理本周拜访报告")
    with page.expect_navigation():
        page.locator("#task-submit").click()
    expect(page.locator("#open-tasks")).to_contain_text("整理本周拜访报告")
    expect(page.locator("#open-tasks")).to_contain_text("未关联客户")
    screenshot(page, "customer-work-07-laptop-my-tasks")
    assert Task.objects.get(title="整理本周拜访报告").customer is None


def test_a_manager_reads_the_cadence_debt_by_team_on_a_phone(
    context_page, live_server, login, screenshot, manager, rep, password, org
):
    teammate = UserFactory(username="rep_zhao", first_name="赵", last_name="六", team=org["team_a"])
    CustomerFactory.create_batch(3, owner=rep, overdue=True)
    CustomerFactory.create_batch(1, owner=teammate, overdue=True)
    CustomerFactory.create_batch(2, owner=manager, overdue=True)  # a manager's own: not debt
    page = context_page(PHONE)
    login(page, live_server, manager, password)
    panel = page.locator("#panel-cadence-debt")
    expect(panel).to_contain_text("逾期 4")
    expect(panel.locator(".debt-team")).to_contain_text("共 4 个")
    expect(panel.locator(".debt-rep")).to_have_count(2)
    expect(page.locator("#greeting-lines")).to_contain_text("核对 A 级客户")
    count = panel.locator(".debt-count").first
    box = count.bounding_box()
    assert box["height"] >= 32 and box["width"] >= 40, box
    panel.scroll_into_view_if_needed()
    _fits(page)
    panel.screenshot(path=str(SCREENSHOTS / "customer-work-08b-phone-cadence-debt.png"))
    screenshot(page, "customer-work-08-phone-manager-home")
    with page.expect_navigation():
        count.tap()
    assert f"owner={rep.pk}" in page.url
