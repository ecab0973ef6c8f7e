"""A rep works the kanban: drags a card to the next stage, sees a skip refused with the
reason (the card snaps back), and on a phone moves a card with its stage menu."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from customers.models import Contact
from opportunities.models import Opportunity
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    NeedsSurveyFactory,
    OpportunityFactory,
)
from tests.factories.opportunities import default_stages

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def stages(db):
    return default_stages()


@pytest.fixture
def deals(rep, stages):
    customer = CustomerFactory(owner=rep, name="苏州华成精密机械有限公司")
    NeedsSurveyFactory(customer=customer)
    ContactFactory(customer=customer, decision_role=Contact.DecisionRole.DECISION_MAKER)
    close = timezone.localdate() + timedelta(days=45)
    return [
        OpportunityFactory(
            customer=customer,
            name=name,
            expected_amount=Decimal(amount),
            expected_close_date=close,
        )
        for name, amount in [("MES 系统二期", "380000.00"), ("仓储条码改造", "56000.00")]
    ]


def _drag(page, card, column):
    """Drag `card` onto the cards of `column` with the mouse, as a person would."""
    start = card.bounding_box()
    target = column.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + 12)
    page.mouse.down()
    page.mouse.move(start["x"] + start["width"] / 2 + 10, start["y"] + 20, steps=4)
    page.mouse.move(target["x"] + target["width"] / 2, target["y"] + 30, steps=12)
    page.mouse.up()


def test_rep_drags_a_card_forward_and_a_skip_snaps_back(
    page, live_server, login, rep, password, deals, stages, screenshot, browser_errors
):
    browser_errors.allow(r"status of 409")  # the refused move's answer
    deal = deals[0]
    login(page, live_server, rep, password)
    page.goto(f"{live_server.url}/opportunities/board/")
    card = page.locator(f"#card-{deal.pk}")
    expect(card).to_be_visible()
    screenshot(page, "pipeline-01-board")

    proposal = page.locator(f".board-cards[data-stage='{stages['proposal'].pk}']")
    _drag(page, card, proposal)
    error = page.locator("#board-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("需求确认")  # the stage it would skip
    initial = page.locator(f".board-cards[data-stage='{stages['initial'].pk}']")
    expect(initial.locator(f"#card-{deal.pk}")).to_be_visible()  # snapped back
    screenshot(page, "pipeline-02-skip-refused")
    deal.refresh_from_db()
    assert deal.stage == stages["initial"]

    needs = page.locator(f".board-cards[data-stage='{stages['needs'].pk}']")
    _drag(page, page.locator(f"#card-{deal.pk}"), needs)
    expect(page.locator("#board-status")).to_be_visible()
    expect(needs.locator(f"#card-{deal.pk}")).to_be_visible()
    column = page.locator(f"section[data-stage='{stages['needs'].pk}'] .column-count")
    expect(column).to_have_text("1")
    screenshot(page, "pipeline-03-moved")
    deal.refresh_from_db()
    assert deal.stage == stages["needs"]
    assert deal.stage_changes.get().by == rep


def test_a_card_dropped_on_lost_opens_the_lose_form(
    page, live_server, login, rep, password, deals, stages, screenshot, browser_errors
):
    browser_errors.allow(r"status of 409")  # the move's answer: not without a reason
    deal = deals[0]
    login(page, live_server, rep, password)
    page.goto(f"{live_server.url}/opportunities/board/")
    lost = page.locator(f".board-cards[data-stage='{stages['lost'].pk}']")
    with page.expect_navigation():
        _drag(page, page.locator(f"#card-{deal.pk}"), lost)
    form = page.locator("#lose")
    expect(form).to_have_attribute("open", "")
    expect(page.locator("#lose_lost_reason")).to_be_visible()
    expect(page.locator(".messages")).to_contain_text("输单")  # why it was not moved yet
    screenshot(page, "pipeline-10-lose-form-opened")
    deal.refresh_from_db()
    assert deal.stage == stages["initial"]

    page.locator("#lose_lost_reason").select_option(label="价格")
    with page.expect_navigation():
        page.locator("#lose-submit").click()
    deal.refresh_from_db()
    assert deal.stage == stages["lost"] and deal.lost_reason is not None
    screenshot(page, "pipeline-11-lost")


def test_rep_moves_a_card_with_its_menu_on_a_phone(
    phone_page, live_server, login, rep, password, deals, stages, screenshot
):
    page = phone_page
    deal = deals[1]
    login(page, live_server, rep, password)
    page.goto(f"{live_server.url}/opportunities/board/")
    card = page.locator(f"#card-{deal.pk}")
    expect(card).to_be_visible()
    screenshot(page, "pipeline-04-phone-board")
    card.locator(".card-menu-toggle").tap()
    menu = card.locator(".card-move-form")
    expect(menu).to_be_visible()
    screenshot(page, "pipeline-05-phone-menu")
    with page.expect_navigation():
        menu.locator(f"button[value='{stages['needs'].pk}']").tap()
    expect(page.locator(".messages .alert-success")).to_contain_text("需求确认")
    needs = page.locator(f".board-cards[data-stage='{stages['needs'].pk}']")
    expect(needs.locator(f"#card-{deal.pk}")).to_be_visible()
    screenshot(page, "pipeline-06-phone-moved")
    assert Opportunity.objects.get(pk=deal.pk).stage == stages["needs"]

    # A skip from the menu is refused with the reason, and nothing moves.
    card = page.locator(f"#card-{deal.pk}")
    card.locator(".card-menu-toggle").tap()
    with page.expect_navigation():
        card.locator(f".card-move-form button[value='{stages['negotiation'].pk}']").tap()
    expect(page.locator(".messages .alert-danger")).to_contain_text("请先申请主管批准")
    screenshot(page, "pipeline-07-phone-refused")
    assert Opportunity.objects.get(pk=deal.pk).stage == stages["needs"]

    # The opportunity page and the list fit the phone.
    page.goto(f"{live_server.url}/opportunities/{deal.pk}/")
    expect(page.locator("#current-stage")).to_contain_text("需求确认")
    expect(page.locator("#stage-history")).to_contain_text("初步接触 → 需求确认")
    _assert_fits_the_phone(page)
    screenshot(page, "pipeline-08-phone-opportunity")
    page.goto(f"{live_server.url}/opportunities/")
    expect(page.locator(f"#opportunity-{deal.pk}")).to_be_visible()
    _assert_fits_the_phone(page)
    screenshot(page, "pipeline-09-phone-list")


def _assert_fits_the_phone(page):
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "sideways scrolling"


def test_rep_opens_an_opportunity_from_the_customer_page(
    page, live_server, login, rep, password, deals, stages, screenshot
):
    customer = deals[0].customer
    login(page, live_server, rep, password)
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    section = page.locator("#section-opportunities")
    expect(section).to_contain_text("MES 系统二期")
    with page.expect_navigation():
        section.locator("#new-opportunity").click()
    expect(page.locator("h1")).to_contain_text(customer.name)
    page.locator("#id_expected_amount").fill("12.345")
    with page.expect_navigation():
        page.locator("#save-opportunity").click()
    expect(page.locator("#opportunity-form")).to_contain_text("请填写商机名称")
    screenshot(page, "pipeline-10-form-errors")
    page.locator("#id_name").fill("视觉检测设备")
    page.locator("#id_expected_amount").fill("88000")
    page.locator("#id_expected_close_date").fill(deals[0].expected_close_date.isoformat())
    with page.expect_navigation():
        page.locator("#save-opportunity").click()
    expect(page.locator("#current-stage")).to_contain_text("初步接触")
    screenshot(page, "pipeline-11-created")
    assert Opportunity.objects.get(name="视觉检测设备").customer == customer


def test_admin_cannot_delete_a_stage_that_holds_opportunities(
    page, live_server, login, admin_user, password, deals, stages, screenshot
):
    login(page, live_server, admin_user, password)
    page.goto(f"{live_server.url}/opportunities/stages/")
    with page.expect_navigation():
        page.locator(f"#delete-stage-{stages['initial'].pk}").click()
    expect(page.locator(".messages .alert-danger")).to_contain_text("初步接触")
    screenshot(page, "pipeline-12-stage-settings")
    assert stages["initial"].opportunities.count() == 2
