"""What the delivery views share: the contract of a project page, fetched through
`visible_to` (404 for a contract the user may not see, or not signed), and the answer to a
refused action."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from contracts.models import Contract


def project_contract(request, pk):
    contracts = (
        Contract.objects.visible_to(request.user)
        .filter(status__in=Contract.SIGNED_STATES)
        .select_related("customer", "owner")
    )
    return get_object_or_404(contracts, pk=pk)


def project_url(contract_id, anchor=""):
    return reverse("delivery:project", args=[contract_id]) + (f"#{anchor}" if anchor else "")


def back_with_error(request, contract_id, error, anchor=""):
    messages.error(request, str(error))
    return redirect(project_url(contract_id, anchor))
