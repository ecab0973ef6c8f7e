"""The approval chain settings (审批流程设置): an admin edits the ordered steps, their roles
and conditions, all in one transaction (services/chain.py)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ..errors import InvalidInput
from ..forms.chain import StepFormSet
from ..models import ApprovalStep
from ..services.chain import approval_chain_save, may_edit_chain


def chain_settings(request):
    if not may_edit_chain(request.user):
        raise PermissionDenied
    formset = StepFormSet(
        request.POST or None, queryset=ApprovalStep.objects.order_by("order", "pk")
    )
    if request.method == "POST" and formset.is_valid():
        rows = [
            {**form.cleaned_data, "id": form.instance.pk}
            for form in formset.forms
            if form.has_changed() or form.instance.pk
        ]
        try:
            approval_chain_save(rows=rows, by=request.user)
        except InvalidInput as error:
            formset._non_form_errors = formset.error_class(
                [m for messages_ in error.errors.values() for m in messages_]
            )
        else:
            messages.success(request, _("The approval chain is saved."))
            return redirect("contracts:chain-settings")
    return render(request, "contracts/chain_settings.html", {"formset": formset})
