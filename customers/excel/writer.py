"""Writing workbooks: the empty import template, and the customer list's export."""

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .. import masking
from ..models import Contact, Customer, Grade, Industry, Tag
from .columns import COLUMNS, HEADERS, allowed_labels, zh_label

EXPORT_CHUNK = 2000
# Cells starting with one of these are formulas (or become one) in Excel, WPS and LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


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

_OWNER_AT = HEADERS.index("负责人(用户名)") + 1
# (Chinese header, English header, width in characters) of each exported column.
EXPORT_COLUMNS = [
    *((c.header, c.english) for c in COLUMNS[:_OWNER_AT]),
    ("负责人", "Owner"),
    *((c.header, c.english) for c in COLUMNS[_OWNER_AT:]),
    ("最近跟进", "Last follow-up"),
    ("下次跟进日期", "Next follow-up due"),
    ("创建时间", "Created"),
]
EXPORT_HEADERS = [zh for zh, _en in EXPORT_COLUMNS]
# Widths (in characters) that show a typical value whole; the rest get WIDTH_DEFAULT.
EXPORT_WIDTHS = {
    "客户名称": 32,
    "统一社会信用代码": 22,
    "注册地址": 36,
    "主营业务": 30,
    "采购决策流程": 30,
    "初步需求": 30,
    "备注": 36,
    "标签": 24,
    "联系人邮箱": 26,
    "最近跟进": 18,
    "创建时间": 18,
}
WIDTH_DEFAULT = 14


def export_headers(language=None):
    """The export's headers in `language` (the active one by default): Chinese for Chinese,
    English otherwise. The import reads either."""
    language = language or translation.get_language() or "zh-hans"
    chinese = language.lower().startswith("zh")
    return [zh if chinese else en for zh, en in EXPORT_COLUMNS]


def safe_cell(value):
    """Neutralise a text cell a spreadsheet would run as a formula (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _export_row(customer, labels, viewer):
    contacts = list(customer.contacts.all())
    contact = contacts[0] if contacts else None
    masking.mask_customer(viewer, customer, contacts[:1])

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
        customer.owner.username if customer.owner else "",
        str(customer.owner) if customer.owner else (customer.pool.name if customer.pool else ""),
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


def write_customers(customers, out, progress=None, *, viewer=None):
    """Write the customers to `out` as .xlsx, a chunk at a time; returns the row count.
    `progress(count)` is called after each chunk. A pool customer's phone numbers and e-mails
    are masked as `viewer` sees them (customers/masking.py; no viewer: masked).

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
    sheet = workbook.create_sheet(_("Customers"))
    # A frozen, styled header row and widths that show the values: set before any row.
    sheet.freeze_panes = "B2"
    for index, zh in enumerate(EXPORT_HEADERS, start=1):
        width = max(EXPORT_WIDTHS.get(zh, WIDTH_DEFAULT), len(zh) * 2 + 2)
        sheet.column_dimensions[get_column_letter(index)].width = width
    header = []
    for text in export_headers():
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        header.append(cell)
    sheet.append(header)
    count = 0
    rows = customers.select_related("owner", "industry", "pool").prefetch_related(
        "contacts", "tags"
    )
    for customer in rows.iterator(chunk_size=EXPORT_CHUNK):
        sheet.append(_export_row(customer, labels, viewer))
        count += 1
        if progress and count % EXPORT_CHUNK == 0:
            progress(count)
    workbook.save(out)
    return count
