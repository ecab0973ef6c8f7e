"""Who reaches which pipeline page: each role × list, board, opportunity page, edit, move,
quote, quote edit, forecast and the stage settings → 200 / 404 / 403, and the pages' query
counts (the same at 1 and at 50 rows).

A rep sees their own opportunities, a manager the team's subtree, director, general manager
and admin all of them; legal, delivery and after-sales have no pipeline (403) and no
opportunity page (404). The general manager reads and changes nothing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opportunities.models import StageChange
from tests.conftest import ROLE_FIXTURES
from tests.factories import (
    CompetitorFactory,
    CustomerFactory,
    OpportunityFactory,
    QuoteFactory,
    SkipRequestFactory,
)

pytestmark = pytest.mark.django_db

LIST_URL = reverse("opportunities:opportunity-list")
BOARD_URL = reverse("opportunities:opportunity-board")
SETTINGS_URL = reverse("opportunities:stage-settings")

# role → (list, board, detail, edit, move, quote, quote edit, forecast) for `rep`'s
# opportunity and its draft quote
MATRIX = {
    "rep": (200, 200, 200, 200, 302, 200, 200, 200),
    "other_rep": (200, 200, 404, 404, 404, 404, 404, 200),
    "manager": (200, 200, 200, 200, 302, 200, 200, 200),
    "legal": (403, 403, 404, 404, 404, 403, 403, 403),
    "general_manager": (200, 200, 200, 403, 403, 200, 403, 200),
    "director": (200, 200, 200, 200, 302, 200, 200, 200),
    "delivery": (403, 403, 404, 404, 404, 403, 403, 403),
    "aftersales": (403, 403, 404, 404, 404, 403, 403, 403),
    "admin_user": (200, 200, 200, 200, 302, 200, 200, 200),
}


@pytest.mark.parametrize("role_fixture", [*ROLE_FIXTURES, "other_rep"])
def test_each_role_on_each_page(request, client, customer, stages, role_fixture):
    opportunity = OpportunityFactory(customer=customer)
    quote = QuoteFactory(opportunity=opportunity, lines=1)
    viewer = request.getfixturevalue(role_fixture)
    client.force_login(viewer)
    pk = opportunity.pk
    got = (
        client.get(LIST_URL).status_code,
        client.get(BOARD_URL).status_code,
        client.get(reverse("opportunities:opportunity-detail", args=[pk])).status_code,
        client.get(reverse("opportunities:opportunity-update", args=[pk])).status_code,
        client.post(
            reverse("opportunities:opportunity-move", args=[pk]), {"to_stage": stages["needs"].pk}
        ).status_code,
        client.get(reverse("opportunities:quote-detail", args=[quote.pk])).status_code,
        client.get(reverse("opportunities:quote-update", args=[quote.pk])).status_code,
        client.get(reverse("opportunities:forecast")).status_code,
    )
    assert got == MATRIX[role_fixture]
    opportunity.refresh_from_db()
    moved = MATRIX[role_fixture][4] == 302
    assert opportunity.stage == (stages["needs"] if moved else stages["initial"])


@pytest.mark.parametrize("role_fixture", ROLE_FIXTURES)
def test_only_admins_set_up_the_stages(request, client, stages, role_fixture):
    client.force_login(request.getfixturevalue(role_fixture))
    expected = 200 if role_fixture == "admin_user" else 403
    assert client.get(SETTINGS_URL).status_code == expected
    assert client.post(SETTINGS_URL, {"action": "reason_create", "name": "x"}).status_code in (
        302 if expected == 200 else 403,
    )


def test_lists_show_only_what_the_user_sees(client, rep, other_rep, manager, customer, stages):
    mine = OpportunityFactory(customer=customer)
    theirs = OpportunityFactory(customer=CustomerFactory(owner=other_rep))
    client.force_login(rep)
    assert list(client.get(LIST_URL).context["opportunities"]) == [mine]
    board = client.get(BOARD_URL).context["columns"]
    assert [card for entry in board for card in entry["cards"]] == [mine]
    client.force_login(manager)
    assert theirs not in client.get(LIST_URL).context["opportunities"]


def test_another_reps_competitor_and_skip_request_are_404(client, rep, other_rep, stages):
    theirs = OpportunityFactory(customer=CustomerFactory(owner=other_rep), needs=True)
    competitor = CompetitorFactory(opportunity=theirs)
    skip = SkipRequestFactory(opportunity=theirs)
    client.force_login(rep)
    for url in (
        reverse("opportunities:competitor-update", args=[competitor.pk]),
        reverse("opportunities:competitor-remove", args=[competitor.pk]),
        reverse("opportunities:skip-decide", args=[skip.pk]),
        reverse("opportunities:skip-request", args=[theirs.pk]),
        reverse("opportunities:competitor-add", args=[theirs.pk]),
    ):
        assert client.post(url, {"name": "x", "decision": "approve"}).status_code == 404


def test_a_rep_cannot_decide_a_skip_request(client, rep, manager, customer, stages):
    skip = SkipRequestFactory(opportunity=OpportunityFactory(customer=customer, needs=True))
    client.force_login(rep)
    url = reverse("opportunities:skip-decide", args=[skip.pk])
    assert client.post(url, {"decision": "approve"}).status_code == 403


# --- query counts --------------------------------------------------------------------------


def _count(client, url):
    client.get(url)  # warm the caches (content types, the session)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response


@pytest.mark.parametrize("role_fixture", ["rep", "manager", "director"])
def test_list_and_board_queries_are_constant(request, client, customer, stages, role_fixture):
    OpportunityFactory(customer=customer)
    client.force_login(request.getfixturevalue(role_fixture))
    one_list, _ = _count(client, LIST_URL + "?o=-amount&stage=" + str(stages["initial"].pk))
    one_board, _ = _count(client, BOARD_URL)
    for i in range(49):
        trait = ["needs", "proposal", "negotiation"][i % 3] if i < 24 else None
        OpportunityFactory(customer=customer, **({trait: True} if trait else {}))
    fifty_list, response = _count(
        client, LIST_URL + "?o=-amount&stage=" + str(stages["initial"].pk)
    )
    assert len(response.context["opportunities"]) == 25
    fifty_board, response = _count(client, BOARD_URL)
    initial = next(e for e in response.context["columns"] if e["column"].stage == stages["initial"])
    assert initial["column"].count == 26 and len(initial["cards"]) == 20
    assert (fifty_list, fifty_board) == (one_list, one_board)
    assert one_list <= 15 and one_board <= 15


@pytest.mark.parametrize("role_fixture", ["rep", "manager"])
def test_detail_queries_are_constant(request, client, customer, stages, role_fixture):
    opportunity = OpportunityFactory(customer=customer, needs=True)
    url = reverse("opportunities:opportunity-detail", args=[opportunity.pk])

    def grow(n):
        for _ in range(n):
            CompetitorFactory(opportunity=opportunity)
            QuoteFactory(opportunity=opportunity, lines=0)
            StageChange.objects.create(
                opportunity=opportunity,
                kind=StageChange.Kind.FORWARD,
                from_stage=stages["initial"],
                to_stage=stages["needs"],
                days_in_previous=2,
            )

    grow(1)
    SkipRequestFactory(opportunity=opportunity, to_stage=stages["negotiation"])
    client.force_login(request.getfixturevalue(role_fixture))
    one, _ = _count(client, url)
    grow(49)
    fifty, response = _count(client, url)
    assert len(response.context["quotes"]) == 50 and len(response.context["history"]) == 50
    assert fifty == one
    assert one <= 30
