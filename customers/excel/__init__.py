"""Excel in and out: the import template (客户信息登记表, template 1), reading and checking an
uploaded file, and writing the customer list.

The file format is the users' own: Chinese column headers, one row per customer with its
first contact. Choice columns take the Chinese label or the code. Reading never writes:
`parse_workbook` returns the rows and every problem found (row, column, message); the form
refuses the file when there is any, and `services.customers_import` writes the rows. The file
itself is read by `xlsx`, within its bounds.
"""

import functools
import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation

from .. import normalize, xlsx
from ..models import Contact, Customer, Grade, Industry, Tag

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_CHUNK = 2000
DECIMAL_MAX = Decimal("9999999999.99")  # max_digits=12, decimal_places=2

CREDIT_CODE_RE = re.compile(r"^[0-9A-HJ-NP-RTUWXY]{2}\d{6}[0-9A-HJ-NP-RTUWXY]{10}$")
TAG_SEPARATORS = re.compile(r"[,，、;；]")
# Cells starting with one of these are formulas (or become one) in Excel, WPS and LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")

DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y-%m", "%Y/%m", "%Y年%m月")
TEXT_KINDS = {"text", "phone", "email", "credit_code"}
TRUE_WORDS = {"是", "y", "yes", "true", "1", "√", "✓", "对"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "×", "不是"}


@dataclass(frozen=True)
class Column:
    """One column of the template: its header, where the value goes and how it is read."""

    header: str  # the file format: Chinese whatever the interface language
    target: str  # "name", "contact.phone", "owner", "tags"…
    kind: str = "text"
    required: bool = False
    max_length: int | None = None
    choices: type | None = None
    help: str = ""


def _max(model, name):
    return model._meta.get_field(name).max_length


COLUMNS = [
    Column("客户名称", "name", required=True, max_length=_max(Customer, "name")),
    Column(
        "统一社会信用代码",
        "credit_code",
        kind="credit_code",
        help=gettext_lazy("18 characters: digits and capital letters."),
    ),
    Column(
        "行业",
        "industry",
        kind="industry",
        help=gettext_lazy("One of the industries an administrator keeps (see below)."),
    ),
    Column("员工规模", "employee_band", kind="choice", choices=Customer.EmployeeBand),
    Column("年营业额", "revenue_band", kind="choice", choices=Customer.RevenueBand),
    Column("区域", "region", kind="choice", choices=Customer.Region),
    Column("注册地址", "address", max_length=_max(Customer, "address")),
    Column("主营业务", "main_business"),
    Column("法定代表人", "legal_representative", max_length=_max(Customer, "legal_representative")),
    Column("电话", "phone", kind="phone", help=gettext_lazy("A landline or mobile number.")),
    Column("采购决策流程", "decision_process"),
    Column("线索来源", "lead_source", kind="choice", choices=Customer.LeadSource),
    Column("初步需求", "initial_need"),
    Column(
        "预算下限(万元)",
        "budget_min",
        kind="decimal",
        help=gettext_lazy("In 10k CNY (万元), e.g. 50."),
    ),
    Column(
        "预算上限(万元)",
        "budget_max",
        kind="decimal",
        help=gettext_lazy("In 10k CNY (万元); not below the lower bound."),
    ),
    Column(
        "预计采购时间",
        "expected_purchase_date",
        kind="date",
        help=gettext_lazy("A date such as 2026-06-30, or a month such as 2026-06."),
    ),
    Column(
        "客户状态",
        "status",
        kind="choice",
        choices=Customer.Status,
        help=gettext_lazy("Empty means lead."),
    ),
    Column(
        "客户等级",
        "grade",
        kind="grade",
        help=gettext_lazy(
            "A, B or C. Empty: computed from the annual purchase estimate. "
            "An A customer waits for a manager's second check."
        ),
    ),
    Column(
        "年采购额预估(万元)",
        "annual_purchase_estimate",
        kind="decimal",
        help=gettext_lazy("In 10k CNY (万元) a year; decides the grade when no grade is given."),
    ),
    Column(
        "战略客户",
        "strategic",
        kind="bool",
        help=gettext_lazy("是 or 否: an explicit strategic intent makes the customer grade A."),
    ),
    Column(
        "标签",
        "tags",
        kind="tags",
        help=gettext_lazy("Existing tags, separated by commas or 、."),
    ),
    Column(
        "负责人(用户名)",
        "owner",
        kind="owner",
        help=gettext_lazy(
            "The owner's username. Empty: you. A sales rep can only import their own customers."
        ),
    ),
    Column("备注", "notes"),
    Column("联系人姓名", "contact.name", max_length=_max(Contact, "name")),
    Column("联系人职务", "contact.title", max_length=_max(Contact, "title")),
    Column("联系人电话", "contact.phone", kind="phone"),
    Column("联系人邮箱", "contact.email", kind="email"),
    Column("联系人微信", "contact.wechat", max_length=_max(Contact, "wechat")),
    Column("决策角色", "contact.decision_role", kind="choice", choices=Contact.DecisionRole),
]
HEADERS = [column.header for column in COLUMNS]

