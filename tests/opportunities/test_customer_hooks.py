"""A customer merge moves its opportunities to the kept customer; a handover moves the
departing rep's open opportunities on those customers to the receiver (the shared hooks:
customers never imports opportunities)."""

import pytest

from crm_site import hooks
from customers import selectors, services
from customers.services import CustomerError
from opportunities.hooks import move_opportunities
from opportunities.models import Opportunity
from teams.models import Role
from tests.factories import CustomerFactory, OpportunityFactory, QuoteFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_merge_moves_the_opportunities_with_their_quotes(rep, manager, stages):
    keep = CustomerFactory(owner=rep, name="华东精密")
    merge = CustomerFactory(owner=rep, name="华东精密制造")
    moving = [
        OpportunityFactory(customer=merge),
        OpportunityFactory(customer=merge, lost=True),
    ]
    quote = QuoteFactory(opportunity=moving[0], opportunity__customer=merge)
    staying = OpportunityFactory(customer=keep)

    preview = selectors.merge_preview(by=manager, keep=keep, merge=merge)
    assert ("opportunities", 2) in [(m.key, m.count) for m in preview]
    assert Opportunity.objects.filter(customer=merge).count() == 2  # a dry run moves nothing

    record = services.customer_merge(by=manager, keep=keep, merge=merge)
    assert {"key": "opportunities", "label": "opportunities", "count": 2} in record.moved
    assert set(Opportunity.objects.filter(customer=keep)) == {*moving, staying}
    quote.refresh_from_db()
    assert quote.opportunity.customer == keep


def test_without_the_hook_the_merge_refuses_and_nothing_moves(rep, manager, stages):
    keep = CustomerFactory(owner=rep)
    merge = CustomerFactory(owner=rep)
    opportunity = OpportunityFactory(customer=merge)
    with (
        hooks.unregister_temporarily(hooks.CUSTOMER_MERGE, move_opportunities),
        pytest.raises(CustomerError, match="opportunities"),
    ):
        services.customer_merge(by=manager, keep=keep, merge=merge)
    opportunity.refresh_from_db()
    assert opportunity.customer == merge


def test_a_handover_moves_the_open_opportunities_only(org, rep, manager, stages):
    receiver = UserFactory(username="receiver", role=Role.SALES_REP, team=org["team_a"])
    handed = CustomerFactory(owner=rep)
    kept = CustomerFactory(owner=rep)
    open_one = OpportunityFactory(customer=handed, proposal=True)
    won = OpportunityFactory(customer=handed, won=True)
    lost = OpportunityFactory(customer=handed, lost=True)
    elsewhere = OpportunityFactory(customer=kept)

    handover = services.customers_handover(
        by=manager, from_user=rep, to_user=receiver, customers=[handed]
    )

    assert {"key": "opportunities", "label": "open opportunities", "count": 1} in handover.moved
    for opportunity in (open_one, won, lost, elsewhere):
        opportunity.refresh_from_db()
    assert open_one.owner == receiver
    assert (won.owner, lost.owner, elsewhere.owner) == (rep, rep, rep)
    assert open_one.history.first().history_user == manager


def test_changing_a_customers_owner_moves_its_open_opportunities(org, rep, manager, stages):
    """The edit form's owner change goes through the same handover hooks."""
    receiver = UserFactory(username="receiver", role=Role.SALES_REP, team=org["team_a"])
    customer = CustomerFactory(owner=rep)
    opportunity = OpportunityFactory(customer=customer)
    services.customers_bulk_reassign(by=manager, customers=[customer], to_user=receiver)
    opportunity.refresh_from_db()
    assert opportunity.owner == receiver
