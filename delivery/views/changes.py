"""Change requests: written with the customer's confirmation, decided by a delivery lead."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm_site.errors import DomainError

from .. import forms
from ..errors import InvalidInput
from ..forms import add_errors
from ..models import ChangeRequest, Phase
from ..permissions import can_work_on
from ..services import changes as services
from .mixins import back_with_error, project_contract, project_url


def change_create(request, pk):
    contract = project_contract(request, pk)
    if not can_work_on(request.user, contract):
        raise PermissionDenied
    phases = list(Phase.objects.filter(plan__contract=contract))
    form = forms.ChangeRequestForm(request.POST or None, phases=phases)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.change_request_create(
                contract=contract,
                by=request.user,
                title=data["title"],
                description=data["description"],
                cost_impact=data.get("cost_impact") or 0,
                schedule_days=data.get("schedule_days") or 0,
                phases=list(data.get("phases") or []),
                shift_phases=data.get("shift_phases"),
                customer_name=data["customer_name"],
                customer_title=data["customer_title"],
                customer_confirmed_on=data["customer_confirmed_on"],
            )
        except InvalidInput as error:
            add_errors(form, error.errors)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Change request sent to the delivery lead."))
            return redirect(project_url(pk, "changes"))
    return render(
        request,
        "delivery/change_form.html",
        {"contract": contract, "form": form, "heading": _("Change request")},
    )


@require_POST
def change_decide(request, pk, change_pk):
    contract = project_contract(request, pk)
    change = get_object_or_404(ChangeRequest.objects.filter(plan__contract=contract), pk=change_pk)
    form = forms.ChangeDecisionForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    approve = request.POST.get("action") == "approve"
    service = services.change_request_approve if approve else services.change_request_reject
    try:
        service(change=change, by=request.user, comment=comment)
    except DomainError as error:
        return back_with_error(request, pk, error, "changes")
    text = (
        _("Change request #%(number)s approved.")
        if approve
        else _("Change request #%(number)s rejected.")
    )
    messages.success(request, text % {"number": change.number})
    return redirect(project_url(pk, "changes"))