# Words people type for a choice that are neither its code nor its label.
EXTRA_ALIASES = {
    Customer.EmployeeBand: {"50人以下": "lt50", "1000人以上": "1000_plus"},
    Customer.RevenueBand: {"1000万以下": "lt1000w", "10亿以上": "gt10y"},
    Customer.Status: {"休眠": "dormant", "流失": "churned"},
    Customer.LeadSource: {"公开招标": "tender", "招投标": "tender", "企业年报": "tender"},
    Contact.DecisionRole: {"决策者": "decision_maker", "技术": "technical", "使用者": "user"},
}


def _fold(text):
    """The same choice typed two ways folds to the same key (width, case, dashes, spaces)."""
    text = unicodedata.normalize("NFKC", str(text)).strip().lower()
    text = re.sub(r"[‐-―−~～]", "-", text)
    return re.sub(r"\s+", "", text)


@functools.cache
def zh_label(choices, code):
    """The Chinese label of a choice: the file format's words."""
    if not code:
        return ""
    with translation.override("zh-hans"):
        return str(choices(code).label)


@functools.cache
def _choice_lookup(choices):
    lookup = {}
    for code, label in choices.choices:
        lookup[_fold(code)] = code
        lookup[_fold(label)] = code
        lookup[_fold(zh_label(choices, code))] = code
    for alias, code in EXTRA_ALIASES.get(choices, {}).items():
        lookup[_fold(alias)] = code
    return lookup


def allowed_labels(choices):
    return "、".join(zh_label(choices, code) for code in choices.values)


# --- reading ------------------------------------------------------------------------------


@dataclass
class Problem:
    row: int | None  # Excel's row number; None for the whole file
    column: str  # "F · 客户等级", or "" for the whole row or file
    message: str


@dataclass
class ImportRow:
    row: int
    customer: dict
    contact: dict | None
    tags: list = field(default_factory=list)
    owner: object = None
    grade_given: bool = False

    @functools.cached_property
    def keys(self):
        """Duplicate keys: the same normalisation as services.find_duplicates."""
        return {
            "name_key": normalize.name_key(self.customer.get("name", "")),
            "credit_code": normalize.credit_code(self.customer.get("credit_code", "")),
            "phone_key": normalize.phone_key(self.customer.get("phone", "")),
        }


def open_workbook(upload):
    """The upload as an `xlsx.Book` (use it in a `with`); raises `xlsx.Refused` with the
    reason for anything that is not a workbook it can read."""
    return xlsx.Book(upload)


class _Reader:
    """Turns one sheet's rows into ImportRows and Problems; queries are made in bulk."""

    def __init__(self, user):
        from ..permissions import can_create_customer, owner_choices

        self.user = user
        self.problems = []
        # The same cell value in the same column reads the same: read it once.
        self.memo = {}
        self.industries = {
            _fold(i.name): i for i in Industry.objects.filter(is_active=True).only("name")
        }
        self.tags = {}
        for tag in Tag.objects.all():
            self.tags.setdefault(_fold(tag.name), []).append(tag)
        # The same people as permissions.can_assign_customer_to, in one query: a rep sees
        # only themselves, a manager their teams, a director everyone.
        self.owners = {u.username.lower(): u for u in owner_choices(user)}
        if can_create_customer(user):
            self.owners[user.username.lower()] = user

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
        code = normalize.credit_code(text)
        if not CREDIT_CODE_RE.match(code):
            raise ValidationError(
                _("A unified social credit code has 18 characters: digits and capital letters.")
            )
        return code

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
        return owner

    # Rows

    def read_header(self, header):
        self.header_at = {}
        index_of = {}
        for index, value in enumerate(header or ()):
            text = unicodedata.normalize("NFKC", str(value or "")).strip().rstrip("*").strip()
            if not text:
                continue
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
        low, high = customer.get("budget_min"), customer.get("budget_max")
        if low is not None and high is not None and low > high:
            self.problem(
                number,
                self._index("预算上限(万元)"),
                _("The budget's upper bound is below its lower bound."),
            )
            return None
        if contact and not contact.get("name"):
            self.problem(
                number,
                self._index("联系人姓名"),
                _("Contact details are filled in but the contact has no name."),
            )
            return None
        owner = extra.get("owner")
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

    def _index(self, header):
        return next((i for i, c in self.columns if c.header == header), None)


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def parse_workbook(book, *, user):
    """Read the first sheet of an `xlsx.Book`: (rows, problems). Nothing is written.

    Row 1 holds the headers. A row with anything in it is read (a formula without a saved
    result too), so it is imported or reported, never skipped. A bound of the reader raises
    `xlsx.LimitReached` and the whole file is refused."""
    reader = _Reader(user)
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


