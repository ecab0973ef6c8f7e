"""Quote versions, their immutability, the review by the owner's manager, the director's
discount approval, and the customer's answer."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied

from opportunities import selectors
from opportunities.errors import InvalidInput, OpportunityError
from opportunities.models import Opportunity, Quote, QuoteReview
from opportunities.services import quotes as services
from teams.models import Role
from tests.factories import OpportunityFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def opportunity(customer):
    return OpportunityFactory(customer=customer, proposal=True)


@pytest.fixture
def products(stages):
    return {
        "licence": ProductFactory(code="LIC", list_price=D("1130.00"), unit_cost=D("400.00")),
        "service": ProductFactory(code="SVC", service=True, unit_cost=D("5000.00")),
        "old": ProductFactory(code="OLD", inactive=True),
    }


def draft(opportunity, rep, products, **header):
    quote = services.quote_create(opportunity=opportunity, by=rep, **header)
    return services.quote_update(
        quote=quote,
        by=rep,
        lines=[
            {"product": products["licence"], "quantity": "10"},
            {"product": products["service"], "quantity": "1", "discount_percent": "10"},
            {"description": "上门培训", "unit": "次", "quantity": "2", "unit_price": "3000.00"},
        ],
    )


def test_a_three_line_draft_takes_catalogue_defaults_and_stores_its_totals(
    opportunity, rep, products
):
    quote = draft(opportunity, rep, products)
    lines = list(quote.lines.all())
    assert [line.description for line in lines] == [
        products["licence"].name,
        products["service"].name,
        "上门培训",
    ]
    assert [line.vat_rate for line in lines] == ["13", "6", "13"]
    # 10 × 1,130 = 11,300.00; 10,600 × 90% = 9,540.00; 2 × 3,000 = 6,000.00
    assert [line.line_total for line in lines] == [D("11300.00"), D("9540.00"), D("6000.00")]
    # 11,300 / 1.13 = 10,000.00; 9,540 / 1.06 = 9,000.00; 6,000 / 1.13 = 5,309.73
    assert quote.amount_before_tax == D("24309.73")
    assert quote.total_amount == D("26840.00")
    assert quote.tax_amount == D("2530.27")
    # cost 10 × 400 + 5,000 + 0 = 9,000.00
    assert (quote.cost_amount, quote.margin_amount) == (D("9000.00"), D("15309.73"))
    assert quote.version == 1 and quote.status == Quote.Status.DRAFT


def test_a_revision_copies_the_last_version_and_older_ones_become_read_only(
    opportunity, rep, manager, products
):
    v1 = draft(opportunity, rep, products, implementation_period="45 天")
    services.quote_submit(quote=v1, by=rep)
    with pytest.raises(OpportunityError, match="read-only"):
        services.quote_update(quote=v1, by=rep, name="改名")

    v2 = services.quote_create(opportunity=opportunity, by=rep)
    v1.refresh_from_db()
    assert (v2.version, v2.status, v1.status) == (2, "draft", "superseded")
    assert v2.implementation_period == "45 天"
    assert [(line.description, line.line_total) for line in v2.lines.all()] == [
        (line.description, line.line_total) for line in v1.lines.all()
    ]
    assert v2.total_amount == v1.total_amount

    with pytest.raises(OpportunityError, match="read-only"):
        services.quote_update(quote=v1, by=rep, lines=[])
    with pytest.raises(OpportunityError, match="still a draft"):
        services.quote_create(opportunity=opportunity, by=rep)
    v1_lines = list(v1.lines.values_list("quantity", flat=True))
    v2 = services.quote_update(
        quote=v2, by=rep, lines=[{"product": products["licence"], "quantity": 1}]
    )
    assert list(v1.lines.values_list("quantity", flat=True)) == v1_lines

    comparison = selectors.quote_comparison(old=v1, new=v2)
    kinds = sorted(change.kind for change in comparison.lines)
    assert kinds == ["changed", "removed", "removed"]
    assert {"quantity"} == set(next(c for c in comparison.lines if c.kind == "changed").changed)
    assert [change.field for change in comparison.totals] == [
        "total_amount",
        "amount_before_tax",
        "tax_amount",
    ]


def test_a_sent_version_cannot_change(opportunity, rep, manager, products):
    quote = draft(opportunity, rep, products)
    services.quote_submit(quote=quote, by=rep)
    services.quote_review_decide(quote=quote, by=manager, approve=True)
    services.quote_mark_sent(quote=quote, by=rep)
    before = (quote.total_amount, list(quote.lines.values_list("pk", flat=True)))
    with pytest.raises(OpportunityError, match="read-only"):
        services.quote_update(quote=quote, by=rep, lines=[{"description": "x", "quantity": 1}])
    quote.refresh_from_db()
    assert (quote.total_amount, list(quote.lines.values_list("pk", flat=True))) == before


def test_review_approve_send_accept_and_win(opportunity, rep, manager, products):
    quote = draft(opportunity, rep, products)
    with pytest.raises(OpportunityError, match="Only an approved version is sent"):
        services.quote_mark_sent(quote=quote, by=rep)
    services.quote_submit(quote=quote, by=rep)
    opportunity.refresh_from_db()
    assert opportunity.solution_submitted_at is not None

    services.quote_review_decide(quote=quote, by=manager, approve=True, comment="可以")
    with pytest.raises(OpportunityError, match="Only a version sent"):
        services.quote_mark_accepted(quote=quote, by=rep)
    services.quote_mark_sent(quote=quote, by=rep)
    services.quote_mark_accepted(quote=quote, by=rep)
    quote.refresh_from_db()
    assert quote.status == Quote.Status.ACCEPTED
    assert [c.to_status for c in quote.status_changes.order_by("at", "pk")] == [
        "draft",
        "in_review",
        "approved",
        "sent",
        "accepted",
    ]
    review = quote.reviews.get()
    assert (review.step, review.decision, review.by) == ("manager", "approved", manager)


def test_a_rejection_needs_a_comment_and_is_final_for_the_version(
    opportunity, rep, manager, products
):
    quote = draft(opportunity, rep, products)
    services.quote_submit(quote=quote, by=rep)
    with pytest.raises(InvalidInput):
        services.quote_review_decide(quote=quote, by=manager, approve=False)
    services.quote_review_decide(quote=quote, by=manager, approve=False, comment="折扣太大")
    with pytest.raises(OpportunityError, match="already decided: Rejected by"):
        services.quote_review_decide(quote=quote, by=manager, approve=True)
    quote.refresh_from_db()
    assert quote.status == Quote.Status.REJECTED
    assert quote.reviews.count() == 1


def test_the_reviewer_is_the_owners_team_manager_never_the_owner(org, opportunity, rep, products):
    """team_a's manager reviews; with none, the manager of the region above; a manager's own
    quote goes up too; anyone else is refused."""
    east_boss = UserFactory(username="east_boss", role=Role.SALES_MANAGER, team=org["east"])
    org["east"].manager = east_boss
    org["east"].save()
    quote = draft(opportunity, rep, products)
    services.quote_submit(quote=quote, by=rep)
    with pytest.raises(PermissionDenied):  # the owner themself
        services.quote_review_decide(quote=quote, by=rep, approve=True)
    director = UserFactory(username="director2", role=Role.DIRECTOR, team=org["company"])
    with pytest.raises(PermissionDenied):  # sees it, but it is not theirs to review
        services.quote_review_decide(quote=quote, by=director, approve=True)
    # team_a has no manager (the fixture `manager` is not used here): the region's decides
    services.quote_review_decide(quote=quote, by=east_boss, approve=True)
    quote.refresh_from_db()
    assert quote.status == Quote.Status.APPROVED


def test_a_managers_own_quote_is_reviewed_by_the_next_manager_up(org, manager, stages, products):
    from tests.factories import CustomerFactory

    own = OpportunityFactory(customer=CustomerFactory(owner=manager), proposal=True)
    quote = draft(own, manager, products)
    with pytest.raises(OpportunityError, match="Nobody can review"):
        services.quote_submit(quote=quote, by=manager)
    east_boss = UserFactory(username="east_boss", role=Role.SALES_MANAGER, team=org["east"])
    org["east"].manager = east_boss
    org["east"].save()
    services.quote_submit(quote=quote, by=manager)
    with pytest.raises(PermissionDenied):
        services.quote_review_decide(quote=quote, by=manager, approve=True)
    services.quote_review_decide(quote=quote, by=east_boss, approve=True)


def test_a_discount_beyond_the_limit_needs_the_director_too(
    opportunity, rep, manager, director, products
):
    quote = services.quote_create(opportunity=opportunity, by=rep)
    services.quote_update(
        quote=quote,
        by=rep,
        lines=[{"product": products["licence"], "quantity": "1", "discount_percent": "25"}],
    )
    services.quote_submit(quote=quote, by=rep)
    quote.refresh_from_db()
    assert quote.needs_director  # 25 % > the default limit of 20 %

    with pytest.raises(OpportunityError, match="not waiting for this decision"):
        services.quote_director_decide(quote=quote, by=director, approve=True)  # manager first
    services.quote_review_decide(quote=quote, by=manager, approve=True)
    quote.refresh_from_db()
    assert quote.status == Quote.Status.DIRECTOR_REVIEW
    with pytest.raises(OpportunityError, match="Only an approved version"):
        services.quote_mark_sent(quote=quote, by=rep)
    with pytest.raises(PermissionDenied):
        services.quote_director_decide(quote=quote, by=manager, approve=True)
    services.quote_director_decide(quote=quote, by=director, approve=True, comment="战略客户")
    quote.refresh_from_db()
    assert quote.status == Quote.Status.APPROVED
    assert list(quote.reviews.values_list("step", "decision")) == [
        (QuoteReview.Step.MANAGER, "approved"),
        (QuoteReview.Step.DIRECTOR, "approved"),
    ]


def test_inactive_products_stay_on_copies_but_are_not_added(opportunity, rep, manager, products):
    quote = services.quote_create(opportunity=opportunity, by=rep)
    with pytest.raises(InvalidInput, match="no longer sold"):
        services.quote_update(
            quote=quote, by=rep, lines=[{"product": products["old"], "quantity": 1}]
        )
    assert quote.lines.count() == 0

    products["old"].is_active = True
    products["old"].save()
    services.quote_update(quote=quote, by=rep, lines=[{"product": products["old"], "quantity": 1}])
    products["old"].is_active = False
    products["old"].save()
    # the line stays through later saves of the draft and into the next version
    services.quote_update(quote=quote, by=rep, lines=[{"product": products["old"], "quantity": 2}])
    services.quote_submit(quote=quote, by=rep)
    v2 = services.quote_create(opportunity=opportunity, by=rep)
    assert v2.lines.get().product == products["old"]


def test_a_closed_opportunitys_quotes_stay_as_they_are(customer, rep, stages, products):
    closed = OpportunityFactory(customer=customer, lost=True)
    with pytest.raises(OpportunityError, match="closed"):
        services.quote_create(opportunity=closed, by=rep)
    assert not Opportunity.objects.get(pk=closed.pk).quotes.exists()


def test_another_reps_quote_is_not_theirs(opportunity, rep, other_rep, products):
    quote = draft(opportunity, rep, products)
    with pytest.raises(PermissionDenied):
        services.quote_update(quote=quote, by=other_rep, name="x")
    with pytest.raises(PermissionDenied):
        services.quote_create(opportunity=opportunity, by=other_rep)
