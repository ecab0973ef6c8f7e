"""The receivables page to Excel: one row per unpaid instalment as filtered, headers in the
reader's language, each text cell made formula-safe (`customers.excel.safe_cell`). Up to
DIRECT_ROWS rows download at once; more go through the logged, queued exports (customers'
ExportLog, crm_site/hooks.py EXPORT_KINDS), written by a Celery worker."""

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import npgettext
from django.utils.translation import pgettext_lazy as pgettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from customers.excel import safe_cell

from .receivables import bucket_of

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Written at once in the request (a few seconds at most); a larger selection is queued.
DIRECT_ROWS = 20_000
KIND = "receivables"
# The worker reports its progress every this many rows.
PROGRESS_EVERY = 2_000
HEADERS = [
    pgettext("receivables column", "Contract number"),
    pgettext("receivables column", "Contract title"),
    pgettext("receivables column", "Customer"),
    pgettext("receivables column", "Owner"),
    pgettext("receivables column", "Team"),
    pgettext("receivables column", "Instalment"),
    pgettext("receivables column", "Due date"),
    pgettext("receivables column", "Amount due (yuan)"),
    pgettext("receivables column", "Paid (yuan)"),
    pgettext("receivables column", "Outstanding (yuan)"),
    pgettext("receivables column", "Days overdue"),
    pgettext("receivables column", "Ageing"),
    pgettext("receivables column", "Collection stage"),
]
WIDTHS = [16, 28, 28, 12, 14, 8, 12, 14, 14, 14, 10, 12, 12]


def write(rows, out, *, today=None, progress=None):
    """Write `rows` (instalments with contract, customer, owner and team selected) to `out`;
    returns how many, calling progress(written) every PROGRESS_EVERY rows."""
    today = today or timezone.localdate()
    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(pgettext("receivables sheet", "Receivables")))
    sheet.freeze_panes = "A2"
    for index, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    bold = Font(bold=True)
    header = []
    for text in HEADERS:
        cell = WriteOnlyCell(sheet, value=str(text))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    written = 0
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
        written += 1
        if progress and written % PROGRESS_EVERY == 0:
            progress(written)
    book.save(out)
    return written


def write_queued(*, user, query, out, progress):
    """The receivables' ExportKind.write (a worker's queued export): the unpaid instalments
    `user` sees now, filtered by `query` as on the page; None when `user` may no longer."""
    from .forms.receivables import ReceivablesFilterForm
    from .permissions import works_with_contracts
    from .receivables import filtered, receivables

    if not works_with_contracts(user):
        return None
    form = ReceivablesFilterForm(QueryDict(query) or None, user=user)
    if form.is_bound and not form.is_valid():
        return None
    today = timezone.localdate()
    rows = filtered(receivables(user), today=today, **form.filters())
    return write(selected(rows), out, today=today, progress=progress)


def selected(rows):
    """`rows` with what a written row reads, in the page's order."""
    return rows.select_related("contract__customer", "contract__owner__team").order_by(
        "due_date", "pk"
    )


def counted(count):
    return npgettext(
        "export size", "%(counter)s unpaid instalment", "%(counter)s unpaid instalments", count
    ) % {"counter": f"{count:,}"}
