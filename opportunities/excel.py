"""The product catalogue in and out of Excel: one row per product, Chinese column headers.

Reading never writes: `read_products(upload)` returns the rows and every problem found (row,
column, message), and raises `customers.xlsx.Refused` (with the reason) for a file that is
not a workbook it can read; the file is read by the customers import's bounded reader
(`customers.xlsx`), within its bounds. `services.catalogue.products_import` then writes all
rows or none. A row whose code is in the catalogue updates that product; the others are
new. The export writes the same columns (so an exported file imports back), each text cell
made formula-safe (`customers.excel.safe_cell`).
"""

import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from customers import xlsx
from customers.excel import FORMULA_STARTS, Problem, safe_cell

from . import validation
from .models import VatRate

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_PRODUCTS = 5_000
TRUE_WORDS = {"是", "y", "yes", "true", "1", "√", "✓", "启用"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "×", "停用"}


@dataclass(frozen=True)
class Column:
    header: str  # the file format: Chinese whatever the interface language
    field: str
    kind: str = "text"
    required: bool = False
    max_length: int | None = None


COLUMNS = [
    Column("产品编码", "code", required=True, max_length=40),
    Column("产品名称", "name", required=True, max_length=200),
    Column("类别", "category", max_length=60),
    Column("单位", "unit", required=True, max_length=20),
    Column("含税单价(元)", "list_price", kind="money", required=True),
    Column("单位成本(元)", "unit_cost", kind="money"),
    Column("税率", "vat_rate", kind="vat"),
    Column("启用", "is_active", kind="bool"),
    Column("说明", "description", max_length=2000),
]
HEADERS = [column.header for column in COLUMNS]


def _header(value):
    return unicodedata.normalize("NFKC", str(value or "")).strip().rstrip("*").strip()


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value, column):
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text[:1] == "'" and text[1:2] and text[1] in FORMULA_STARTS:
        text = text[1:]  # made formula-safe by an export: read back as it was
    if column.max_length and len(text) > column.max_length:
        raise ValidationError(
            _("Too long: at most %(max)d characters.") % {"max": column.max_length}
        )
    return text


def _money(value, column):
    if isinstance(value, bool):
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": value})
    number = validation.to_decimal(value)
    validation.validate_money(number)
    return number


def _vat(value, column):
    text = unicodedata.normalize("NFKC", str(value)).strip().rstrip("%").strip()
    try:
        number = validation.to_decimal(text)
    except ValidationError:
        number = None
    if number is not None and 0 < number < 1:  # a cell formatted as a percentage: 0.13
        number *= 100
    code = str(number.normalize()) if number is not None else ""
    if code not in VatRate.values:
        raise ValidationError(
            _("The VAT rate is one of 13%%, 9%%, 6%% or 0%%, not %(value)s.") % {"value": value}
        )
    return code


def _bool(value, column):
    if isinstance(value, bool):
        return value
    word = unicodedata.normalize("NFKC", str(value)).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValidationError(_("Write 是 or 否, not “%(value)s”.") % {"value": value})


READERS = {"text": _text, "money": _money, "vat": _vat, "bool": _bool}


def _read(value, column):
    if value is xlsx.UNCOMPUTED:
        raise ValidationError(
            _(
                "A formula without a saved result: formulas are not imported; paste "
                "values (Paste Special › Values)."
            )
        )
    if isinstance(value, xlsx.ErrorValue):
        raise ValidationError(
            _("The cell shows the Excel error %(code)s; correct it or clear the cell.")
            % {"code": value}
        )
    if _blank(value):
        return None
    return READERS[column.kind](value, column)


def read_products(upload):
    """The products of an uploaded catalogue file: (rows, problems); nothing is written.
    A row is a dict of Product fields. Raises `customers.xlsx.Refused` for a file that
    cannot be read (its `message` says why)."""
    rows, problems = [], []
    with xlsx.Book(upload) as book:
        lines = book.rows()
        first = next(lines, None)
        header = first[1] if first is not None and first[0] == 1 else ()
        at = {}
        for index, value in enumerate(header):
            if _header(value):
                at[_header(value)] = index
        missing = [c.header for c in COLUMNS if c.required and c.header not in at]
        if missing:
            problems.append(
                Problem(
                    1,
                    "",
                    _(
                        "The first row must hold the template's column headers; missing: "
                        "%(columns)s."
                    )
                    % {"columns": "、".join(missing)},
                )
            )
            return [], problems
        columns = [(at[c.header], c) for c in COLUMNS if c.header in at]
        seen = {}
        for number, values in lines:
            if all(_blank(v) for v in values):
                continue
            if len(rows) + len(problems) >= MAX_PRODUCTS:
                problems.append(
                    Problem(
                        number,
                        "",
                        _("A file holds at most %(max)s products; split it into several files.")
                        % {"max": f"{MAX_PRODUCTS:,}"},
                    )
                )
                break
            row, ok = {}, True
            for index, column in columns:
                where = f"{get_column_letter(index + 1)} · {column.header}"
                try:
                    value = _read(values[index] if index < len(values) else None, column)
                except ValidationError as error:
                    problems.append(Problem(number, where, " ".join(error.messages)))
                    ok = False
                    continue
                if value is None:
                    if column.required:
                        problems.append(Problem(number, where, _("Required.")))
                        ok = False
                    continue
                row[column.field] = value
            if not ok:
                continue
            code = row["code"]
            if code.casefold() in seen:
                problems.append(
                    Problem(
                        number,
                        f"{get_column_letter(at['产品编码'] + 1)} · 产品编码",
                        _("The code %(code)s is also on row %(row)s.")
                        % {"code": code, "row": seen[code.casefold()]},
                    )
                )
                continue
            seen[code.casefold()] = number
            rows.append({"row": number, **row})
    if not rows and not problems:
        problems.append(Problem(None, "", _("The file has no product rows.")))
    return rows, problems


def write_products(products, out):
    """The products as an .xlsx file in the import's format; returns the row count."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("产品")
    header = []
    for text in HEADERS:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    count = 0
    for product in products.order_by("code").iterator(chunk_size=2000):
        sheet.append(
            [
                safe_cell(product.code),
                safe_cell(product.name),
                safe_cell(product.category),
                safe_cell(product.unit),
                product.list_price,
                product.unit_cost,
                f"{product.vat_rate}%",
                "是" if product.is_active else "否",
                safe_cell(product.description),
            ]
        )
        count += 1
    workbook.save(out)
    return count


def template_products():
    """An empty catalogue file with the headers (for the import page)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "产品"
    sheet.append(HEADERS)
    for index, _column in enumerate(COLUMNS, start=1):
        sheet.cell(row=1, column=index).font = Font(bold=True)
    return workbook
