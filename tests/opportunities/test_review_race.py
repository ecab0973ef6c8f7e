"""Two people decide the same review at the same moment: one decision is recorded, the other
is told it was already decided, and the quote's status is the first one's.

Each decision runs in its own thread on its own database connection. The first pauses
inside its transaction, holding the quote's row lock, until the second is seen waiting for
that lock (pg_stat_activity on PostgreSQL, which CI runs; SQLite has no row locks and lets
one writing transaction in at a time, so there the first pauses a moment instead).
"""

from decimal import Decimal as D

import pytest

from opportunities.errors import OpportunityError
from opportunities.models import Quote, QuoteReview
from opportunities.services import quotes as services
from teams.models import Role
from tests.factories import CustomerFactory, OpportunityFactory, QuoteFactory, UserFactory
from tests.race import at_once

pytestmark = pytest.mark.django_db(transaction=True)


def decide_at_once(monkeypatch, first, second):
    """Run two decisions in two threads; the first pauses while it holds the quote's lock
    (right after `_decide`) until the second waits for it."""
    return at_once(monkeypatch, services, "_decide", first, second)


def test_the_manager_approving_and_rejecting_in_two_tabs_gives_one_decision(
    monkeypatch, rep, manager
):
    quote = QuoteFactory(
        opportunity=OpportunityFactory(customer=CustomerFactory(owner=rep), proposal=True),
        in_review=True,
    )

    first, second = decide_at_once(
        monkeypatch,
        lambda: services.quote_review_decide(quote=quote, by=manager, approve=True),
        lambda: services.quote_review_decide(
            quote=quote, by=manager, approve=False, comment="价格再议"
        ),
    )

    assert isinstance(first, Quote), first
    assert isinstance(second, OpportunityError)
    assert "already decided: Approved by" in str(second)
    quote.refresh_from_db()
    assert quote.status == Quote.Status.APPROVED
    assert list(QuoteReview.objects.filter(quote=quote).values_list("decision", flat=True)) == [
        "approved"
    ]
    assert quote.status_changes.filter(to_status__in=["approved", "rejected"]).count() == 1


def test_two_directors_deciding_one_discount_give_one_decision(monkeypatch, rep, org):
    first_director = UserFactory(username="director_1", role=Role.DIRECTOR, team=org["company"])
    second_director = UserFactory(username="director_2", role=Role.DIRECTOR, team=org["company"])
    quote = QuoteFactory(
        opportunity=OpportunityFactory(customer=CustomerFactory(owner=rep), proposal=True),
        status=Quote.Status.DIRECTOR_REVIEW,
        needs_director=True,
        lines__discount_percent=D("30.00"),
    )

    first, second = decide_at_once(
        monkeypatch,
        lambda: services.quote_director_decide(
            quote=quote, by=first_director, approve=False, comment="折扣超出授权"
        ),
        lambda: services.quote_director_decide(quote=quote, by=second_director, approve=True),
    )

    assert isinstance(first, Quote), first
    assert isinstance(second, OpportunityError)
    assert "already decided: Rejected by" in str(second)
    quote.refresh_from_db()
    assert quote.status == Quote.Status.REJECTED
    reviews = QuoteReview.objects.filter(quote=quote)
    assert list(reviews.values_list("by__username", "decision")) == [("director_1", "rejected")]
