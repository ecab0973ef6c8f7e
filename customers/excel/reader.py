"""Reading an uploaded workbook: each row checked into an ImportRow, or a Problem (row, column,
message); nothing is written."""

import itertools
import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

from .. import normalize, validation, xlsx
from ..models import Customer, Grade, Industry, Tag
from ..selectors import owner_choices
from .columns import (
    COLUMNS,
    ImportRow,
    Problem,
    _choice_lookup,
    _fold,
    allowed_labels,
    column_header,
)
from .duplicates import duplicate_problems

DECIMAL_MAX = Decimal("9999999999.99")  # max_digits=12, decimal_places=2

TAG_SEPARATORS = re.compile(r"[,，、;；]")

DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y-%m", "%Y/%m", "%Y年%m月")
TEXT_KINDS = {"text", "phone", "email", "credit_code"}
TRUE_WORDS = {"是", "y", "yes", "true", "1", "√", "✓", "对"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "×", "不是"}


def open_workbook(upload):
    """The upload as an `xlsx.Book` (use it in a `with`); raises `xlsx.Refused` with the
    reason for anything that is not a workbook it can read."""
    return xlsx.Book(upload)


class _Reader:
    """Turns one sheet's rows into ImportRows and Problems; queries are made in bulk."""

    def __init__(self, user, *, routed=False):
        self.user = user
        self.routed = routed
        self.problems = []
        # The same cell value in the same column reads the same: read it once.
        self.memo = {}
        self.industries = {
            _fold(i.name): i for i in Industry.objects.filter(is_active=True).only("name")
        }
        self.tags = {}
        for tag in Tag.objects.all():
            self.tags.setdefault(_fold(tag.name), []).append(tag)
        # The people validation.owner accepts, in one query: a rep only themselves, a manager
        # their teams, a director everyone (each checked again by the import service).
        self.owners = {u.username.lower(): u for u in owner_choices(user)}
        try:
            self.may_own = validation.owner(user, user) is not None
        except ValidationError:
            self.may_own = False

    def problem(self, row, column_index, message):
        column = ""
        if column_index is not None:
            column = f"{get_column_letter(column_index + 1)} · {self.header_at[column_index]}"
        self.problems.append(Problem(row, column, message))

    # Cell readers: return the value, or raise ValidationError with the message.

    def _text(self, value, column):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, datetime | date):
            value = value.strftime("%Y-%m-%d")
        text = str(value).strip()
        if column.max_length and len(text) > column.max_length:
            raise ValidationError(
                _("Too long: at most %(max)d characters.") % {"max": column.max_length}
            )
        return text

    def read(self, value, column):
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
        if column.kind in TEXT_KINDS:
            text = self._text(value, column)
            reader = getattr(self, f"_read_{column.kind}", None)
            return reader(text) if reader else text
        key = (column.header, type(value), value)
        if key not in self.memo:
            try:
                self.memo[key] = (getattr(self, f"_read_{column.kind}")(value, column), None)
            except ValidationError as error:
                self.memo[key] = (None, error)
        result, error = self.memo[key]
        if error is not None:
            raise error
        return result

    def _read_phone(self, text):
        if not normalize.is_valid_phone(text):
            raise ValidationError(_("“%(value)s” is not a phone number.") % {"value": text})
        return text

    def _read_email(self, text):
        validate_email(text)
        return text

    def _read_credit_code(self, text):
        return validation.credit_code(text)

    def _read_choice(self, value, column):
        code = _choice_lookup(column.choices).get(_fold(value))
        if code is None:
            raise ValidationError(
                _("Unknown value “%(value)s”; use one of: %(allowed)s.")
                % {"value": value, "allowed": allowed_labels(column.choices)}
            )
        return code

    def _read_grade(self, value, column):
        text = _fold(value).removesuffix("类").removesuffix("级")
        if text.upper() in Grade.values:
            return text.upper()
        code = _choice_lookup(Grade).get(_fold(value))
        if code is None:
            raise ValidationError(
                _("“%(value)s” is not a grade: use A, B or C.") % {"value": value}
            )
        return code

    def _read_decimal(self, value, column):
        try:
            number = Decimal(str(value).replace(",", "").replace("，", "").strip())
        except InvalidOperation:
            raise ValidationError(
                _("“%(value)s” is not a number (in 10k CNY, e.g. 50).") % {"value": value}
            ) from None
        if not number.is_finite() or number < 0 or number > DECIMAL_MAX:
            raise ValidationError(
                _("“%(value)s” is not an amount between 0 and 9,999,999,999.") % {"value": value}
            )
        return number.quantize(Decimal("0.01"))

    def _read_date(self, value, column):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, int | float) and 20000 < value < 80000:  # an Excel day number
            return from_excel(value).date()
        text = unicodedata.normalize("NFKC", str(value)).strip()
        for fmt in DATE_FORMATS:
            try:
                return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date, no time
            except ValueError:
                continue
        raise ValidationError(
            _("“%(value)s” is not a date: write it as 2026-06-30 (or 2026-06 for a month).")
            % {"value": value}
        )

    def _read_bool(self, value, column):
        if isinstance(value, bool):
            return value
        word = _fold(value)
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValidationError(_("Write 是 or 否, not “%(value)s”.") % {"value": value})

    def _read_industry(self, value, column):
        industry = self.industries.get(_fold(value))
        if industry is None:
            raise ValidationError(
                _("Unknown industry “%(value)s”; an administrator adds industries.")
                % {"value": value}
            )
        return industry

    def _read_tags(self, value, column):
        found, unknown = [], []
        for name in TAG_SEPARATORS.split(str(value)):
            if name.strip():
                tags = self.tags.get(_fold(name))
                if tags:
                    found.extend(tags)
                else:
                    unknown.append(name.strip())
        if unknown:
            raise ValidationError(
                _("Unknown tag: %(names)s; an administrator adds tags.")
                % {"names": "、".join(unknown)}
            )
        return found

    def _read_owner(self, value, column):
        username = self._text(value, column)
        owner = self.owners.get(username.lower())
        if owner is None:
            raise ValidationError(
                _("“%(value)s” is not a user you may give customers to.") % {"value": username}
            )
        return validation.owner(self.user, owner)

    # Rows

    def read_header(self, header):
        self.header_at = {}
        index_of = {}
        for index, value in enumerate(header or ()):
            text = unicodedata.normalize("NFKC", str(value or "")).strip().rstrip("*").strip()
            if not text:
                continue
            text = column_header(text)  # an English export's header reads as the template's
            self.header_at[index] = text
            if text in index_of:
                self.problems.append(
                    Problem(1, text, _("This column appears twice; keep one of them."))
                )
            index_of[text] = index
        self.columns = [(index_of[c.header], c) for c in COLUMNS if c.header in index_of]
        if "客户名称" not in index_of:
            self.problems.append(
                Problem(
                    1,
                    "",
                    _(
                        "The first row must hold the template's column headers; "
                        "the column 客户名称 is missing. Download the template and copy "
                        "your rows into it."
                    ),
                )
            )
            return False
        return True

    def read_row(self, number, values):
        customer, contact, extra = {}, {}, {}
        ok = True
        for index, column in self.columns:
            raw = values[index] if index < len(values) else None
            try:
                value = self.read(raw, column)
            except ValidationError as error:
                self.problem(number, index, " ".join(error.messages))
                ok = False
                continue
            if value is None:
                if column.required:
                    self.problem(number, index, _("Required: this row has no customer name."))
                    ok = False
                continue
            if column.target.startswith("contact."):
                contact[column.target.removeprefix("contact.")] = value
            elif column.target in {"tags", "owner"}:
                extra[column.target] = value
            else:
                customer[column.target] = value
        if not ok:
            return None
        try:
            validation.amounts(
                budget_min=customer.get("budget_min"), budget_max=customer.get("budget_max")
            )
        except ValidationError as error:
            self.problem(number, self._index("预算上限(万元)"), " ".join(error.messages))
            return None
        if contact and not contact.get("name"):
            self.problem(
                number,
                self._index("联系人姓名"),
                _("Contact details are filled in but the contact has no name."),
            )
            return None
        owner = extra.get("owner")
        if self.routed:
            return self._routed_row(number, customer, contact, extra)
        if owner is None and not self.may_own:
            self.problem(
                number,
                self._index("负责人(用户名)"),
                _("Name the owner: you do not own customers yourself."),
            )
            return None
        if owner is not None and owner.pk == self.user.pk:
            owner = None
        return ImportRow(
            row=number,
            customer=customer,
            contact=contact or None,
            tags=extra.get("tags", []),
            owner=owner,
            grade_given="grade" in customer,
        )

    def _routed_row(self, number, customer, contact, extra):
        """An inbound lead: the team's routing chooses the owner, and it is a lead."""
        if extra.get("owner") is not None:
            self.problem(
                number,
                self._index("负责人(用户名)"),
                _("Leave the owner empty: the team's routing assigns inbound leads."),
            )
            return None
        if customer.get("status", Customer.Status.LEAD) != Customer.Status.LEAD:
            self.problem(
                number,
                self._index("客户状态"),
                _("An inbound lead is a lead: leave the status empty or write 线索."),
            )
            return None
        return ImportRow(
            row=number,
            customer=customer,
            contact=contact or None,
            tags=extra.get("tags", []),
            owner=None,
            grade_given="grade" in customer,
        )

    def _index(self, header):
        return next((i for i, c in self.columns if c.header == header), None)


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def parse_workbook(book, *, user, routed=False):
    """Read the first sheet of an `xlsx.Book`: (rows, problems). Nothing is written.

    Row 1 holds the headers. A row with anything in it is read (a formula without a saved
    result too), so it is imported or reported, never skipped. A bound of the reader raises
    `xlsx.LimitReached` and the whole file is refused. `routed`: inbound leads, whose owner
    the team's routing chooses (an owner or a status other than lead is a problem)."""
    reader = _Reader(user, routed=routed)
    lines = book.rows()
    rows = []
    first = next(lines, None)
    if first is not None and first[0] != 1:  # row 1 is empty: no headers
        lines = itertools.chain([first], lines)
        first = None
    if not reader.read_header(first[1] if first else None):
        return rows, reader.problems
    for number, values in lines:
        if all(_blank(value) for value in values):
            continue
        if len(rows) + len(reader.problems) >= xlsx.MAX_ROWS:
            reader.problems.append(
                Problem(
                    number,
                    "",
                    _("A file holds at most %(max)s customers; split it into several files.")
                    % {"max": f"{xlsx.MAX_ROWS:,}"},
                )
            )
            break
        row = reader.read_row(number, values)
        if row is not None:
            rows.append(row)
    if not rows and not reader.problems:
        reader.problems.append(Problem(None, "", _("The file has no customer rows.")))
    reader.problems.extend(duplicate_problems(rows, column_of=reader._index))
    reader.problems.sort(key=lambda p: p.row or 0)
    return rows, reader.problems
