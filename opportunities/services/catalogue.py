"""The product catalogue: what a director or admin changes, the .xlsx import and export.

    product_create(*, by, code, name, unit, list_price, category="", unit_cost=0,
                   vat_rate="13", description="", is_active=True) -> Product
    product_update(*, by, product, **fields) -> Product   (deactivate: is_active=False)
    products_import(*, by, rows) -> ImportResult(created, updated)
    products_import_file(*, by, upload) -> ImportResult     (reads, checks, writes: all or
                                                             nothing; ImportRefused lists
                                                             the problems)
    products_export(*, by, out, products=None) -> int       (rows written)

A product is never deleted once on a quote (the database protects it): it is deactivated,
stays on the quotes that have it and is offered for no new line.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from customers import xlsx
from customers.excel import Problem

from .. import excel, validation
from ..errors import ImportRefused
from ..models import Product, VatRate
from ..permissions import can_manage_catalogue

FIELDS = (
    "code",
    "name",
    "category",
    "unit",
    "list_price",
    "unit_cost",
    "vat_rate",
    "description",
    "is_active",
)
LIMITS = {"code": 40, "name": 200, "category": 60, "unit": 20}


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def _clean(fields):
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"not a product field: {sorted(unknown)}")
    cleaned, errors = dict(fields), {}
    for field in ("code", "name", "category", "unit", "description"):
        if field in cleaned:
            cleaned[field] = (cleaned[field] or "").strip()
            if field in LIMITS and len(cleaned[field]) > LIMITS[field]:
                errors[field] = [
                    _("Too long: at most %(max)d characters.") % {"max": LIMITS[field]}
                ]
    for field in ("code", "name", "unit"):
        if field in cleaned and not cleaned[field]:
            errors[field] = [_("Required.")]
    for field in ("list_price", "unit_cost"):
        if field in cleaned:
            try:
                validation.validate_money(cleaned[field])
                cleaned[field] = validation.to_decimal(cleaned[field])
            except ValidationError as error:
                errors[field] = error.messages
    if "vat_rate" in cleaned:
        cleaned["vat_rate"] = str(cleaned["vat_rate"])
        try:
            validation.validate_vat_rate(cleaned["vat_rate"])
        except ValidationError as error:
            errors["vat_rate"] = error.messages
    validation.raise_errors(errors)
    return cleaned


def _code_taken(code, exclude_pk=None):
    return Product.objects.filter(code__iexact=code).exclude(pk=exclude_pk).exists()


@transaction.atomic
def product_create(
    *,
    by,
    code,
    name,
    unit,
    list_price,
    category="",
    unit_cost=0,
    vat_rate=VatRate.VAT_13,
    description="",
    is_active=True,
):
    if not can_manage_catalogue(by):
        raise PermissionDenied
    cleaned = _clean(
        {
            "code": code,
            "name": name,
            "unit": unit,
            "list_price": list_price,
            "category": category,
            "unit_cost": unit_cost,
            "vat_rate": vat_rate,
            "description": description,
            "is_active": bool(is_active),
        }
    )
    if _code_taken(cleaned["code"]):
        validation.raise_errors(
            {"code": [_("The code %(code)s is taken.") % {"code": cleaned["code"]}]}
        )
    product = Product(**cleaned)
    product._history_user = by
    product.save()
    return product


@transaction.atomic
def product_update(*, by, product, **fields):
    if not can_manage_catalogue(by):
        raise PermissionDenied
    product = Product.objects.select_for_update().get(pk=product.pk)
    cleaned = _clean(fields)
    if "code" in cleaned and _code_taken(cleaned["code"], exclude_pk=product.pk):
        validation.raise_errors(
            {"code": [_("The code %(code)s is taken.") % {"code": cleaned["code"]}]}
        )
    for field, value in cleaned.items():
        setattr(product, field, value)
    product._history_user = by
    product.save()
    return product


@transaction.atomic
def products_import(*, by, rows):
    """Write checked rows (excel.read_products): a code in the catalogue (any case) updates
    that product, the others are created. All or nothing."""
    if not can_manage_catalogue(by):
        raise PermissionDenied
    rows = list(rows)
    if not rows:
        raise ImportRefused([Problem(None, "", _("The file has no product rows."))])
    problems, cleaned_rows = [], []
    for row in rows:
        number = row.get("row")
        values = {field: value for field, value in row.items() if field != "row"}
        try:
            cleaned_rows.append(_clean(values))
        except validation.InvalidInput as error:
            for field, messages in error.errors.items():
                problems.extend(Problem(number, field, message) for message in messages)
    if problems:
        raise ImportRefused(problems)
    # The whole catalogue (a few thousand rows at most), locked: a code differing only in
    # case from one in the catalogue updates that product.
    existing = {p.code.casefold(): p for p in Product.objects.select_for_update()}
    created, updated, changed_fields, now = [], [], set(), timezone.now()
    for row in cleaned_rows:
        product = existing.get(row["code"].casefold())
        if product is None:
            created.append(Product(**{"vat_rate": VatRate.VAT_13, **row}))
            continue
        for field, value in row.items():
            if field != "code":
                setattr(product, field, value)
                changed_fields.add(field)
        product.updated_at = now
        updated.append(product)
    reason = "Catalogue import"
    if created:
        bulk_create_with_history(created, Product, default_user=by, default_change_reason=reason)
    if updated:
        bulk_update_with_history(
            updated,
            Product,
            sorted(changed_fields) + ["updated_at"],
            default_user=by,
            default_change_reason=reason,
        )
    return ImportResult(created=len(created), updated=len(updated))


def products_import_file(*, by, upload):
    """Read, check and import a catalogue file: all rows or none. ImportRefused (nothing
    written) lists every problem with its row and column."""
    if not can_manage_catalogue(by):
        raise PermissionDenied
    if upload.size is not None and upload.size > xlsx.MAX_BYTES:
        raise ImportRefused(
            [Problem(None, "", _("The file is larger than 10 MB; split it into several files."))]
        )
    try:
        rows, problems = excel.read_products(upload)
    except xlsx.Refused as refused:
        raise ImportRefused([Problem(None, "", refused.message)]) from None
    if problems:
        raise ImportRefused(problems)
    return products_import(by=by, rows=rows)


def products_export(*, by, out, products=None):
    """The catalogue (or `products`) as .xlsx into `out`; with costs, so for those who keep
    the catalogue."""
    if not can_manage_catalogue(by):
        raise PermissionDenied
    return excel.write_products(products if products is not None else Product.objects.all(), out)
