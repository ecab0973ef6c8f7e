"""The receivables page (应收账款) and its Excel export: unpaid instalments of the signed
contracts the user sees, aged in buckets, with totals per bucket, team and owner."""

import tempfile

from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from crm_site import paging
from customers.services import export_queue

from .. import receivables, receivables_export
from ..forms.receivables import ReceivablesFilterForm
from ..pages import contract_url
from ..permissions import works_with_contracts

PER_PAGE = 50


def _selection(request):
    if not works_with_contracts(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    form = ReceivablesFilterForm(request.GET or None, user=request.user)
    rows = receivables.filtered(
        receivables.receivables(request.user), today=today, **form.filters()
    )
    return form, rows, today


def receivables_page(request):
    form, rows, today = _selection(request)
    summary = receivables.summary(rows, today=today)
    page = paging.paginate(
        rows.select_related("contract__customer", "contract__owner").order_by("due_date", "pk"),
        request.GET,
        PER_PAGE,
    )
    for row in page:
        row.days_past_due = (today - row.due_date).days
        row.bucket = receivables.bucket_of(row.days_past_due)
        row.url = contract_url(row.contract_id)
    return render(
        request,
        "contracts/receivables.html",
        {
            "form": form,
            "teams": list(receivables.team_choices(request.user)),
            "summary": summary,
            "buckets": receivables.BUCKETS,
            "page_obj": page,
            "rows": page.object_list,
            "today": today,
            "query": request.GET.urlencode(),
        },
    )


def receivables_download(request):
    """The receivables as filtered to .xlsx: up to DIRECT_ROWS rows at once; more are queued
    for a worker (a logged export) and the user is taken to the export's page."""
    form, rows, today = _selection(request)
    total = rows.order_by()[: receivables_export.DIRECT_ROWS + 1].count()
    if total > receivables_export.DIRECT_ROWS:
        log = export_queue(
            by=request.user,
            kind=receivables_export.KIND,
            query=_query(request.GET),
            total=rows.count(),
        )
        return redirect("customers:export-detail", log.pk)
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes (and so deletes) it
    receivables_export.write(receivables_export.selected(rows), out, today=today)
    out.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(
        out,
        as_attachment=True,
        filename=f"receivables-{stamp}.xlsx",
        content_type=receivables_export.XLSX_CONTENT_TYPE,
    )


def _query(querydict):
    """The page's filters as a query string, without its position in the list."""
    query = querydict.copy()
    for name in ("page", "after", "before"):
        query.pop(name, None)
    return query.urlencode()
