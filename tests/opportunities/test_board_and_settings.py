"""The kanban's columns and "more", and the admin's stage settings page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from opportunities.models import LostReason, Stage, StageRequirement
from tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db

BOARD_URL = reverse("opportunities:opportunity-board")
SETTINGS_URL = reverse("opportunities:stage-settings")


def test_columns_total_every_matching_opportunity_and_render_twenty(client, rep, customer, stages):
    for _ in range(23):
        OpportunityFactory(customer=customer, expected_amount=Decimal("1000.01"), probability=15)
    OpportunityFactory(customer=customer, needs=True, expected_amount=Decimal("0.05"))
    client.force_login(rep)
    response = client.get(BOARD_URL)
    columns = {e["column"].stage.code: e for e in response.context["columns"]}
    initial = columns["initial"]
    assert initial["column"].count == 23 and len(initial["cards"]) == 20
    assert initial["column"].amount == Decimal("23000.23")
    # 23 × 1000.01 × 15% = 3450.0345 → rounded once: 3450.03
    assert initial["column"].weighted == Decimal("3450.03")
    assert columns["needs"]["column"].count == 1
    page = response.content.decode()
    more = reverse("opportunities:board-column", args=[stages["initial"].pk])
    assert f'hx-get="{more}?offset=20' in page

    rest = client.get(more, {"offset": "20"})
    assert len(rest.context["cards"]) == 3 and rest.context["next_offset"] is None


def test_the_board_takes_the_lists_filters(client, rep, customer, stages):
    OpportunityFactory(customer=customer, expected_amount=Decimal("10.00"))
    big = OpportunityFactory(customer=customer, expected_amount=Decimal("99999.00"))
    client.force_login(rep)
    response = client.get(BOARD_URL, {"amount_min": "1000"})
    cards = [card for e in response.context["columns"] for card in e["cards"]]
    assert cards == [big]
    more = reverse("opportunities:board-column", args=[stages["initial"].pk])
    assert client.get(more, {"offset": "0", "amount_min": "1000"}).context["cards"] == [big]


def test_admin_edits_a_stage_and_its_checklist(client, admin_user, stages):
    client.force_login(admin_user)
    needs = stages["needs"]
    client.post(
        SETTINGS_URL,
        {
            "action": "stage_update",
            "stage": needs.pk,
            "name": "需求确认 ",
            "default_probability": 35,
        },
    )
    needs.refresh_from_db()
    assert needs.default_probability == 35
    client.post(
        SETTINGS_URL,
        {"action": "requirement_add", "stage": needs.pk, "kind": "custom", "text": "预算已确认"},
    )
    item = needs.requirements.get(kind=StageRequirement.Kind.CUSTOM)
    assert item.text == "预算已确认"
    client.post(SETTINGS_URL, {"action": "requirement_remove", "requirement": item.pk})
    assert not needs.requirements.filter(kind=StageRequirement.Kind.CUSTOM).exists()


def test_admin_adds_moves_and_deletes_a_stage(client, admin_user, stages):
    client.force_login(admin_user)
    client.post(
        SETTINGS_URL, {"action": "stage_create", "name": "技术交流", "default_probability": 20}
    )
    new = Stage.objects.get(name="技术交流")
    client.post(SETTINGS_URL, {"action": "stage_up", "stage": new.pk})
    assert list(Stage.objects.open()).index(Stage.objects.get(pk=new.pk)) == 3
    response = client.post(SETTINGS_URL, {"action": "stage_delete", "stage": new.pk}, follow=True)
    assert "deleted" in response.content.decode()
    assert not Stage.objects.filter(pk=new.pk).exists()


def test_deleting_a_stage_with_opportunities_is_refused_with_the_message(
    client, admin_user, customer, stages
):
    OpportunityFactory(customer=customer, needs=True)
    client.force_login(admin_user)
    response = client.post(
        SETTINGS_URL, {"action": "stage_delete", "stage": stages["needs"].pk}, follow=True
    )
    assert "“需求确认” holds 1 opportunity and cannot be deleted" in response.content.decode()
    assert Stage.objects.filter(pk=stages["needs"].pk).exists()


def test_bad_input_on_the_settings_page_changes_nothing(client, admin_user, stages):
    client.force_login(admin_user)
    response = client.post(
        SETTINGS_URL,
        {
            "action": "stage_update",
            "stage": stages["needs"].pk,
            "name": "",
            "default_probability": 140,
        },
        follow=True,
    )
    assert response.status_code == 200
    assert Stage.objects.get(pk=stages["needs"].pk).default_probability == 30
    before = LostReason.objects.count()
    client.post(SETTINGS_URL, {"action": "reason_create", "name": "价格"})
    assert LostReason.objects.count() == before
    client.post(
        SETTINGS_URL, {"action": "reason_create", "name": "预算冻结", "needs_competitor": "on"}
    )
    assert LostReason.objects.get(name="预算冻结").needs_competitor
