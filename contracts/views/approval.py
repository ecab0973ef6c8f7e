"""The approval inbox ("waiting for me") and the decision a row posts (approve, reject or
return, with a comment), POST/redirect/GET."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from crm_site.errors import DomainError

from .. import selectors
from ..models import Contract
from ..permissions import may_have_approvals
from ..services import approval

ACTIONS = {
    "approve": (approval.contract_approve, gettext_lazy("Contract %(number)s approved.")),
    "reject": (approval.contract_reject, gettext_lazy("Contract %(number)s rejected.")),
    "return": (
        approval.contract_return,
        gettext_lazy("Contract %(number)s returned for changes."),
    ),
}


class ApprovalInboxView(ListView):
    template_name = "contracts/approval_inbox.html"
    context_object_name = "contracts"
    paginate_by = 25

    def get_queryset(self):
        if not may_have_approvals(self.request.user):
            raise PermissionDenied
        return selectors.approval_queue(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        selectors.with_changes(context["contracts"])
        return context


@require_POST
def contract_decide(request, pk):
    contract = get_object_or_404(Contract.objects.visible_to(request.user), pk=pk)
    if not may_have_approvals(request.user):
        raise PermissionDenied
    action = ACTIONS.get(request.POST.get("action"))
    if action is None:
        messages.error(request, _("Choose approve, reject or return."))
        return redirect(_back(request))
    service, done = action
    try:
        service(
            contract=contract,
            by=request.user,
            comment=request.POST.get("comment", ""),
            round_number=request.POST.get("round") or None,
            version=request.POST.get("version") or None,
        )
    except DomainError as error:
        messages.error(request, f"{contract.number}: {error}")
    else:
        messages.success(request, str(done) % {"number": contract.number})
    return redirect(_back(request))


def _back(request):
    """The inbox, or the contract page the decision was posted from (`next`)."""
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return reverse("contracts:approval-inbox")


def approval_count(request):
    """The navbar's badge: how many contracts wait for the user (loaded by htmx after the
    page): the delegations given to the user, the team table (whose manager approves for
    whom), then one count on the (status, current_step) index."""
    count = 0
    if may_have_approvals(request.user):
        count = Contract.objects.waiting_for(request.user).count()
    # No request context: the navbar's context processors are not run again for a badge.
    return HttpResponse(
        render_to_string("contracts/partials/approval_count.html", {"count": count})
    )
