"""The quote pages (template 3): who sees and does what (200/404/403), the editor with its
bad input, the costs only managers see (never on the print view), the review through to the
customer's answer, versions and their comparison, and pinned query counts."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opportunities.models import Quote, QuoteReview
from tests.factories import OpportunityFactory, ProductFactory, QuoteFactory, QuoteLineFactory

pytestmark = pytest.mark.django_db


def url(name, quote):
    return reverse(f"opportunities:{name}", args=[quote.pk])


@pytest.fixture
def opportunity(customer, rep):
    return OpportunityFactory(customer=customer, owner=rep, proposal=True)


@pytest.fixture
def draft(opportunity):
    return QuoteFactory(opportunity=opportunity)


@pytest.fixture
def product(db):
    return ProductFactory(
        code="CRM-STD", name="CRM 标准版", list_price=Decimal("1130.00"), unit_cost=Decimal("400")
    )


def line_data(**lines):
    """POST data of the editor: the header plus `lines` {index: {field: value}}."""
    data = {
        "name": "华东精密 CRM 方案",
        "implementation_period": "45 天",
        "valid_until": "",
        "value_added_services": "免费培训两次",
        "highlights": "本地化部署",
        "lines-TOTAL_FORMS": str(max((int(i) for i in lines), default=-1) + 1),
        "lines-INITIAL_FORMS": "0",
    }
    for index, fields in lines.items():
        for field, value in fields.items():
            data[f"lines-{index}-{field}"] = value
        data.setdefault(f"lines-{index}-vat_rate", "13")
    return data


# --- who sees what ---------------------------------------------------------------------------

PAGES = ["quote-detail", "quote-print", "quote-update"]
# role: (detail and print, editor)
EXPECTED = {
    "rep": (200, 200),
    "manager": (200, 200),
    "director": (200, 200),
    "admin_user": (200, 200),
    "general_manager": (200, 403),  # reads everything, changes nothing
    "other_rep": (404, 404),
    "legal": (403, 403),
    "delivery": (403, 403),
    "aftersales": (403, 403),
}


@pytest.mark.parametrize("role", EXPECTED)
def test_quote_pages_per_role(request, client, draft, role):
    client.force_login(request.getfixturevalue(role))
    read, edit = EXPECTED[role]
    assert client.get(url("quote-detail", draft)).status_code == read
    assert client.get(url("quote-print", draft)).status_code == read
    assert client.get(url("quote-update", draft)).status_code == edit
    create = reverse("opportunities:quote-create", args=[draft.opportunity_id])
    assert client.get(create).status_code == read


def test_compare_needs_a_visible_quote(client, rep, other_rep, opportunity):
    QuoteFactory(opportunity=opportunity, approved=True)
    second = QuoteFactory(opportunity=opportunity)
    client.force_login(rep)
    assert client.get(url("quote-compare", second)).status_code == 200
    client.force_login(other_rep)
    assert client.get(url("quote-compare", second)).status_code == 404


@pytest.mark.parametrize(
    "action", ["quote-review", "quote-director", "quote-submit", "quote-sent", "quote-revise"]
)
def test_another_reps_quote_is_404_for_every_action(client, other_rep, draft, action):
    client.force_login(other_rep)
    assert client.post(url(action, draft), {"approve": "1"}).status_code == 404


def test_a_rep_cannot_decide_a_review(client, rep, opportunity):
    quote = QuoteFactory(opportunity=opportunity, in_review=True)
    client.force_login(rep)
    assert client.post(url("quote-review", quote), {"approve": "1"}).status_code == 403
    assert client.post(url("quote-director", quote), {"approve": "1"}).status_code == 403
    quote.refresh_from_db()
    assert quote.status == Quote.Status.IN_REVIEW


# --- the editor --------------------------------------------------------------------------------


def test_rep_builds_three_lines_priced_by_the_service(client, rep, draft, product):
    client.force_login(rep)
    data = line_data(
        **{
            "0": {"product": product.pk, "quantity": "2"},  # the list price by default
            "1": {
                "product": product.pk,
                "quantity": "1",
                "unit_price": "1000",
                "discount_percent": "10",
            },
            "2": {
                "description": "实施服务",
                "unit": "人天",
                "quantity": "3",
                "unit_price": "1060",
                "vat_rate": "6",
            },
        }
    )
    response = client.post(url("quote-update", draft), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    lines = list(draft.lines.order_by("position"))
    assert [line.line_total for line in lines] == [
        Decimal("2260.00"),
        Decimal("900.00"),
        Decimal("3180.00"),
    ]
    assert draft.total_amount == Decimal("6340.00")
    assert draft.amount_before_tax == Decimal("2000.00") + Decimal("796.46") + Decimal("3000.00")
    assert lines[0].unit_cost == Decimal("400.00")  # from the product: the rep sent none


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"quantity": "-1"}, "The quantity must be more than 0."),
        ({"quantity": "1", "discount_percent": "150"}, "A discount is between 0% and 100%"),
        ({"quantity": "1", "unit_price": "10.123"}, "more than two decimals"),
        ({"quantity": ""}, "quantity is required"),
    ],
)
def test_bad_lines_get_a_clear_message_and_change_nothing(
    client, rep, draft, product, fields, message
):
    before = list(draft.lines.values_list("pk", "line_total"))
    client.force_login(rep)
    response = client.post(
        url("quote-update", draft), line_data(**{"0": {"product": product.pk, **fields}})
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert list(draft.lines.values_list("pk", "line_total")) == before


def test_inactive_products_are_not_offered_nor_accepted(client, rep, draft):
    retired = ProductFactory(code="OLD-1", name="旧版授权", inactive=True)
    client.force_login(rep)
    page = client.get(url("quote-update", draft)).content.decode()
    assert "OLD-1" not in page
    response = client.post(
        url("quote-update", draft), line_data(**{"0": {"product": retired.pk, "quantity": "1"}})
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_a_past_validity_date_is_refused(client, rep, draft, product):
    client.force_login(rep)
    data = line_data(**{"0": {"product": product.pk, "quantity": "1"}})
    data["valid_until"] = "2020-01-01"
    response = client.post(url("quote-update", draft), data)
    assert "valid only until a day already past" in response.content.decode()


def test_line_rows_from_htmx(client, rep, product):
    client.force_login(rep)
    row = reverse("opportunities:quote-line")
    added = client.get(row, {"add": "1", "lines-TOTAL_FORMS": "3"}).content.decode()
    assert 'name="lines-3-quantity"' in added and 'value="4"' in added
    chosen = client.get(row, {"index": "1", "lines-1-product": product.pk, "lines-1-quantity": "5"})
    page = chosen.content.decode()
    assert 'value="1130.00"' in page and 'value="5"' in page and "CRM 标准版" in page
    assert client.get(row, {"remove": "1"}).content.strip() == b""


def test_an_approved_version_is_read_only(client, rep, opportunity):
    quote = QuoteFactory(opportunity=opportunity, approved=True)
    client.force_login(rep)
    response = client.get(url("quote-update", quote))
    assert response.status_code == 302 and response.url == url("quote-detail", quote)
    assert client.post(url("quote-update", quote), line_data()).status_code == 302
    quote.refresh_from_db()
    assert quote.status == Quote.Status.APPROVED


# --- costs ---------------------------------------------------------------------------------------


def test_costs_and_margin_are_for_managers_only_and_never_printed(client, rep, manager, draft):
    line = draft.lines.get()
    cost = f"{line.unit_cost:,.2f}"
    client.force_login(rep)
    detail = client.get(url("quote-detail", draft)).content.decode()
    editor = client.get(url("quote-update", draft)).content.decode()
    assert "Gross margin" not in detail and cost not in detail
    assert "unit_cost" not in editor
    client.force_login(manager)
    detail = client.get(url("quote-detail", draft)).content.decode()
    assert "Gross margin" in detail and cost in detail
    assert "unit_cost" in client.get(url("quote-update", draft)).content.decode()
    printed = client.get(url("quote-print", draft)).content.decode()
    assert cost not in printed and "margin" not in printed.lower()


# --- review through to the customer ------------------------------------------------------------


def test_submit_review_send_accept(client, rep, manager, draft):
    client.force_login(rep)
    client.post(url("quote-submit", draft))
    draft.refresh_from_db()
    assert draft.status == Quote.Status.IN_REVIEW
    client.force_login(manager)
    response = client.post(url("quote-review", draft), {"approve": "0", "comment": ""}, follow=True)
    assert "Say why the quote is rejected." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Quote.Status.IN_REVIEW
    client.post(url("quote-review", draft), {"approve": "1"})
    draft.refresh_from_db()
    assert draft.status == Quote.Status.APPROVED
    again = client.post(url("quote-review", draft), {"approve": "1"}, follow=True)
    assert "already decided" in again.content.decode()
    client.force_login(rep)
    client.post(url("quote-sent", draft))
    client.post(url("quote-accepted", draft))
    draft.refresh_from_db()
    assert draft.status == Quote.Status.ACCEPTED


def test_only_an_approved_version_is_sent(client, rep, draft):
    client.force_login(rep)
    response = client.post(url("quote-sent", draft), follow=True)
    assert "Only an approved version is sent" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Quote.Status.DRAFT


def test_a_discount_beyond_the_limit_goes_to_the_director(client, manager, director, opportunity):
    quote = QuoteFactory(opportunity=opportunity, in_review=True, lines=0)
    QuoteLineFactory(quote=quote, discount_percent=Decimal("35"))
    Quote.objects.filter(pk=quote.pk).update(needs_director=True)
    client.force_login(manager)
    client.post(url("quote-review", quote), {"approve": "1"})
    quote.refresh_from_db()
    assert quote.status == Quote.Status.DIRECTOR_REVIEW
    assert client.post(url("quote-director", quote), {"approve": "1"}).status_code == 403
    client.force_login(director)
    page = client.get(url("quote-detail", quote)).content.decode()
    assert 'id="quote-decision"' in page
    client.post(url("quote-director", quote), {"approve": "1"})
    quote.refresh_from_db()
    assert quote.status == Quote.Status.APPROVED
    assert quote.reviews.filter(step=QuoteReview.Step.DIRECTOR).exists()


def test_buttons_follow_the_predicates(client, rep, manager, opportunity):
    quote = QuoteFactory(opportunity=opportunity, in_review=True)
    client.force_login(rep)
    page = client.get(url("quote-detail", quote)).content.decode()
    assert 'id="quote-decision"' not in page and 'id="quote-edit"' not in page
    client.force_login(manager)
    assert 'id="quote-decision"' in client.get(url("quote-detail", quote)).content.decode()


# --- versions -----------------------------------------------------------------------------------


def test_revise_makes_v2_and_compare_highlights_the_changes(client, rep, opportunity, product):
    first = QuoteFactory(opportunity=opportunity, approved=True, lines=0)
    QuoteLineFactory(quote=first, product=product, quantity=Decimal("1"))
    client.force_login(rep)
    response = client.post(url("quote-revise", first))
    second = opportunity.quotes.get(version=2)
    assert response.url == url("quote-update", second)
    first.refresh_from_db()
    assert first.status == Quote.Status.SUPERSEDED
    data = line_data(**{"0": {"product": product.pk, "quantity": "3"}})
    client.post(url("quote-update", second), data)
    page = client.get(url("quote-compare", second)).content.decode()
    assert "compare-changed" in page and "compare-mark" in page
    assert client.get(url("quote-update", first)).status_code == 302


# --- query counts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["rep", "manager", "director"])
def test_quote_detail_query_count_is_constant(
    request, client, opportunity, role, django_assert_num_queries
):
    viewer = request.getfixturevalue(role)
    quote = QuoteFactory(opportunity=opportunity, lines=1)
    client.force_login(viewer)
    client.get(url("quote-detail", quote))
    with CaptureQueriesContext(connection) as first:
        client.get(url("quote-detail", quote))
    Quote.objects.filter(pk=quote.pk).update(status=Quote.Status.SUPERSEDED)
    for _ in range(8):
        QuoteFactory(opportunity=opportunity, rejected=True, lines=0)
    latest = QuoteFactory(opportunity=opportunity, lines=10)
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(url("quote-detail", latest))
    assert len(response.context["versions"]) == 10 and len(response.context["lines"]) == 10


def test_a_removed_row_is_skipped(client, rep, draft, product):
    """htmx removes a row from the page: the formset has a gap, and no error for it."""
    client.force_login(rep)
    data = line_data(
        **{
            "0": {"product": product.pk, "quantity": "1"},
            "2": {"description": "培训", "quantity": "1", "unit_price": "100"},
        }
    )
    data["lines-2-vat_rate"] = "6"  # row 1 was removed: nothing of it is posted
    assert client.post(url("quote-update", draft), data).status_code == 302
    assert list(draft.lines.order_by("position").values_list("description", flat=True)) == [
        "CRM 标准版",
        "培训",
    ]
