"""Quotes (template 3): versions, lines and totals, review, sending, the customer's answer.

    quote_create(*, opportunity, by, **header) -> Quote        v1, or a copy of the latest as
                                                                v(n+1), a draft
    quote_update(*, quote, by, lines=None, **header) -> Quote  the draft only
    quote_submit(*, quote, by) -> Quote                         → in review (the owner's manager)
    quote_review_decide(*, quote, by, approve, comment="")      manager: → approved, or
                                                                → director (discount), or rejected
    quote_director_decide(*, quote, by, approve, comment="")    director: → approved | rejected
    quote_mark_sent(*, quote, by) / quote_mark_accepted(*, quote, by)
    quote_mark_declined(*, quote, by, comment="")

header: name, implementation_period, value_added_services, highlights, valid_until.
lines: [{product (Product, id or None), description, unit, quantity, unit_price,
discount_percent, vat_rate, unit_cost}, …]; for a catalogue line, what is left out comes
from the product (name, unit, list price, VAT rate, unit cost), discount 0. The lines given
replace the draft's lines; the figures are `pricing.price`'s, stored on lines and quote.

Rules:
- Only the latest version, while a draft, changes; anything else (an older version, one in
  review, approved, sent, answered) is read-only: make a new version. A new version copies
  the latest (header and lines) and supersedes the earlier versions still in play (draft, in
  review, approved, sent); accepted, declined and rejected ones stay as they were.
- An inactive product cannot be added to a quote; a line of one copied from the previous
  version stays.
- Review (方案评审) is by the owner's approver (teams.policy.approver_for), never the owner.
  A rejection needs a comment. A line discounted beyond the admin's limit
  (OpportunitySettings.discount_limit_percent) sends the approved version on to a director.
  A decision already taken, or not the user's to take, is refused; the database keeps one
  decision per version and step.
- Only an approved version is marked sent; only a sent one accepted or declined.
- The first version submitted for review delivers the solution (deadlines.py).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from crm_site.transitions import change_status
from teams import access, policy

from .. import capabilities, pricing, validation
from ..errors import InvalidInput, OpportunityError
from ..models import (
    Opportunity,
    OpportunitySettings,
    Product,
    Quote,
    QuoteLine,
    QuoteReview,
    VatRate,
)
from ..permissions import can_edit_opportunity, can_move_opportunity, decides_for
from .common import lock_opportunity, pk_of

HEADER = ("name", "implementation_period", "value_added_services", "highlights", "valid_until")
LINE_FIELDS = (
    "product",
    "description",
    "unit",
    "quantity",
    "unit_price",
    "discount_percent",
    "vat_rate",
    "unit_cost",
)
# A revision copies these of each line (the figures too: the same inputs give the same).
_STORED_LINE_FIELDS = (
    "position",
    "product",
    "description",
    "unit",
    "quantity",
    "unit_price",
    "discount_percent",
    "vat_rate",
    "unit_cost",
    "line_total",
    "amount_before_tax",
    "tax_amount",
    "line_cost",
)


def _lock(quote, by):
    """The quote locked and read again, with its opportunity; PermissionDenied for one `by`
    may not see."""
    locked = (
        Quote.objects.select_for_update(of=("self",))
        .select_related("opportunity__owner", "opportunity__customer", "opportunity__stage")
        .filter(pk=pk_of(quote))
        .first()
    )
    if locked is None:
        raise OpportunityError(_("This quote no longer exists."))
    if not Opportunity.objects.visible_to(by).filter(pk=locked.opportunity_id).exists():
        raise PermissionDenied
    return locked


def _status_label(quote):
    return quote.get_status_display()


def _read_only(quote):
    return OpportunityError(
        _("%(version)s is read-only (%(status)s): make a new version to change the quote.")
        % {"version": quote.label, "status": _status_label(quote)}
    )


# --- versions -------------------------------------------------------------------------------


@transaction.atomic
def quote_create(*, opportunity, by, **header):
    """A new version: v1 from the opportunity, or a copy of the latest version (header and
    lines) as v(n+1); `header` overrides the copied header. Earlier versions still in play
    are superseded."""
    unknown = set(header) - set(HEADER)
    if unknown:
        raise TypeError(f"not a quote header field: {sorted(unknown)}")
    opportunity = lock_opportunity(opportunity, by)
    if not can_move_opportunity(by, opportunity):
        if can_edit_opportunity(by, opportunity):
            raise OpportunityError(_("This opportunity is closed; its quotes stay as they are."))
        raise PermissionDenied
    latest = opportunity.quotes.order_by("-version").first()
    if latest is not None and latest.status == Quote.Status.DRAFT:
        raise OpportunityError(
            _("%(version)s is still a draft: change it instead of making a new version.")
            % {"version": latest.label}
        )
    quote = Quote(
        opportunity=opportunity,
        version=latest.version + 1 if latest else 1,
        created_by=by,
        name=latest.name if latest else opportunity.name,
    )
    if latest is not None:
        for field in HEADER[1:]:
            setattr(quote, field, getattr(latest, field))
    values = _clean_header(header)
    for field, value in values.items():
        setattr(quote, field, value)
    copies = [
        QuoteLine(quote=quote, **{f: getattr(line, f) for f in _STORED_LINE_FIELDS})
        for line in (latest.lines.all() if latest else [])
    ]
    _store_figures(quote, copies)
    superseded = Quote.objects.select_for_update().filter(
        opportunity=opportunity, status__in=Quote.IN_PLAY
    )
    for older in superseded:
        change_status(
            older,
            Quote.Status.SUPERSEDED,
            by=by,
            reason=gettext_noop("Superseded by v%(version)s"),
            reason_args={"version": quote.version},
        )
    quote.save()
    quote.status_changes.create(from_status="", to_status=quote.status, by=by)
    QuoteLine.objects.bulk_create(copies)
    return quote


def _clean_header(header, *, today=None):
    today = today or timezone.localdate()
    cleaned, errors = {}, {}
    for field, value in header.items():
        if field == "valid_until":
            if value is not None and value < today:
                errors[field] = [_("The quote would be valid only until a day already past.")]
            cleaned[field] = value
        else:
            cleaned[field] = (value or "").strip()
    if "name" in cleaned and not cleaned["name"]:
        errors["name"] = [_("Give the solution a name.")]
    validation.raise_errors(errors)
    return cleaned


# --- lines ------------------------------------------------------------------------------------


def _clean_lines(lines, *, quote):
    """The lines checked one by one; InvalidInput naming each bad line, or QuoteLines."""
    products = Product.objects.in_bulk(
        [pk_of(line.get("product")) for line in lines if line.get("product") is not None]
    )
    already_here = set(quote.lines.exclude(product=None).values_list("product_id", flat=True))
    errors, built = {}, []
    for number, line in enumerate(lines, start=1):
        unknown = set(line) - set(LINE_FIELDS)
        if unknown:
            raise TypeError(f"not a quote line field: {sorted(unknown)}")
        problems = []

        def run(check, value, _problems=problems):
            try:
                check(value)
                return True
            except ValidationError as error:
                _problems.extend(error.messages)
                return False

        product = None
        if line.get("product") is not None:
            product = products.get(pk_of(line["product"]))
            if product is None:
                problems.append(_("This product is not in the catalogue."))
            elif not product.is_active and product.pk not in already_here:
                problems.append(
                    _("%(product)s is no longer sold; it cannot be added to a quote.")
                    % {"product": product}
                )

        def given(field, default, _line=line):
            value = _line.get(field)
            return default if value in (None, "") else value

        description = str(given("description", product.name if product else "")).strip()
        if not description:
            problems.append(_("Describe the item."))
        values = {
            "quantity": given("quantity", None),
            "unit_price": given("unit_price", product.list_price if product else None),
            "discount_percent": given("discount_percent", 0),
            "unit_cost": given("unit_cost", product.unit_cost if product else 0),
        }
        checks = {
            "quantity": validation.validate_quantity,
            "unit_price": validation.validate_money,
            "discount_percent": validation.validate_discount,
            "unit_cost": validation.validate_money,
        }
        for field, check in checks.items():
            if values[field] is None:
                problems.append(
                    _("%(field)s is required.")
                    % {"field": QuoteLine._meta.get_field(field).verbose_name}
                )
            elif run(check, values[field]):
                values[field] = validation.to_decimal(values[field])
        vat_rate = str(given("vat_rate", product.vat_rate if product else VatRate.VAT_13))
        run(validation.validate_vat_rate, vat_rate)
        if problems:
            errors[f"line-{number}"] = [
                _("Line %(number)s: %(problem)s") % {"number": number, "problem": problem}
                for problem in problems
            ]
            continue
        built.append(
            QuoteLine(
                quote=quote,
                position=number,
                product=product,
                description=description[:200],
                unit=str(given("unit", product.unit if product else "")).strip()[:20],
                vat_rate=vat_rate,
                **values,
            )
        )
    validation.raise_errors(errors)
    return built


def _store_figures(quote, lines):
    """pricing.price on the lines, stored on each line and as the quote's totals."""
    priced = pricing.price(lines)
    for line, figures in zip(lines, priced.lines, strict=True):
        line.line_total, line.amount_before_tax = figures.total, figures.before_tax
        line.tax_amount, line.line_cost = figures.tax, figures.cost
    totals = priced.totals
    if totals.total > validation.MONEY_MAX:
        raise InvalidInput({"lines": [_("The quote's total is beyond what can be stored.")]})
    limit = OpportunitySettings.load().discount_limit_percent
    quote.needs_director = any(line.discount_percent > limit for line in lines)
    quote.total_amount, quote.amount_before_tax = totals.total, totals.before_tax
    quote.tax_amount, quote.cost_amount, quote.margin_amount = (
        totals.tax,
        totals.cost,
        totals.margin,
    )
    return lines


