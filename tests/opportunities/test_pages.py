"""The pipeline pages: the list, the board, the opportunity page, create and edit, and the
moves posted to the view (the rules are the service's; the page shows its message)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import CustomerShare
from opportunities.models import Opportunity, OpportunitySettings, StageChange
from tests.factories import (
    CompetitorFactory,
    CustomerFactory,
    OpportunityFactory,
    QuoteFactory,
)
from tests.factories.opportunities import lost_reason

pytestmark = pytest.mark.django_db

LIST_URL = reverse("opportunities:opportunity-list")
BOARD_URL = reverse("opportunities:opportunity-board")
CREATE_URL = reverse("opportunities:opportunity-create")


def detail(opportunity):
    return reverse("opportunities:opportunity-detail", args=[opportunity.pk])


def move_url(opportunity):
    return reverse("opportunities:opportunity-move", args=[opportunity.pk])


def form_data(**overrides):
    data = {
        "name": "MES 二期",
        "source": "referral",
        "expected_amount": "120000.00",
        "expected_close_date": (timezone.localdate() + timedelta(days=40)).isoformat(),
        "probability": "",
        "probability_note": "",
        "description": "",
        "analysis": "",
        "followup_plan": "",
        "contact": "",
    }
    data.update(overrides)
    return data


# --- the pages render --------------------------------------------------------------------


def test_list_filters_sorts_and_pages(client, rep, customer, stages):
    big = OpportunityFactory(customer=customer, expected_amount=Decimal("900000.00"), needs=True)
    small = OpportunityFactory(customer=customer, expected_amount=Decimal("1000.00"))
    client.force_login(rep)
    response = client.get(LIST_URL, {"o": "-amount"})
    assert list(response.context["opportunities"]) == [big, small]
    response = client.get(LIST_URL, {"stage": stages["needs"].pk})
    assert list(response.context["opportunities"]) == [big]
    response = client.get(LIST_URL, {"amount_min": "5000", "amount_max": "1000000"})
    assert list(response.context["opportunities"]) == [big]
    month = big.expected_close_date.strftime("%Y-%m")
    response = client.get(LIST_URL, {"close_month": month, "grade": customer.grade})
    assert set(response.context["opportunities"]) == {big, small}
    response = client.get(LIST_URL, {"amount_min": "9", "amount_max": "1"})
    assert "The largest amount is below the smallest." in response.content.decode()


def test_detail_shows_the_next_stage_checklist_and_history(client, rep, stages):
    customer = CustomerFactory(owner=rep)
    opportunity = OpportunityFactory(customer=customer)
    StageChange.objects.create(
        opportunity=opportunity, kind=StageChange.Kind.CREATED, to_stage=stages["initial"], by=rep
    )
    client.force_login(rep)
    response = client.get(detail(opportunity))
    page = response.content.decode()
    assert response.context["next_stage"] == stages["needs"]
    missing = [item.label for item in response.context["next_checklist"] if not item.met]
    assert len(missing) == 2  # no needs survey, no decision maker
    assert "A needs survey of the customer exists" in page
    assert 'id="stage-history"' in page and "Created" in page


def test_create_from_the_customer_page_preselects_the_customer(client, rep, customer):
    client.force_login(rep)
    url = f"{CREATE_URL}?customer={customer.pk}"
    response = client.get(url)
    assert response.context["form"]["customer"].value() == customer.pk
    response = client.post(url, {**form_data(), "customer": customer.pk})
    opportunity = Opportunity.objects.get(name="MES 二期")
    assert response.status_code == 302 and response.url == detail(opportunity)
    assert opportunity.owner == rep and opportunity.probability == 10


def test_create_above_the_threshold_shows_the_services_message(client, rep, customer):
    OpportunitySettings.objects.update_or_create(
        pk=1, defaults={"analysis_required_above": Decimal("100000.00")}
    )
    client.force_login(rep)
    url = f"{CREATE_URL}?customer={customer.pk}"
    response = client.post(url, {**form_data(expected_amount="200000"), "customer": customer.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["analysis"] == [
        "Required for an expected amount above 100,000.00 yuan."
    ]
    assert not Opportunity.objects.exists()


def test_create_from_the_pipeline_asks_for_a_visible_customer(client, rep, other_rep, customer):
    hidden = CustomerFactory(owner=other_rep, name="华东精密 南方")
    client.force_login(rep)
    response = client.get(CREATE_URL, {"q": "华东精密"})
    assert response.context["found"] == [customer]
    assert client.get(CREATE_URL, {"customer": hidden.pk}).status_code == 404


def test_contact_dropdown_lists_only_the_customers_contacts(client, rep, customer):
    other = CustomerFactory(owner=rep)
    client.force_login(rep)
    response = client.get(CREATE_URL, {"customer": customer.pk})
    contacts = set(response.context["form"].fields["contact"].queryset)
    assert contacts == set(customer.contacts.all())
    assert not contacts & set(other.contacts.all())


def test_edit_saves_through_the_service(client, rep, customer):
    opportunity = OpportunityFactory(customer=customer)
    client.force_login(rep)
    url = reverse("opportunities:opportunity-update", args=[opportunity.pk])
    response = client.post(url, form_data(name="改名", probability="40"))
    assert response.status_code == 200
    assert "add a note saying why" in response.context["form"].errors["probability_note"][0]
    response = client.post(url, form_data(name="改名", probability="40", probability_note="高层"))
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert (opportunity.name, opportunity.probability) == ("改名", 40)


def test_competitors_are_added_edited_and_removed(client, rep, customer):
    opportunity = OpportunityFactory(customer=customer)
    client.force_login(rep)
    add = reverse("opportunities:competitor-add", args=[opportunity.pk])
    client.post(add, {"name": "用友", "strengths": "渠道", "price_position": "lower"})
    competitor = opportunity.competitors.get()
    client.post(
        reverse("opportunities:competitor-update", args=[competitor.pk]),
        {"name": "用友网络", "strengths": "", "price_position": "higher"},
    )
    competitor.refresh_from_db()
    assert (competitor.name, competitor.price_position) == ("用友网络", "higher")
    response = client.post(add, {"name": "", "price_position": ""}, follow=True)
    assert "Name the competitor." in response.content.decode()
    client.post(reverse("opportunities:competitor-remove", args=[competitor.pk]))
    assert not opportunity.competitors.exists()


def test_manager_decides_a_skip_request_on_the_page(client, rep, manager, customer, stages):
    opportunity = OpportunityFactory(customer=customer, needs=True)
    client.force_login(rep)
    client.post(
        reverse("opportunities:skip-request", args=[opportunity.pk]),
        {"to_stage": stages["negotiation"].pk, "reason": "客户高层已拍板"},
    )
    skip = opportunity.skip_requests.get()
    client.force_login(manager)
    response = client.get(detail(opportunity))
    assert response.context["can"]["decide_skip"]
    decide = reverse("opportunities:skip-decide", args=[skip.pk])
    response = client.post(decide, {"decision": "reject", "comment": ""}, follow=True)
    assert "Say why the request is rejected." in response.content.decode()
    client.post(decide, {"decision": "approve", "comment": ""})
    skip.refresh_from_db()
    assert skip.status == skip.Status.APPROVED
    client.force_login(rep)
    assert client.post(decide, {"decision": "approve"}).status_code == 403


# --- moves posted to the view, as a table ----------------------------------------------------


def _ready_for_proposal(opportunity):
    CompetitorFactory(opportunity=opportunity)


def _accepted_quote(opportunity):
    QuoteFactory(opportunity=opportunity, accepted=True)


MOVES = [
    # (case, trait, prepare, target, extra POST, moved to, message)
    ("one step forward", "initial", None, "needs", {}, "needs", "moved to “需求确认”"),
    (
        "checklist missing",
        "needs",
        None,
        "proposal",
        {},
        "needs",
        "Before entering “方案报价”: Competitors are recorded.",
    ),
    ("checklist met", "needs", _ready_for_proposal, "proposal", {}, "proposal", "moved to"),
    (
        "skip without approval",
        "initial",
        None,
        "proposal",
        {},
        "initial",
        "ask your manager to approve the skip first",
    ),
    (
        "won without an accepted quote",
        "negotiation",
        None,
        "won",
        {},
        "negotiation",
        "An opportunity is won with a quote the customer accepted; none is yet.",
    ),
    ("won with an accepted quote", "negotiation", _accepted_quote, "won", {}, "won", "moved to"),
    (
        "lost without a reason",
        "proposal",
        None,
        "lost",
        {"lost_reason": ""},  # the lose form sent with no reason chosen
        "proposal",
        "Choose why the opportunity was lost.",
    ),
    (
        "lost from a stage menu, no reason yet",
        "proposal",
        None,
        "lost",
        {},
        "proposal",
        "the lose form is open on its page",
    ),
    ("lost with a reason", "proposal", None, "lost", {"lost_reason": "price"}, "lost", "moved to"),
    ("back one stage", "proposal", None, "needs", {}, "needs", "moved to"),
    (
        "a stage that does not exist",
        "initial",
        None,
        None,
        {"to_stage": "999999"},
        "initial",
        "This stage does not exist (any more).",
    ),
]


@pytest.mark.parametrize(
    ("trait", "prepare", "target", "extra", "moved_to", "message"),
    [case[1:] for case in MOVES],
    ids=[case[0] for case in MOVES],
)
def test_move_through_the_view(
    client, rep, customer, stages, trait, prepare, target, extra, moved_to, message
):
    opportunity = OpportunityFactory(
        customer=customer, **({trait: True} if trait != "initial" else {})
    )
    if prepare:
        prepare(opportunity)
    data = {"to_stage": stages[target].pk} if target else {}
    if extra.get("lost_reason") == "price":
        extra = {**extra, "lost_reason": lost_reason().pk}
    client.force_login(rep)
    response = client.post(move_url(opportunity), {**data, **extra}, follow=True)
    assert message in response.content.decode()
    opportunity.refresh_from_db()
    assert opportunity.stage == stages[moved_to]


def test_the_board_gets_json_and_a_409_when_refused(client, rep, customer, stages):
    opportunity = OpportunityFactory(customer=customer)
    client.force_login(rep)
    refused = client.post(
        move_url(opportunity),
        {"to_stage": stages["proposal"].pk},
        headers={"accept": "application/json"},
    )
    assert refused.status_code == 409
    assert "skips “需求确认”" in refused.json()["message"]
    moved = client.post(
        move_url(opportunity),
        {"to_stage": stages["needs"].pk},
        headers={"accept": "application/json"},
    )
    assert moved.status_code == 200 and moved.json()["ok"]


def test_a_card_dropped_on_lost_opens_the_lose_form(client, rep, customer, stages):
    opportunity = OpportunityFactory(customer=customer, proposal=True)
    client.force_login(rep)
    dropped = client.post(
        move_url(opportunity),
        {"to_stage": stages["lost"].pk},
        headers={"accept": "application/json"},
    )
    assert dropped.status_code == 409
    answer = dropped.json()
    assert not answer["ok"] and "the lose form is open" in answer["message"]
    assert answer["form_url"] == f"/opportunities/{opportunity.pk}/?lose=1#lose"
    opportunity.refresh_from_db()
    assert opportunity.stage == stages["proposal"]
    page = client.get(answer["form_url"]).content.decode()
    assert '<details class="mb-2" id="lose" open>' in page
    assert "the lose form is open on its page" in page  # the board's message, said again
    plain = client.get(f"/opportunities/{opportunity.pk}/").content.decode()
    assert '<details class="mb-2" id="lose">' in plain


def test_a_read_only_share_sees_the_opportunity_but_cannot_move_it(
    client, rep, other_rep, customer, stages
):
    opportunity = OpportunityFactory(customer=customer)
    CustomerShare.objects.create(customer=customer, user=other_rep, can_edit=False)
    client.force_login(other_rep)
    assert client.get(detail(opportunity)).status_code == 200
    assert client.post(move_url(opportunity), {"to_stage": stages["needs"].pk}).status_code == 403


def test_a_manager_reopens_a_lost_opportunity_with_a_reason(client, rep, manager, customer, stages):
    opportunity = OpportunityFactory(customer=customer, lost=True)
    client.force_login(rep)
    assert client.get(detail(opportunity)).context["reopen_form"] is None
    data = {"to_stage": stages["needs"].pk, "reason": "客户预算恢复"}
    assert client.post(move_url(opportunity), data).status_code == 403
    client.force_login(manager)
    response = client.post(move_url(opportunity), {**data, "reason": ""}, follow=True)
    assert "Say why the opportunity is reopened." in response.content.decode()
    client.post(move_url(opportunity), data)
    opportunity.refresh_from_db()
    assert (opportunity.status, opportunity.stage) == (Opportunity.Status.OPEN, stages["needs"])
    assert opportunity.stage_changes.get().reason == "客户预算恢复"


def test_a_rep_ticks_a_custom_checklist_item(client, rep, admin_user, customer, stages):
    from opportunities.services import setup

    item = setup.requirement_add(
        by=admin_user, stage=stages["needs"], kind="custom", text="预算已确认"
    )
    opportunity = OpportunityFactory(customer=customer)
    client.force_login(rep)
    tick = reverse("opportunities:checklist-tick", args=[opportunity.pk])
    client.post(tick, {"requirement": item.pk, "checked": "on"})
    assert opportunity.checks.filter(requirement=item).exists()
    items = client.get(detail(opportunity)).context["next_checklist"]
    assert next(i for i in items if i.requirement == item).met
    client.post(tick, {"requirement": item.pk})
    assert not opportunity.checks.exists()


def test_the_opportunity_page_links_its_quote_versions(client, rep, customer, stages):
    opportunity = OpportunityFactory(customer=customer, proposal=True)
    quote = QuoteFactory(opportunity=opportunity)
    client.force_login(rep)
    page = client.get(detail(opportunity)).content.decode()
    assert f'href="{reverse("opportunities:quote-detail", args=[quote.pk])}"' in page
    assert f'href="{reverse("opportunities:quote-create", args=[opportunity.pk])}"' in page
