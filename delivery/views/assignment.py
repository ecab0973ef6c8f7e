"""A lead assigns a contract's delivery team; an admin marks the delivery leads."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm_site.errors import DomainError

from .. import forms
from ..errors import InvalidInput
from ..forms import add_errors
from ..models import Assignment, DeliveryLead
from ..permissions import can_assign, can_mark_leads
from ..services.assignment import delivery_assign, delivery_lead_set
from .mixins import project_contract, project_url


def assign(request, pk):
    contract = project_contract(request, pk)
    if not can_assign(request.user, contract):
        raise PermissionDenied
    seats = list(Assignment.objects.filter(contract=contract))
    initial = {
        "owner": next((s.user_id for s in seats if s.is_owner), None),
        "members": [s.user_id for s in seats if not s.is_owner],
    }
    form = forms.AssignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            delivery_assign(
                contract=contract,
                by=request.user,
                owner=form.cleaned_data["owner"],
                members=list(form.cleaned_data["members"]),
            )
        except InvalidInput as error:
            add_errors(form, error.errors)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Delivery team assigned."))
            return redirect(project_url(pk))
    return render(
        request,
        "delivery/assign_form.html",
        {"contract": contract, "form": form, "heading": _("Assign the delivery team")},
    )


def leads(request):
    if not can_mark_leads(request.user):
        raise PermissionDenied
    people = list(forms.assignment.delivery_users())
    marked = set(DeliveryLead.objects.values_list("user_id", flat=True))
    for person in people:
        person.is_lead = person.pk in marked
    return render(request, "delivery/leads.html", {"people": people})


@require_POST
def lead_set(request):
    if not can_mark_leads(request.user):
        raise PermissionDenied
    form = forms.LeadForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an active delivery user."))
        return redirect("delivery:leads")
    user, lead = form.cleaned_data["user"], form.cleaned_data["lead"]
    try:
        delivery_lead_set(user=user, by=request.user, lead=lead)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        text = _("%(name)s is a delivery lead.") if lead else _("%(name)s is no longer a lead.")
        messages.success(request, text % {"name": user.display_name})
    return redirect("delivery:leads")
