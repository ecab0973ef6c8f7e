"""A rep makes the contract of a won deal from its accepted quote and submits it; the
manager (on a phone), legal and the general manager approve it in turn from their inboxes;
the rep sees it approved, marks it signed with the scanned copy, plans the payments and
records the first one. In Chinese, with screenshots."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from contracts.models import Contract, Instalment
from tests.e2e.conftest import SCREENSHOTS
from tests.factories import CustomerFactory, OpportunityFactory, QuoteFactory
from tests.factories.contracts import default_steps
from tests.factories.opportunities import default_stages

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def won_quote(rep):
    default_stages()
    default_steps()
    customer = CustomerFactory(owner=rep, name="华东精密制造有限公司")
    deal = OpportunityFactory(customer=customer, owner=rep, name="二期产线 CRM", won=True)
    return QuoteFactory(opportunity=deal, accepted=True, lines=2)


def _fits(page):
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "sideways scrolling"


def _click(page, selector):
    with page.expect_navigation():
        if page.viewport_size["width"] < 600:
            page.locator(selector).tap()
        else:
            page.locator(selector).click()


def _approve_in_inbox(page, live_server, contract, comment, screenshot, name):
    page.goto(f"{live_server.url}/contracts/approvals/")
    card = page.locator(f"#contract-{contract.pk}")
    expect(card).to_contain_text(contract.number)
    expect(card).to_contain_text("华东精密制造有限公司")
    card.locator("textarea[name=comment]").fill(comment)
    screenshot(page, name)
    with page.expect_navigation():
        button = card.locator("button[value=approve]")
        if page.viewport_size["width"] < 600:
            button.tap()
        else:
            button.click()
    expect(page.locator(f"#contract-{contract.pk}")).to_have_count(0)


def test_contract_from_won_deal_to_first_payment(
    browser,
    page,
    phone_page,
    live_server,
    login,
    screenshot,
    rep,
    manager,
    legal,
    general_manager,
    password,
    won_quote,
    tmp_path,
):
    today = timezone.localdate()
    # The rep, on a desktop: the opportunity page offers the contract.
    login(page, live_server, rep, password)
    page.goto(f"{live_server.url}/opportunities/{won_quote.opportunity_id}/")
    _click(page, "#create-contract")
    expect(page.locator("#frozen-lines")).to_be_visible()
    page.locator("#id_signing_entity").fill("上海示例科技有限公司")
    page.locator("#id_end_date").fill((today + timedelta(days=365)).isoformat())
    page.locator("#id_delivery_date").fill((today + timedelta(days=60)).isoformat())
    page.locator("#id_payment_terms").fill("签约后 30 日内付 50%，验收后付 50%")
    page.locator("#id_credit_days").fill("30")
    page.locator("#id_key_terms").fill("违约金为合同金额的 5%；争议由甲方所在地法院管辖")
    page.locator("#id_warranty").fill("12 个月")
    screenshot(page, "contract-form-from-quote")
    _click(page, "#save-contract")
    contract = Contract.objects.get()
    assert contract.amount == won_quote.total_amount
    expect(page.locator("#contract-number")).to_have_text(contract.number)
    _click(page, "#submit-contract")
    expect(page.locator("#contract-status")).to_contain_text("审批中")
    screenshot(page, "contract-detail-in-approval")

    # The manager approves on a phone.
    phone = phone_page
    login(phone, live_server, manager, password)
    contract.refresh_from_db()
    _approve_in_inbox(phone, live_server, contract, "同意，注意回款", screenshot, "inbox-phone")
    _fits(phone)

    # Legal, then the general manager, on a desktop.
    for approver, comment in ((legal, "条款无异议"), (general_manager, "同意签约")):
        login(page, live_server, approver, password)
        _approve_in_inbox(
            page, live_server, contract, comment, screenshot, f"inbox-{approver.username}"
        )
    contract.refresh_from_db()
    assert contract.status == Contract.Status.APPROVED

    # The rep, on the phone: approved, every step in the table; signs with the scan.
    login(phone, live_server, rep, password)
    phone.goto(f"{live_server.url}/contracts/{contract.pk}/")
    expect(phone.locator("#contract-status")).to_contain_text("已审批")
    expect(phone.locator(".approval-table tbody tr")).to_have_count(3)
    expect(phone.locator("#approval")).to_contain_text("同意签约")
    screenshot(phone, "contract-detail-approved-phone")
    _fits(phone)
    _click(phone, "#sign-contract")
    scan = tmp_path / "签字盖章扫描件.pdf"
    scan.write_bytes(PDF)
    phone.locator("#id_signed_on").fill(today.isoformat())
    phone.locator("#id_signed_copy").set_input_files(str(scan))
    phone.once("dialog", lambda dialog: dialog.accept())
    screenshot(phone, "contract-sign-phone")
    _click(phone, "#action-submit")
    expect(phone.locator("#contract-status")).to_contain_text("已签订")
    expect(phone.locator("#attachments")).to_contain_text("签字盖章扫描件.pdf")

    # The payment plan, then the first payment.
    half = (contract.amount / 2).quantize(Decimal("0.01"))
    _click(phone, "#edit-plan")
    phone.locator("#id_plan-0-due_date").fill(today.isoformat())
    phone.locator("#id_plan-0-amount").fill(str(half))
    phone.locator("#id_plan-1-due_date").fill((today + timedelta(days=90)).isoformat())
    phone.locator("#id_plan-1-amount").fill(str(half - Decimal("1.00")))
    _click(phone, "#save-plan")
    expect(phone.locator("#plan-error")).to_contain_text("1.00")
    screenshot(phone, "payment-plan-does-not-add-up")
    phone.locator("#id_plan-1-amount").fill(str(contract.amount - half))
    _click(phone, "#save-plan")
    expect(phone.locator("#instalments")).to_be_visible()
    _click(phone, "#record-payment")
    phone.locator("#id_received_on").fill(today.isoformat())
    phone.locator("#id_amount").fill(str(half))
    phone.locator("#id_reference").fill("电汇 20261203")
    _click(phone, "#action-submit")
    expect(phone.locator("#instalment-1")).to_contain_text("已回款")
    screenshot(phone, "contract-detail-paid-phone")
    for part in ("contract-header", "approval", "payment-plan"):
        phone.locator(f"#{part}").screenshot(path=str(SCREENSHOTS / f"contract-phone-{part}.png"))
    _fits(phone)
    first = Instalment.objects.get(contract=contract, position=1)
    assert first.paid_amount == half

    # The list shows it signed.
    login(page, live_server, rep, password)
    page.goto(f"{live_server.url}/contracts/")
    expect(page.locator(f"#contract-{contract.pk}")).to_contain_text(contract.number)
    screenshot(page, "contract-list")
    page.goto(f"{live_server.url}/contracts/{contract.pk}/print/")
    expect(page.locator("#contract-sheet")).to_contain_text(contract.number)
    screenshot(page, "contract-print")
    phone.goto(f"{live_server.url}/contracts/")
    expect(phone.locator(f"#contract-{contract.pk}")).to_contain_text("已签订")
    screenshot(phone, "contract-list-phone")
    _fits(phone)
    phone.goto(f"{live_server.url}/contracts/{contract.pk}/print/")
    screenshot(phone, "contract-print-phone")
    _fits(phone)