@transaction.atomic
def quote_update(*, quote, by, lines=None, **header):
    """Change the draft: its header fields and, when `lines` is given, all its lines."""
    unknown = set(header) - set(HEADER)
    if unknown:
        raise TypeError(f"not a quote header field: {sorted(unknown)}")
    quote = _lock(quote, by)
    if not can_edit_opportunity(by, quote.opportunity):
        raise PermissionDenied
    if quote.status != Quote.Status.DRAFT:
        raise _read_only(quote)
    if not quote.opportunity.is_open:
        raise OpportunityError(_("This opportunity is closed; its quotes stay as they are."))
    values = _clean_header(header)
    if lines is not None:
        new_lines = _clean_lines(list(lines), quote=quote)
    for field, value in values.items():
        setattr(quote, field, value)
    if lines is not None:
        _store_figures(quote, new_lines)
        quote.lines.all().delete()
        QuoteLine.objects.bulk_create(new_lines)
    quote.save()
    return quote


# --- review ------------------------------------------------------------------------------------


@transaction.atomic
def quote_submit(*, quote, by):
    """Send the draft to the owner's manager for review (方案评审)."""
    quote = _lock(quote, by)
    if not can_edit_opportunity(by, quote.opportunity):
        raise PermissionDenied
    if quote.status != Quote.Status.DRAFT:
        raise _read_only(quote)
    if not quote.opportunity.is_open:
        raise OpportunityError(_("This opportunity is closed; its quotes stay as they are."))
    lines = list(quote.lines.all())
    if not lines:
        raise OpportunityError(_("Add at least one line before the review."))
    if quote.valid_until is not None and quote.valid_until < timezone.localdate():
        raise InvalidInput(
            {
                "valid_until": [
                    _("The quote was valid until %(date)s; give it a new date.")
                    % {"date": date_format(quote.valid_until)}
                ]
            }
        )
    if policy.approver_for(quote.opportunity.owner) is None:
        raise OpportunityError(
            _("Nobody can review this quote: no team above the owner has a manager.")
        )
    _store_figures(quote, lines)  # the discount limit may have changed since the last save
    QuoteLine.objects.bulk_update(
        lines, ["line_total", "amount_before_tax", "tax_amount", "line_cost"]
    )
    now = timezone.now()
    quote.submitted_at = now
    change_status(
        quote,
        Quote.Status.IN_REVIEW,
        by=by,
        also=[
            "submitted_at",
            "needs_director",
            "total_amount",
            "amount_before_tax",
            "tax_amount",
            "cost_amount",
            "margin_amount",
        ],
    )
    Opportunity.objects.filter(pk=quote.opportunity_id, solution_submitted_at=None).update(
        solution_submitted_at=now
    )
    return quote


