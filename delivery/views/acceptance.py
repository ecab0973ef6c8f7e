"""Acceptance reports: recorded with the signed scan, printed as template 6 on A4, their open
items closed; the scan served only through `visible_to`."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from contracts.validation import CONTENT_TYPES
from crm_site.errors import DomainError

from .. import forms
from ..errors import InvalidInput
from ..forms import add_errors
from ..models import Acceptance, OpenItem
from ..permissions import delivers
from ..services import acceptance as services
from .mixins import back_with_error, project_contract, project_url


def acceptance_create(request, pk):
    contract = project_contract(request, pk)
    if not delivers(request.user, contract):
        raise PermissionDenied
    form = forms.AcceptanceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.acceptance_record(
                contract=contract,
                by=request.user,
                accepted_on=data["accepted_on"],
                accepted_by_name=data["accepted_by_name"],
                accepted_by_title=data["accepted_by_title"],
                scope=data["scope"],
                result=data["result"],
                open_items=form.items(),
                open_issues=data.get("open_issues", ""),
                signatory=data["signatory"],
                scan=data["scan"],
            )
        except InvalidInput as error:
            add_errors(form, error.errors)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Acceptance report recorded."))
            return redirect(project_url(pk, "acceptance"))
    return render(
        request,
        "delivery/acceptance_form.html",
        {
            "contract": contract,
            "form": form,
            "heading": _("Acceptance report"),
            "multipart": True,
        },
    )


def _acceptance(request, pk):
    rows = Acceptance.objects.visible_to(request.user).select_related(
        "plan__contract__customer", "plan__contract__owner", "recorded_by"
    )
    return get_object_or_404(rows, pk=pk)


def acceptance_print(request, pk):
    acceptance = _acceptance(request, pk)
    return render(
        request,
        "delivery/acceptance_print.html",
        {
            "acceptance": acceptance,
            "contract": acceptance.plan.contract,
            "items": list(acceptance.items.all()),
        },
    )


@require_GET
def acceptance_scan(request, pk):
    acceptance = _acceptance(request, pk)
    response = FileResponse(
        acceptance.scan.open("rb"),
        as_attachment=True,
        filename=acceptance.scan_name,
        content_type=CONTENT_TYPES[acceptance.scan_type],
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def item_close(request, pk, item_pk):
    contract = project_contract(request, pk)
    item = get_object_or_404(
        OpenItem.objects.filter(acceptance__plan__contract=contract), pk=item_pk
    )
    form = forms.CloseItemForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.open_item_close(item=item, by=request.user, note=note)
    except DomainError as error:
        return back_with_error(request, pk, error, "acceptance")
    messages.success(request, _("Open item closed."))
    return redirect(project_url(pk, "acceptance"))
