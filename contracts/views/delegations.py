"""Delegation (授权代理): an approver away names a delegate for a date range; the delegate then
decides the approver's steps and each decision records both names. Approvers see the
delegations they gave and received."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ..errors import InvalidInput
from ..forms.delegations import DelegationForm
from ..models import Delegation
from ..permissions import can_delegate_approvals
from ..services.delegations import delegation_create


def delegations_page(request):
    user = request.user
    if not can_delegate_approvals(user):
        raise PermissionDenied
    form = DelegationForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            delegation = delegation_create(approver=user, by=user, **form.cleaned_data)
        except InvalidInput as error:
            for field, problems in error.errors.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
        else:
            messages.success(
                request,
                _("%(name)s decides your approvals from %(start)s to %(end)s.")
                % {
                    "name": delegation.delegate.display_name,
                    "start": delegation.starts_on,
                    "end": delegation.ends_on,
                },
            )
            return redirect("contracts:delegations")
    today = timezone.localdate()
    current = Delegation.objects.filter(ends_on__gte=today).select_related("approver", "delegate")
    return render(
        request,
        "contracts/delegations.html",
        {
            "form": form,
            "given": list(current.filter(approver=user)),
            "received": list(current.filter(delegate=user)),
        },
    )
