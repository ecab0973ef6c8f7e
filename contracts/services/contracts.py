"""Contracts: the number, create, update, attachments.

    next_number(today) -> "HT2026120001"
    contract_create(*, customer, by, lines, today=None, **header) -> Contract
    contract_create_from_quote(*, quote, by, today=None, **header) -> Contract
    contract_update(*, contract, by, version=None, lines=None, **header) -> Contract
    attachment_add(*, contract, by, upload, kind=Attachment.Kind.DOCUMENT) -> Attachment

The number is `HT` + year + month + a 4-digit sequence, taken from the month's
ContractCounter under its row lock: two contracts created at once get two numbers, and a
number is never given again (a cancelled contract keeps its own). A contract made from a
quote the customer accepted copies its customer, lines, amount and cost, which then stay
frozen; one made from scratch takes its lines from the rep and is priced by
opportunities.pricing. Only a draft changes."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer
from opportunities import pricing
from opportunities.models import Opportunity, Product, Quote
from opportunities.permissions import can_edit_opportunity
from opportunities.validation import (
    to_decimal,
    validate_discount,
    validate_money,
    validate_quantity,
    validate_vat_rate,
)

from .. import validation
from ..errors import ContractError, InvalidInput
from ..models import Attachment, Contract, ContractCounter, ContractLine
from ..permissions import can_create_contract, can_edit_contract, manages_contract
from .common import bump, check_version, lock_contract, pk_of

HEADER_FIELDS = (
    "title",
    "start_date",
    "end_date",
    "payment_terms",
    "credit_days",
    "key_terms",
    "delivery_date",
    "warranty",
    "signing_entity",
)
REQUIRED_HEADER = ("title", "start_date", "end_date", "payment_terms", "key_terms")
REQUIRED_HEADER += ("signing_entity",)


def next_number(today=None):
    """The next contract number of `today`'s month; call inside a transaction."""
    period = (today or timezone.localdate()).strftime("%Y%m")
    # Insert the month's row if missing (a second insert at the same moment is ignored),
    # then take its lock: the second creator waits and reads the first one's number.
    ContractCounter.objects.bulk_create([ContractCounter(period=period)], ignore_conflicts=True)
    counter = ContractCounter.objects.select_for_update().get(period=period)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"HT{period}{counter.last:04d}"


def _clean_header(header, *, partial=False):
    unknown = set(header) - set(HEADER_FIELDS)
    if unknown:
        raise TypeError(f"unknown contract fields: {sorted(unknown)}")
    values = dict(header)
    for field in ("title", "payment_terms", "key_terms", "warranty", "signing_entity"):
        if field in values:
            values[field] = str(values[field] or "").strip()
    if not partial:
        for field in REQUIRED_HEADER:
            values.setdefault(field, None)
    errors = validation.check_header(values)
    if errors:
        raise InvalidInput(errors)
    return values


def _clean_lines(lines):
    """ContractLine objects (unsaved) from dicts, priced; InvalidInput names the line."""
    if not lines:
        raise InvalidInput({"lines": [_("A contract has at least one line.")]})
    built, errors = [], []
    for index, data in enumerate(lines, start=1):
        try:
            description = str(data.get("description") or "").strip()
            if not description:
                raise ValidationError(_("Say what the line is."))
            quantity = to_decimal(data.get("quantity"))
            validate_quantity(quantity)
            unit_price = to_decimal(data.get("unit_price"))
            validate_money(unit_price)
            discount = to_decimal(data.get("discount_percent") or 0)
            validate_discount(discount)
            vat_rate = str(data.get("vat_rate", "13"))
            validate_vat_rate(vat_rate)
            unit_cost = to_decimal(data.get("unit_cost") or 0)
            validate_money(unit_cost)
        except ValidationError as error:
            errors.append(
                _("Line %(line)s: %(message)s") % {"line": index, "message": error.messages[0]}
            )
            continue
        product = data.get("product")
        if product is not None and not isinstance(product, Product):
            product = Product.objects.filter(pk=product).first()
        built.append(
            ContractLine(
                position=index,
                product=product,
                description=description,
                unit=str(data.get("unit") or "").strip(),
                quantity=quantity,
                unit_price=unit_price,
                discount_percent=discount,
                vat_rate=vat_rate,
                unit_cost=unit_cost,
            )
        )
    if errors:
        raise InvalidInput({"lines": errors})
    return built


def _price(contract, lines):
    """Store pricing.price's figures on the lines and the contract."""
    priced = pricing.price(lines)
    for line, figures in zip(lines, priced.lines, strict=True):
        line.line_total, line.amount_before_tax = figures.total, figures.before_tax
        line.tax_amount, line.line_cost = figures.tax, figures.cost
    totals = priced.totals
    contract.amount, contract.amount_before_tax = totals.total, totals.before_tax
    contract.tax_amount, contract.cost_amount = totals.tax, totals.cost
    contract.max_discount_percent = max((line.discount_percent for line in lines), default=0)


def _save_lines(contract, lines):
    for line in lines:
        line.contract = contract
    ContractLine.objects.bulk_create(lines)


