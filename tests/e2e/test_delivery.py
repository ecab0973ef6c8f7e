"""On a phone, in Chinese: a delivery lead assigns a signed contract; its delivery owner builds
a three-phase plan, starts and completes the phases, records a passed acceptance, and the
contract shows completed."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from contracts.models import Contract
from delivery.models import DeliveryLead
from teams.models import Role
from tests.contracts.test_attachments import PDF
from tests.factories import ContractFactory, CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _fits(page):
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "sideways scrolling"


def _add_phase(page, live_server, contract, name, start, end, owner):
    page.goto(f"{live_server.url}/delivery/contracts/{contract.pk}/phases/new/")
    page.locator("#id_name").fill(name)
    page.locator("#id_start_date").fill(start.isoformat())
    page.locator("#id_end_date").fill(end.isoformat())
    page.locator("#id_owner").select_option(str(owner.pk))
    page.locator("#id_key_tasks").fill(f"{name}：关键任务")
    page.locator("#id_deliverables").fill(f"{name}报告")
    with page.expect_navigation():
        page.locator("#save").tap()
    expect(page.locator(".alert-success")).to_contain_text("阶段已保存")


def test_lead_assigns_owner_plans_delivers_and_completes(
    phone_page, live_server, login, screenshot, password, rep, org, admin_user, tmp_path
):
    page = phone_page
    lead = UserFactory(username="lead", role=Role.DELIVERY, team=org["company"])
    DeliveryLead.objects.create(user=lead, marked_by=admin_user)
    owner = UserFactory(
        username="owner", role=Role.DELIVERY, team=org["company"], last_name="赵", first_name="交付"
    )
    member = UserFactory(
        username="member",
        role=Role.DELIVERY,
        team=org["company"],
        last_name="钱",
        first_name="实施",
    )
    today = timezone.localdate()
    customer = CustomerFactory(owner=rep, name="苏州恒通电子有限公司")
    contract = ContractFactory(
        customer=customer,
        signed=True,
        title="ERP 实施项目",
        start_date=today - timedelta(days=20),
        end_date=today + timedelta(days=200),
    )

    # The lead finds the unassigned contract and assigns its team.
    login(page, live_server, lead, password)
    page.goto(f"{live_server.url}/delivery/?scope=unassigned")
    expect(page.locator(".project-row")).to_contain_text("未分配")
    page.locator(".project-row").first.tap()
    page.locator("#assign-team").tap()
    page.locator("#id_owner").select_option(str(owner.pk))
    page.get_by_label("钱实施").check()
    screenshot(page, "delivery-phone-assign")
    _fits(page)
    with page.expect_navigation():
        page.locator("#save").tap()
    expect(page.locator("#team")).to_contain_text("赵交付")
    expect(page.locator("#team")).to_contain_text("钱实施")

    # The delivery owner builds a three-phase plan.
    login(page, live_server, owner, password)
    start = contract.start_date
    _add_phase(page, live_server, contract, "需求调研", start, start + timedelta(days=10), owner)
    _add_phase(page, live_server, contract, "系统配置", today, today + timedelta(days=20), member)
    _add_phase(
        page,
        live_server,
        contract,
        "上线培训",
        today + timedelta(days=21),
        today + timedelta(days=40),
        owner,
    )
    expect(page.locator(".gantt-row")).to_have_count(3)
    expect(page.locator(".gantt-late")).to_have_count(1)  # the first ended, not done: red
    expect(page.locator("#contract-status")).to_contain_text("已签订")
    screenshot(page, "delivery-phone-plan")
    _fits(page)

    # Starting the first phase moves the contract into delivery; each phase gets done.
    for phase in page.locator(".phase-row").all():
        phase_id = phase.get_attribute("id")
        with page.expect_navigation():
            page.locator(f"#{phase_id} .phase-start").tap()
        with page.expect_navigation():
            page.locator(f"#{phase_id} .phase-done").tap()
    expect(page.locator("#contract-status")).to_contain_text("交付中")
    expect(page.locator(".phase-late")).to_have_count(0)
    expect(page.locator("#complete-contract")).to_be_disabled()
    expect(page.locator("#completion-block")).to_contain_text("通过的验收报告")

    # A passed acceptance with the signed scan.
    page.locator("#record-acceptance").tap()
    page.locator("#id_accepted_on").fill(today.isoformat())
    page.locator("#id_accepted_by_name").fill("孙经理")
    page.locator("#id_accepted_by_title").fill("信息中心主任")
    page.locator("#id_scope").fill("ERP 系统全部模块上线及用户培训")
    page.locator("#id_result_0").check()
    page.locator("#id_signatory").fill("孙经理")
    scan = tmp_path / "验收报告.pdf"
    scan.write_bytes(PDF)
    page.locator("#id_scan").set_input_files(str(scan))
    screenshot(page, "delivery-phone-acceptance")
    _fits(page)
    with page.expect_navigation():
        page.locator("#save").tap()
    expect(page.locator(".acceptance-row")).to_contain_text("通过")

    with page.expect_navigation():
        page.locator("#complete-contract").tap()
    expect(page.locator("#contract-status")).to_contain_text("已完成")
    screenshot(page, "delivery-phone-completed")
    _fits(page)
    contract.refresh_from_db()
    assert contract.status == Contract.Status.COMPLETED

    # The acceptance's print view (template 6) and the project page on a laptop.
    page.locator(".acceptance-row a[href$='/print/']").tap()
    expect(page.locator("#print-result")).to_contain_text("通过")
    screenshot(page, "delivery-phone-acceptance-print")
    page.set_viewport_size({"width": 1366, "height": 900})
    screenshot(page, "delivery-desktop-acceptance-print")
    page.go_back()
    expect(page.locator("#gantt")).to_be_visible()
    screenshot(page, "delivery-desktop-completed")
    _fits(page)