def _already_decided(quote, step):
    review = quote.reviews.filter(step=step).select_related("by").first()
    if review is None:
        return OpportunityError(
            _("%(version)s is not waiting for this decision: it is %(status)s.")
            % {"version": quote.label, "status": _status_label(quote)}
        )
    return OpportunityError(
        _("This review was already decided: %(decision)s by %(name)s.")
        % {"decision": review.get_decision_display(), "name": review.by}
    )


def _decide(quote, *, by, step, approve, comment, approved_status):
    comment = (comment or "").strip()
    if not approve and not comment:
        raise InvalidInput({"comment": [_("Say why the quote is rejected.")]})
    decision = QuoteReview.Decision.APPROVED if approve else QuoteReview.Decision.REJECTED
    QuoteReview.objects.create(quote=quote, step=step, decision=decision, comment=comment, by=by)
    change_status(
        quote, approved_status if approve else Quote.Status.REJECTED, by=by, reason=comment[:500]
    )
    return quote


@transaction.atomic
def quote_review_decide(*, quote, by, approve, comment=""):
    """The owner's manager approves the version (on to the director when a discount is
    beyond the limit) or rejects it with a comment."""
    quote = _lock(quote, by)
    if not decides_for(by, quote.opportunity.owner):
        raise PermissionDenied
    if quote.status != Quote.Status.IN_REVIEW:
        raise _already_decided(quote, QuoteReview.Step.MANAGER)
    approved = Quote.Status.DIRECTOR_REVIEW if quote.needs_director else Quote.Status.APPROVED
    return _decide(
        quote,
        by=by,
        step=QuoteReview.Step.MANAGER,
        approve=approve,
        comment=comment,
        approved_status=approved,
    )


