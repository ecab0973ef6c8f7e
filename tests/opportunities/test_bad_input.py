"""Bad input gets a clear message and changes nothing: quote lines, opportunity fields, the
forecast. (Bad moves are in test_moves.py, bad import files in test_catalogue.py.)"""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from opportunities.errors import InvalidInput
from opportunities.models import Opportunity
from opportunities.services import forecast, quotes
from opportunities.services import opportunities as services
from tests.factories import ContactFactory, CustomerFactory, OpportunityFactory

pytestmark = pytest.mark.django_db

GOOD_LINE = {"description": "实施服务", "unit": "人天", "quantity": "5", "unit_price": "1500.00"}

BAD_LINES = {
    "negative quantity": ({"quantity": "-1"}, "The quantity must be more than 0."),
    "zero quantity": ({"quantity": "0"}, "The quantity must be more than 0."),
    "quantity with three decimals": ({"quantity": "1.234"}, "at most two decimals"),
    "discount over 100%": ({"discount_percent": "100.01"}, "between 0% and 100%"),
    "negative discount": ({"discount_percent": "-5"}, "between 0% and 100%"),
    "price with three decimals": ({"unit_price": "10.005"}, "more than two decimals"),
    "negative price": ({"unit_price": "-10.00"}, "cannot be negative"),
    "a price that is not a number": ({"unit_price": "一千"}, "is not a number"),
    "unknown VAT rate": ({"vat_rate": "17"}, "13%, 9%, 6% or 0%"),
    "no description": ({"description": " "}, "Describe the item."),
    "no price on a free line": ({"unit_price": None}, "is required"),
}


@pytest.mark.parametrize(("change", "message"), BAD_LINES.values(), ids=BAD_LINES.keys())
def test_a_bad_quote_line_is_refused_and_the_draft_unchanged(customer, rep, change, message):
    opportunity = OpportunityFactory(customer=customer, proposal=True)
    quote = quotes.quote_create(opportunity=opportunity, by=rep)
    quote = quotes.quote_update(quote=quote, by=rep, lines=[GOOD_LINE])
    before = (quote.total_amount, list(quote.lines.values_list("pk", "quantity")))

    bad = {**GOOD_LINE, **change}
    with pytest.raises(InvalidInput) as raised:
        quotes.quote_update(quote=quote, by=rep, name="新名称", lines=[GOOD_LINE, bad])

    assert "Line 2: " in str(raised.value)
    assert message in str(raised.value)
    assert list(raised.value.errors) == ["line-2"]
    quote.refresh_from_db()
    assert (quote.total_amount, list(quote.lines.values_list("pk", "quantity"))) == before
    assert quote.name != "新名称"


def test_every_bad_line_is_named_at_once(customer, rep):
    opportunity = OpportunityFactory(customer=customer, proposal=True)
    quote = quotes.quote_create(opportunity=opportunity, by=rep)
    with pytest.raises(InvalidInput) as raised:
        quotes.quote_update(
            quote=quote,
            by=rep,
            lines=[
                {**GOOD_LINE, "quantity": "-2"},
                GOOD_LINE,
                {**GOOD_LINE, "discount_percent": "150", "unit_price": "1.999"},
            ],
        )
    assert list(raised.value.errors) == ["line-1", "line-3"]
    assert len(raised.value.errors["line-3"]) == 2


def _years_ago(years):
    return timezone.localdate() - timedelta(days=365 * years + 1)


BAD_FIELDS = {
    "close date years in the past": (
        {"expected_close_date": _years_ago(3)},
        "expected_close_date",
        "more than a year in the past",
    ),
    "close date a century ahead": (
        {"expected_close_date": timezone.localdate().replace(year=2206)},
        "expected_close_date",
        "more than ten years ahead",
    ),
    "negative amount": ({"expected_amount": "-1"}, "expected_amount", "cannot be negative"),
    "amount with three decimals": (
        {"expected_amount": "100.001"},
        "expected_amount",
        "more than two decimals",
    ),
    "probability over 100": ({"probability": 101}, "probability", "from 0 to 100"),
    "no name": ({"name": "  "}, "name", "Give the opportunity a name."),
    "a large deal without analysis": (
        {"expected_amount": "600000.00"},
        "analysis",
        "Required for an expected amount above 500,000.00 yuan.",
    ),
    "an unknown source": ({"source": "tv"}, "source", "Choose a source"),
}


@pytest.mark.parametrize(("change", "field", "message"), BAD_FIELDS.values(), ids=BAD_FIELDS.keys())
def test_a_bad_opportunity_is_not_created(customer, rep, change, field, message):
    fields = {
        "name": "ERP 二期",
        "expected_amount": "200000.00",
        "expected_close_date": timezone.localdate() + timedelta(days=90),
        **change,
    }
    with pytest.raises(InvalidInput) as raised:
        services.opportunity_create(by=rep, customer=customer, **fields)
    assert field in raised.value.errors
    assert message in " ".join(raised.value.errors[field])
    assert not Opportunity.objects.exists()


def test_a_bad_update_changes_nothing(customer, rep):
    opportunity = OpportunityFactory(customer=customer)
    with pytest.raises(InvalidInput):
        services.opportunity_update(
            opportunity=opportunity,
            by=rep,
            name="新名称",
            expected_close_date=_years_ago(2),
        )
    opportunity.refresh_from_db()
    assert opportunity.name != "新名称"


def test_a_contact_of_another_customer_is_refused(customer, rep):
    stranger = ContactFactory(customer=CustomerFactory(owner=rep))
    with pytest.raises(InvalidInput, match="contact of this customer"):
        services.opportunity_create(
            by=rep,
            customer=customer,
            name="x",
            expected_amount="1",
            expected_close_date=timezone.localdate(),
            contact=stranger,
        )


def test_a_large_deal_with_its_analysis_is_created(customer, rep):
    opportunity = services.opportunity_create(
        by=rep,
        customer=customer,
        name="集团 ERP",
        expected_amount="2000000.00",
        expected_close_date=timezone.localdate() + timedelta(days=120),
        analysis="客户预算充足，决策链清晰",
        followup_plan="每周高层拜访",
        contact=customer.contacts.get(),
    )
    assert opportunity.expected_amount == D("2000000.00")
    assert opportunity.stage.code == "initial"
    assert opportunity.probability == 10
    assert opportunity.stage_changes.get().kind == "created"


@pytest.mark.parametrize(
    ("best_case", "commit", "message"),
    [
        ("100.00", "200.00", "cannot be above the best case"),
        ("-1", "0", "cannot be negative"),
        ("100.001", "1", "more than two decimals"),
    ],
)
def test_a_bad_forecast_commit_is_refused(org, manager, best_case, commit, message):
    with pytest.raises(InvalidInput, match=message):
        forecast.forecast_commit(
            by=manager,
            team=org["team_a"],
            month=timezone.localdate(),
            best_case=best_case,
            commit=commit,
        )
