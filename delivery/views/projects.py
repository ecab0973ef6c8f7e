"""The delivery work list and one contract's project page (assignment, plan with its timeline,
progress notes, change requests, acceptance, completion)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import ListView, TemplateView

from contracts.models import Contract
from contracts.services.amendments import payment_plan_gap
from contracts.services.lifecycle import contract_complete
from crm_site import paging
from crm_site.errors import DomainError
from teams.models import User

from .. import forms, selectors
from ..permissions import (
    can_assign,
    can_record_acceptance,
    can_work_on,
    is_delivery_lead,
)
from ..services.acceptance import refusal_for
from .mixins import back_with_error, project_contract, project_url


class ProjectListView(ListView):
    """Signed contracts and their delivery: delivery staff start on their own, a lead also
    finds the unassigned ones; the rep and their manager read theirs."""

    template_name = "delivery/project_list.html"
    context_object_name = "rows"
    paginate_by = 25

    def get_queryset(self):
        self.today = timezone.localdate()
        rows, self.scope = selectors.project_list(self.request.user, self.request.GET, self.today)
        return rows

    def paginate_queryset(self, queryset, page_size):
        page = paging.paginate(queryset, self.request.GET, page_size)
        return page.paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = context["rows"]
        owners = User.objects.in_bulk([r.delivery_owner_id for r in rows if r.delivery_owner_id])
        for row in rows:
            row.delivery_owner = owners.get(row.delivery_owner_id)
        user = self.request.user
        return {
            **context,
            "scope": self.scope,
            "status": self.request.GET.get("status", ""),
            "statuses": [
                (s.value, s.label)
                for s in (
                    Contract.Status.SIGNED,
                    Contract.Status.IN_DELIVERY,
                    Contract.Status.COMPLETED,
                )
            ],
            "is_lead": is_delivery_lead(user),
            "today": self.today,
        }


class ProjectView(TemplateView):
    """One contract's project: who delivers it, the plan (template 5) with its timeline,
    notes, changes, acceptances, and the actions the user may take."""

    template_name = "delivery/project.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        contract = project_contract(self.request, self.kwargs["pk"])
        today = timezone.localdate()
        data = selectors.project(contract)
        seats = {seat.user_id: seat.kind for seat in data["seats"]}
        latest = data["latest_acceptance"]
        still_open = sum(1 for item in latest.items.all() if not item.is_closed) if latest else 0
        work = can_work_on(user, contract, seats)
        lead = is_delivery_lead(user)
        working = contract.status in (Contract.Status.SIGNED, Contract.Status.IN_DELIVERY)
        for change in data["changes"]:
            # permissions.can_decide_change, without reading each change's contract again
            change.can_decide = lead and working and change.is_pending
        return {
            **super().get_context_data(**kwargs),
            **data,
            "contract": contract,
            "today": today,
            "timeline": selectors.timeline(data["phases"], today),
            "late_count": sum(1 for p in data["phases"] if p.late_on(today)),
            "can": {
                "assign": can_assign(user, contract),
                "work": work,
                "accept": can_record_acceptance(user, contract, seats),
                "complete": work and contract.status == Contract.Status.IN_DELIVERY,
            },
            "completion_block": refusal_for(latest, still_open),
            "plan_gap": payment_plan_gap(contract) if data["changes"] else 0,
            "note_form": forms.NoteForm(auto_id="note_%s") if work else None,
        }


@require_POST
def project_complete(request, pk):
    """Completed through contracts' lifecycle, which asks delivery's completion check."""
    contract = project_contract(request, pk)
    if not can_work_on(request.user, contract):
        raise PermissionDenied
    try:
        contract_complete(contract=contract, by=request.user)
    except DomainError as error:
        return back_with_error(request, pk, error, "acceptance")
    messages.success(request, _("Contract %(number)s completed.") % {"number": contract.number})
    return redirect(project_url(pk))