@transaction.atomic
def quote_director_decide(*, quote, by, approve, comment=""):
    """A director approves the discount beyond the limit, or rejects it with a comment."""
    quote = _lock(quote, by)
    if (
        not access.has_capability(by, capabilities.APPROVE_DISCOUNTS)
        or quote.opportunity.owner_id == by.pk
    ):
        raise PermissionDenied
    if quote.status != Quote.Status.DIRECTOR_REVIEW:
        raise _already_decided(quote, QuoteReview.Step.DIRECTOR)
    return _decide(
        quote,
        by=by,
        step=QuoteReview.Step.DIRECTOR,
        approve=approve,
        comment=comment,
        approved_status=Quote.Status.APPROVED,
    )


# --- the customer ----------------------------------------------------------------------------


def _customer_step(quote, by, *, needed, new, refusal, comment="", also=()):
    quote = _lock(quote, by)
    if not can_edit_opportunity(by, quote.opportunity):
        raise PermissionDenied
    if not quote.opportunity.is_open:
        raise OpportunityError(_("This opportunity is closed; its quotes stay as they are."))
    if quote.status != needed:
        raise OpportunityError(refusal % {"version": quote.label, "status": _status_label(quote)})
    if new == Quote.Status.SENT:
        quote.sent_at = timezone.now()
        also = [*also, "sent_at"]
    change_status(quote, new, by=by, reason=(comment or "").strip()[:500], also=also)
    return quote


@transaction.atomic
def quote_mark_sent(*, quote, by):
    """The approved version went to the customer."""
    return _customer_step(
        quote,
        by,
        needed=Quote.Status.APPROVED,
        new=Quote.Status.SENT,
        refusal=_("Only an approved version is sent; %(version)s is %(status)s."),
    )


@transaction.atomic
def quote_mark_accepted(*, quote, by):
    """The customer accepted the version sent (the opportunity can then be won)."""
    return _customer_step(
        quote,
        by,
        needed=Quote.Status.SENT,
        new=Quote.Status.ACCEPTED,
        refusal=_("Only a version sent to the customer is accepted; %(version)s is %(status)s."),
    )


@transaction.atomic
def quote_mark_declined(*, quote, by, comment=""):
    """The customer declined the version sent."""
    return _customer_step(
        quote,
        by,
        needed=Quote.Status.SENT,
        new=Quote.Status.DECLINED,
        refusal=_("Only a version sent to the customer is declined; %(version)s is %(status)s."),
        comment=comment,
    )
