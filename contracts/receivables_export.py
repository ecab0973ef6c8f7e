"""The receivables page to Excel: one row per unpaid instalment as filtered, Chinese column
headers, each text cell made formula-safe (`customers.excel.safe_cell`)."""

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from customers.excel import safe_cell

from .receivables import bucket_of

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Written at once in the request (a few seconds at most); a larger selection is refused
# with a message to narrow the filters.
DIRECT_ROWS = 20_000
HEADERS = [
    "合同编号",
    "合同名称",
    "客户",
    "负责人",
    "团队",
    "期次",
    "应收日期",
    "应收金额(元)",
    "已收金额(元)",
    "未收金额(元)",
    "逾期天数",
    "账龄",
    "催款阶段",
]


def write(rows, out, *, today=None):
    """Write `rows` (instalments with contract, customer, owner and team selected) to `out`."""
    today = today or timezone.localdate()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("应收账款")
    bold = Font(bold=True)
    header = []
    for text in HEADERS:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows.iterator(chunk_size=2000):
        contract = row.contract
        owner = contract.owner
        days = (today - row.due_date).days
        sheet.append(
            [
                safe_cell(contract.number),
                safe_cell(contract.title),
                safe_cell(contract.customer.name),
                safe_cell(owner.display_name),
                safe_cell(owner.team.name if owner.team else ""),
                row.position,
                row.due_date,
                row.amount,
                row.paid_amount,
                row.outstanding,
                max(days, 0),
                str(bucket_of(days).label),
                str(row.get_collection_stage_display()),
            ]
        )
    book.save(out)