# --- duplicates ---------------------------------------------------------------------------


def _chunks(values, size=5000):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _among(model, name, values):
    """`name IN values` (on PostgreSQL one array parameter, not thousands of them)."""
    if connection.vendor != "postgresql":
        return [Q(**{f"{name}__in": chunk}) for chunk in _chunks(values)]
    quote = connection.ops.quote_name
    column = f"{quote(model._meta.db_table)}.{quote(model._meta.get_field(name).column)}"
    # The column comes from the model and is quoted; the values are one parameter.
    sql = f"{column} = ANY(%s)"
    return [RawSQL(sql, [list(values)], output_field=BooleanField())]  # noqa: S611


def existing_duplicates(rows):
    """{(key kind, key): existing customer} among ALL customers, in a few queries."""
    wanted = {"name_key": set(), "credit_code": set(), "phone_key": set()}
    for row in rows:
        for kind, key in row.keys.items():
            if key:
                wanted[kind].add(key)
    found = {}
    fields = ("name", "name_key", "credit_code", "phone_key", "owner")
    for kind, keys in wanted.items():
        for condition in _among(Customer, kind, keys) if keys else []:
            customers = Customer.objects.filter(condition)
            for customer in customers.select_related("owner").only(
                *fields, "owner__username", "owner__first_name", "owner__last_name"
            ):
                found.setdefault((kind, getattr(customer, kind)), customer)
    phones = wanted["phone_key"]
    for condition in _among(Contact, "phone_key", phones) if phones else []:
        contacts = Contact.objects.filter(condition).select_related("customer__owner")
        for contact in contacts.only(
            "phone_key",
            "customer__name",
            "customer__owner__username",
            "customer__owner__first_name",
            "customer__owner__last_name",
        ):
            found.setdefault(("phone_key", contact.phone_key), contact.customer)
    return found


KEY_COLUMNS = {"name_key": "客户名称", "credit_code": "统一社会信用代码", "phone_key": "电话"}


def duplicate_problems(rows, *, column_of=None):
    """The same company twice in the file, or already in the CRM (its name and owner only)."""
    column_of = column_of or (lambda header: None)
    problems = []
    seen = {}
    existing = existing_duplicates(rows)
    for row in rows:
        for kind, key in row.keys.items():
            if not key:
                continue
            header = KEY_COLUMNS[kind]
            index = column_of(header)
            column = f"{get_column_letter(index + 1)} · {header}" if index is not None else header
            if (kind, key) in existing:
                customer = existing[(kind, key)]
                problems.append(
                    Problem(
                        row.row,
                        column,
                        _("Already in the CRM: “%(name)s” (owner: %(owner)s).")
                        % {"name": customer.name, "owner": customer.owner},
                    )
                )
                break
            if (kind, key) in seen:
                problems.append(
                    Problem(
                        row.row,
                        column,
                        _("The same company as row %(row)d.") % {"row": seen[(kind, key)]},
                    )
                )
                break
        for kind, key in row.keys.items():
            if key:
                seen.setdefault((kind, key), row.row)
    return problems


# --- the template -------------------------------------------------------------------------

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="0D6EFD")
REQUIRED_FILL = PatternFill("solid", fgColor="DC3545")


