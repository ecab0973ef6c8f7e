"""Opportunities, quotes and the catalogue, written straight to the database in the states
the services would leave them in (traits: `OpportunityFactory(negotiation=True)`,
`QuoteFactory(accepted=True)`)."""

import importlib
from datetime import timedelta
from decimal import Decimal

import factory
from django.apps import apps as django_apps
from django.utils import timezone
from factory.django import DjangoModelFactory

from opportunities import pricing
from opportunities.models import (
    Competitor,
    LostReason,
    Opportunity,
    Product,
    Quote,
    QuoteLine,
    Stage,
    StageSkipRequest,
    VatRate,
)

from .customers import CustomerFactory


def default_stages():
    """The stages migration 0002 seeds, by code ({"initial": Stage, …}); seeded again after
    a transactional test flushed them."""
    if not Stage.objects.filter(code="initial").exists():
        importlib.import_module("opportunities.migrations.0002_default_stages").seed(django_apps)
    return {stage.code: stage for stage in Stage.objects.exclude(code="")}


def stage(code):
    return default_stages()[code]


def lost_reason(name="价格"):
    default_stages()
    return LostReason.objects.get(name=name)


class ProductFactory(DjangoModelFactory[Product]):
    class Meta:
        model = Product
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"P{n:04d}")
    name = factory.Sequence(lambda n: f"CRM 软件许可 {n}")
    category = "软件"
    unit = "套"
    list_price = Decimal("1130.00")
    unit_cost = Decimal("600.00")
    vat_rate = VatRate.VAT_13

    class Params:
        inactive = factory.Trait(is_active=False)
        service = factory.Trait(
            category="服务", unit="年", vat_rate=VatRate.VAT_6, list_price=Decimal("10600.00")
        )


def _in(code, **extra):
    return factory.Trait(
        stage=factory.LazyFunction(lambda: stage(code)),
        probability=factory.LazyAttribute(lambda o: o.stage.default_probability),
        **extra,
    )


class OpportunityFactory(DjangoModelFactory[Opportunity]):
    class Meta:
        model = Opportunity

    customer = factory.SubFactory(CustomerFactory)
    owner = factory.SelfAttribute("customer.owner")
    created_by = factory.SelfAttribute("owner")
    name = factory.Sequence(lambda n: f"商机{n:04d}")
    source = "exhibition"
    stage = factory.LazyFunction(lambda: stage("initial"))
    stage_entered_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=3))
    expected_amount = Decimal("100000.00")
    expected_close_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=60))
    probability = factory.LazyAttribute(lambda o: o.stage.default_probability)

    class Params:
        needs = _in("needs")
        proposal = _in(
            "proposal",
            needs_confirmed_on=factory.LazyFunction(timezone.localdate),
            solution_due=factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7)),
        )
        negotiation = _in(
            "negotiation",
            needs_confirmed_on=factory.LazyFunction(lambda: timezone.localdate() - timedelta(20)),
            solution_due=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=13)),
            solution_submitted_at=factory.LazyFunction(lambda: timezone.now() - timedelta(15)),
        )
        won = _in(
            "won", status=Opportunity.Status.WON, closed_at=factory.LazyFunction(timezone.now)
        )
        lost = _in(
            "lost",
            status=Opportunity.Status.LOST,
            closed_at=factory.LazyFunction(timezone.now),
            lost_reason=factory.LazyFunction(lost_reason),
        )


class CompetitorFactory(DjangoModelFactory[Competitor]):
    class Meta:
        model = Competitor

    opportunity = factory.SubFactory(OpportunityFactory)
    name = factory.Sequence(lambda n: f"竞品{n}")
    strengths = "价格低"
    price_position = Competitor.PricePosition.LOWER


def store_totals(quote):
    """The quote's totals from its lines, as services.quotes stores them."""
    totals = pricing.price(list(quote.lines.all())).totals
    quote.total_amount, quote.amount_before_tax = totals.total, totals.before_tax
    quote.tax_amount, quote.cost_amount, quote.margin_amount = (
        totals.tax,
        totals.cost,
        totals.margin,
    )
    quote.save()
    return quote


def _status(status):
    return factory.Trait(status=status)


class QuoteFactory(DjangoModelFactory[Quote]):
    """A version with `lines` priced lines (1 by default) and its totals stored."""

    class Meta:
        model = Quote
        skip_postgeneration_save = True

    opportunity = factory.SubFactory(OpportunityFactory, proposal=True)
    version = factory.LazyAttribute(lambda q: q.opportunity.quotes.count() + 1)
    name = factory.LazyAttribute(lambda q: f"{q.opportunity.name} 方案")
    implementation_period = "30 天"
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    created_by = factory.SelfAttribute("opportunity.owner")

    class Params:
        in_review = factory.Trait(
            status=Quote.Status.IN_REVIEW, submitted_at=factory.LazyFunction(timezone.now)
        )
        approved = _status(Quote.Status.APPROVED)
        sent = factory.Trait(status=Quote.Status.SENT, sent_at=factory.LazyFunction(timezone.now))
        accepted = _status(Quote.Status.ACCEPTED)
        declined = _status(Quote.Status.DECLINED)
        rejected = _status(Quote.Status.REJECTED)

    @factory.post_generation
    def lines(obj, create, extracted, **kwargs):
        if not create:
            return
        count = 1 if extracted is None else extracted
        for _ in range(count):
            QuoteLineFactory(quote=obj, **kwargs)
        store_totals(obj)


def _figure(name):
    def compute(line):
        figures = pricing.price([line]).lines[0]
        return getattr(figures, name)

    return factory.LazyAttribute(compute)


class QuoteLineFactory(DjangoModelFactory[QuoteLine]):
    class Meta:
        model = QuoteLine

    quote = factory.SubFactory(QuoteFactory, lines=0)
    position = factory.Sequence(lambda n: n)
    product = factory.SubFactory(ProductFactory)
    description = factory.LazyAttribute(lambda line: line.product.name if line.product else "")
    unit = factory.LazyAttribute(lambda line: line.product.unit if line.product else "项")
    quantity = Decimal("1.00")
    unit_price = factory.LazyAttribute(
        lambda line: line.product.list_price if line.product else Decimal("1000.00")
    )
    discount_percent = Decimal("0.00")
    vat_rate = factory.LazyAttribute(
        lambda line: line.product.vat_rate if line.product else VatRate.VAT_13
    )
    unit_cost = factory.LazyAttribute(
        lambda line: line.product.unit_cost if line.product else Decimal("0.00")
    )
    line_total = _figure("total")
    amount_before_tax = _figure("before_tax")
    tax_amount = _figure("tax")
    line_cost = _figure("cost")


class SkipRequestFactory(DjangoModelFactory[StageSkipRequest]):
    class Meta:
        model = StageSkipRequest

    opportunity = factory.SubFactory(OpportunityFactory)
    from_stage = factory.SelfAttribute("opportunity.stage")
    to_stage = factory.LazyFunction(lambda: stage("proposal"))
    reason = "客户高层已直接确认需求"
    requested_by = factory.SelfAttribute("opportunity.owner")

    class Params:
        approved = factory.Trait(status=StageSkipRequest.Status.APPROVED)
