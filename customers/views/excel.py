"""Excel: the import (upload, template) and exports (direct or queued, their pages, downloads)."""

import io
import tempfile

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from .. import excel, forms, services, xlsx
from ..filters import CustomerFilter
from ..models import Customer, ExportLog, ImportLog
from ..permissions import may_export
from .mixins import _list_query

PROBLEMS_SHOWN = 500


class CustomerImportView(PermissionRequiredMixin, FormView):
    """Upload an .xlsx of customers: every row is checked first, and any problem means
    nothing is imported; the page then lists each problem's row, column and message."""

    permission_required = "customers.create_customer"
    raise_exception = True
    form_class = forms.CustomerImportForm
    template_name = "customers/customer_import.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        problems = context["form"].problems
        return {
            **context,
            "problems": problems[:PROBLEMS_SHOWN],
            "problems_hidden": max(len(problems) - PROBLEMS_SHOWN, 0),
            "max_rows": xlsx.MAX_ROWS,
            "recent_imports": ImportLog.objects.filter(user=self.request.user)[:5],
        }

    def form_valid(self, form):
        try:
            log = services.customers_import(
                by=self.request.user, rows=form.rows, filename=form.cleaned_data["file"].name
            )
        except services.CustomerError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(
            self.request,
            ngettext(
                "%(count)d customer was imported (with %(contacts)d contacts).",
                "%(count)d customers were imported (with %(contacts)d contacts).",
                log.customer_count,
            )
            % {"count": log.customer_count, "contacts": log.contact_count},
        )
        return redirect("customers:customer-list")


class ImportTemplateView(PermissionRequiredMixin, View):
    """The empty import template with Chinese headers and a sheet explaining the values."""

    permission_required = "customers.create_customer"
    raise_exception = True

    def get(self, request):
        buffer = io.BytesIO()
        excel.template_workbook().save(buffer)
        buffer.seek(0)
        return FileResponse(
            buffer,
            as_attachment=True,
            filename="客户导入模板.xlsx",
            content_type=excel.XLSX_CONTENT_TYPE,
        )


class CustomerExportView(PermissionRequiredMixin, View):
    """POST: the customer list as filtered (this URL's query string, the list's parameters) to
    .xlsx, only visible rows, logged. Up to CUSTOMER_EXPORT_DIRECT_ROWS rows download at once;
    more are queued for a Celery worker and the user is taken to the export's page."""

    permission_required = "customers.export_customers"
    raise_exception = True

    def post(self, request):
        filterset = CustomerFilter(
            request.GET,
            queryset=Customer.objects.visible_to(request.user),
            user=request.user,
            request=request,
        )
        if not filterset.is_valid():
            messages.error(request, _("Correct the filters before exporting."))
            return redirect(f"{reverse('customers:customer-list')}?{request.GET.urlencode()}")
        out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes (and so deletes) it
        queued = services.customers_export_start(
            by=request.user, customers=filterset.qs, query=_list_query(request.GET), out=out
        )
        if queued:
            out.close()
            return redirect("customers:export-detail", queued.pk)
        out.seek(0)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return FileResponse(
            out,
            as_attachment=True,
            filename=f"customers-{stamp}.xlsx",
            content_type=excel.XLSX_CONTENT_TYPE,
        )


class ExportPagesMixin:
    """The export pages: for a user who may export some list (an ExportKind allows them);
    each sees their own exports only (another's answers 404)."""

    def dispatch(self, request, *args, **kwargs):
        if not may_export(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ExportListView(ExportPagesMixin, ListView):
    """The user's own recent exports (of every list), with the files still there to download."""

    template_name = "customers/export_list.html"
    context_object_name = "exports"

    def get_queryset(self):
        return ExportLog.objects.filter(user=self.request.user)[:30]


class ExportDetailView(ExportPagesMixin, DetailView):
    """One queued export, for its requester only (another's answers 404): htmx polls its
    status until the file is ready to download."""

    template_name = "customers/export_detail.html"
    context_object_name = "export"

    def get_queryset(self):
        return ExportLog.objects.filter(user=self.request.user)

    def get_template_names(self):
        if self.request.htmx:
            return [f"{self.template_name}#status"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        failure = None
        if self.object.is_failed:  # why, in the reader's language
            failure = self.object.status_changes.filter(to_status=ExportLog.Status.FAILED).first()
        return super().get_context_data(
            list_url=self.object.list_url,
            failure_reason=failure.reason_text if failure else "",
            **kwargs,
        )


class ExportDownloadView(ExportPagesMixin, View):
    """The file of a finished export; only its requester downloads it (another's 404)."""

    def get(self, request, pk):
        log = get_object_or_404(
            ExportLog.objects.exclude(file=""),
            pk=pk,
            user=request.user,
            status=ExportLog.Status.DONE,
        )
        return FileResponse(
            log.file.open("rb"),
            as_attachment=True,
            filename=log.filename,
            content_type=excel.XLSX_CONTENT_TYPE,
        )