def template_workbook():
    """The empty import template: the columns, and a sheet that explains the values."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "客户"
    sheet.append(HEADERS)
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = HEADER_FONT
        cell.fill = REQUIRED_FILL if column.required else HEADER_FILL
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(column.header) * 2.4)
        if column.kind in {"choice", "grade", "bool"}:
            if column.kind == "choice":
                values = [zh_label(column.choices, code) for code in column.choices.values]
            else:
                values = Grade.values if column.kind == "grade" else ["是", "否"]
            formula = '"' + ",".join(values) + '"'
            if len(formula) <= 255:
                validation = DataValidation(type="list", formula1=formula, allow_blank=True)
                validation.add(f"{get_column_letter(index)}2:{get_column_letter(index)}20001")
                sheet.add_data_validation(validation)
    sheet.freeze_panes = "B2"

    guide = workbook.create_sheet("填写说明")
    guide.append([_("Column"), _("Required"), _("Allowed values and format")])
    for cell in guide[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    for column in COLUMNS:
        guide.append([column.header, _("yes") if column.required else "", _describe(column)])
    guide.append([])
    guide.append(
        [
            _(
                "One row is one customer with its first contact. If any row has a problem, "
                "nothing is imported and the page lists every problem with its row and column."
            )
        ]
    )
    guide.append(
        [
            _(
                "A customer already in the CRM (same name, credit code or phone) is reported, "
                "not imported twice."
            )
        ]
    )
    guide.column_dimensions["A"].width = 22
    guide.column_dimensions["B"].width = 10
    guide.column_dimensions["C"].width = 90
    return workbook


def _describe(column):
    if column.kind == "choice":
        text = _("One of: %(allowed)s (or the code: %(codes)s).") % {
            "allowed": allowed_labels(column.choices),
            "codes": ", ".join(column.choices.values),
        }
        return f"{text} {column.help}".strip()
    if column.kind == "industry":
        names = "、".join(Industry.objects.filter(is_active=True).values_list("name", flat=True))
        return f"{column.help} {names}".strip()
    if column.kind == "tags":
        names = "、".join(Tag.objects.values_list("name", flat=True))
        return f"{column.help} {names}".strip()
    return str(column.help)


# --- export -------------------------------------------------------------------------------

EXPORT_HEADERS = [
    *HEADERS[: HEADERS.index("负责人(用户名)") + 1],
    "负责人",
    "备注",
    "联系人姓名",
    "联系人职务",
    "联系人电话",
    "联系人邮箱",
    "联系人微信",
    "决策角色",
    "最近跟进",
    "下次跟进日期",
    "创建时间",
]


def safe_cell(value):
    """Neutralise a text cell a spreadsheet would run as a formula (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _export_row(customer, labels):
    contacts = list(customer.contacts.all())
    contact = contacts[0] if contacts else None

    def choice(kind, code):
        return labels[kind].get(code, code or "")

    last = timezone.localtime(customer.last_followup_at) if customer.last_followup_at else None
    values = [
        customer.name,
        customer.credit_code,
        customer.industry.name if customer.industry else "",
        choice("employee_band", customer.employee_band),
        choice("revenue_band", customer.revenue_band),
        choice("region", customer.region),
        customer.address,
        customer.main_business,
        customer.legal_representative,
        customer.phone,
        customer.decision_process,
        choice("lead_source", customer.lead_source),
        customer.initial_need,
        customer.budget_min,
        customer.budget_max,
        customer.expected_purchase_date,
        choice("status", customer.status),
        customer.grade,
        customer.annual_purchase_estimate,
        "是" if customer.strategic else "否",
        "、".join(tag.name for tag in customer.tags.all()),
        customer.owner.username,
        str(customer.owner),
        customer.notes,
        contact.name if contact else "",
        contact.title if contact else "",
        contact.phone if contact else "",
        contact.email if contact else "",
        contact.wechat if contact else "",
        choice("decision_role", contact.decision_role) if contact else "",
        last.replace(tzinfo=None) if last else None,
        customer.next_followup_due,
        timezone.localtime(customer.created_at).replace(tzinfo=None),
    ]
    return [safe_cell(value) for value in values]


def write_customers(customers, out, progress=None):
    """Write the customers to `out` as .xlsx, a chunk at a time; returns the row count.
    `progress(count)` is called after each chunk.

    openpyxl's write-only workbook streams rows to disk, and the queryset is read with a
    server-side cursor in chunks, so memory stays flat however many rows there are.
    """
    labels = {
        name: {code: zh_label(choices, code) for code in choices.values}
        for name, choices in [
            ("employee_band", Customer.EmployeeBand),
            ("revenue_band", Customer.RevenueBand),
            ("region", Customer.Region),
            ("lead_source", Customer.LeadSource),
            ("status", Customer.Status),
            ("decision_role", Contact.DecisionRole),
        ]
    }
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("客户")
    header = []
    for text in EXPORT_HEADERS:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    count = 0
    rows = customers.select_related("owner", "industry").prefetch_related("contacts", "tags")
    for customer in rows.iterator(chunk_size=EXPORT_CHUNK):
        sheet.append(_export_row(customer, labels))
        count += 1
        if progress and count % EXPORT_CHUNK == 0:
            progress(count)
    workbook.save(out)
    return count