@transaction.atomic
def contract_create(*, customer, by, lines, today=None, **header):
    """A contract from scratch for a customer `by` may edit, owned by `by`."""
    customer = Customer.objects.visible_to(by).filter(pk=pk_of(customer)).first()
    if customer is None or not can_create_contract(by, customer):
        raise PermissionDenied
    values = _clean_header(header)
    built = _clean_lines(lines)
    contract = Contract(customer=customer, owner=by, created_by=by, **values)
    _price(contract, built)
    contract.number = next_number(today)
    contract.save()
    _save_lines(contract, built)
    return contract


@transaction.atomic
def contract_create_from_quote(*, quote, by, today=None, **header):
    """A contract from the version of a quote the customer accepted: customer, opportunity,
    lines, amount and cost copied (and frozen); the owner is the opportunity's owner."""
    quote = (
        Quote.objects.visible_to(by).select_related("opportunity").filter(pk=pk_of(quote)).first()
    )
    if quote is None:
        raise PermissionDenied
    opportunity = Opportunity.objects.select_for_update().get(pk=quote.opportunity_id)
    if not can_edit_opportunity(by, opportunity) or not can_create_contract(
        by, opportunity.customer
    ):
        raise PermissionDenied
    if quote.status != Quote.Status.ACCEPTED:
        raise ContractError(_("A contract is made from a quote the customer accepted."))
    if opportunity.status == Opportunity.Status.LOST:
        raise ContractError(_("This opportunity is lost; reopen it first."))
    taken = Contract.objects.filter(quote=quote).exclude(status=Contract.Status.CANCELLED)
    if taken.exists():
        raise ContractError(
            _("Contract %(number)s is already made from this quote.")
            % {"number": taken.first().number}
        )
    values = _clean_header(header)
    lines = [
        ContractLine(
            position=line.position,
            product_id=line.product_id,
            description=line.description,
            unit=line.unit,
            quantity=line.quantity,
            unit_price=line.unit_price,
            discount_percent=line.discount_percent,
            vat_rate=line.vat_rate,
            unit_cost=line.unit_cost,
            line_total=line.line_total,
            amount_before_tax=line.amount_before_tax,
            tax_amount=line.tax_amount,
            line_cost=line.line_cost,
        )
        for line in quote.lines.all()
    ]
    contract = Contract(
        customer_id=opportunity.customer_id,
        opportunity=opportunity,
        quote=quote,
        owner_id=opportunity.owner_id,
        created_by=by,
        amount=quote.total_amount,
        amount_before_tax=quote.amount_before_tax,
        tax_amount=quote.tax_amount,
        cost_amount=quote.cost_amount,
        max_discount_percent=max((line.discount_percent for line in lines), default=0),
        **values,
    )
    contract.number = next_number(today)
    contract.save()
    _save_lines(contract, lines)
    return contract


def _refuse_unless_draft(contract, by):
    if contract.status == Contract.Status.IN_APPROVAL:
        raise ContractError(_("A contract in approval cannot be edited."))
    if not can_edit_contract(by, contract):
        if manages_contract(by, contract):
            raise ContractError(
                _("A contract that is “%(status)s” cannot be edited.")
                % {"status": contract.get_status_display()}
            )
        raise PermissionDenied


@transaction.atomic
def contract_update(*, contract, by, version=None, lines=None, **header):
    """Change a draft's header (and its lines, unless they come from a quote)."""
    contract = lock_contract(contract, by)
    _refuse_unless_draft(contract, by)
    check_version(contract, version)
    values = _clean_header(header, partial=True)
    merged = {field: getattr(contract, field) for field in HEADER_FIELDS} | values
    errors = validation.check_header(merged)
    if errors:
        raise InvalidInput(errors)
    changed = [field for field, value in values.items() if getattr(contract, field) != value]
    for field in changed:
        setattr(contract, field, values[field])
    if lines is not None:
        if contract.from_quote:
            raise ContractError(
                _("The lines come from the accepted quote and cannot be changed here.")
            )
        built = _clean_lines(lines)
        _price(contract, built)
        contract.lines.all().delete()
        _save_lines(contract, built)
        changed += ["amount", "amount_before_tax", "tax_amount", "cost_amount"]
        changed.append("max_discount_percent")
    if changed:
        bump(contract, *changed)
    return contract


@transaction.atomic
def attachment_add(*, contract, by, upload, kind=Attachment.Kind.DOCUMENT):
    """A file on the contract, its type read from its content (validation.check_attachment).
    Not while in approval (nothing changes then) nor once cancelled."""
    contract = lock_contract(contract, by)
    if not manages_contract(by, contract):
        raise PermissionDenied
    if contract.status == Contract.Status.IN_APPROVAL:
        raise ContractError(_("A contract in approval cannot be edited."))
    if contract.status == Contract.Status.CANCELLED:
        raise ContractError(_("This contract is cancelled."))
    return store_attachment(contract, by=by, upload=upload, kind=kind)


def store_attachment(contract, *, by, upload, kind):
    """Check and store `upload` on `contract` (locked by the caller)."""
    try:
        file_type = validation.check_attachment(upload)
    except ValidationError as error:
        raise InvalidInput({"file": error.messages}) from None
    name = upload.name.rsplit("/", 1)[-1][:200]
    attachment = Attachment(
        contract=contract,
        kind=kind,
        name=name,
        file_type=file_type,
        size=upload.size,
        uploaded_by=by,
    )
    # The stored name is the contract's number and the type found, never the one uploaded.
    attachment.file.save(f"{contract.number}.{file_type}", upload, save=False)
    attachment.save()
    return attachment
