"""The plan's phases (add, edit, start, percent, done) and the weekly progress notes."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm_site.errors import DomainError
from teams.models import User

from .. import forms
from ..errors import InvalidInput
from ..forms import add_errors
from ..models import Phase
from ..permissions import can_work_on
from ..services import plan as services
from .mixins import back_with_error, project_contract, project_url


def _phase(contract, phase_pk):
    return get_object_or_404(Phase.objects.filter(plan__contract=contract), pk=phase_pk)


def phase_form(request, pk, phase_pk=None):
    contract = project_contract(request, pk)
    if not can_work_on(request.user, contract):
        raise PermissionDenied
    phase = _phase(contract, phase_pk) if phase_pk else None
    team = list(User.objects.filter(delivery_assignments__contract=contract))
    form = forms.PhaseForm(request.POST or None, instance=phase, contract=contract, team=team)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data.get(name) for name in services.PHASE_FIELDS}
        try:
            services.phase_save(contract=contract, by=request.user, phase=phase, **values)
        except InvalidInput as error:
            add_errors(form, error.errors)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Phase saved."))
            return redirect(project_url(pk, "plan"))
    return render(
        request,
        "delivery/phase_form.html",
        {"contract": contract, "form": form, "phase": phase, "heading": _("Phase")},
    )


def _phase_action(request, pk, phase_pk, action, done_message):
    contract = project_contract(request, pk)
    phase = _phase(contract, phase_pk)
    try:
        action(phase)
    except PermissionDenied:
        raise
    except DomainError as error:
        return back_with_error(request, pk, error, "plan")
    messages.success(request, done_message % {"phase": phase.name})
    return redirect(project_url(pk, "plan"))


@require_POST
def phase_start(request, pk, phase_pk):
    return _phase_action(
        request,
        pk,
        phase_pk,
        lambda phase: services.phase_start(phase=phase, by=request.user),
        _("Phase “%(phase)s” started."),
    )


@require_POST
def phase_done(request, pk, phase_pk):
    return _phase_action(
        request,
        pk,
        phase_pk,
        lambda phase: services.phase_complete(phase=phase, by=request.user),
        _("Phase “%(phase)s” done."),
    )


@require_POST
def phase_percent(request, pk, phase_pk):
    form = forms.PercentForm(request.POST)
    if not form.is_valid():
        project_contract(request, pk)
        return back_with_error(request, pk, _("The percent done is between 0 and 100."), "plan")
    percent = form.cleaned_data["percent_done"]
    return _phase_action(
        request,
        pk,
        phase_pk,
        lambda phase: services.phase_progress(phase=phase, by=request.user, percent=percent),
        _("Progress of “%(phase)s” saved."),
    )


@require_POST
def note_add(request, pk):
    contract = project_contract(request, pk)
    if not can_work_on(request.user, contract):
        raise PermissionDenied
    form = forms.NoteForm(request.POST, auto_id="note_%s")
    if form.is_valid():
        try:
            services.progress_note_add(contract=contract, by=request.user, **form.cleaned_data)
        except InvalidInput as error:
            add_errors(form, error.errors)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Progress note added."))
            return redirect(project_url(pk, "notes"))
    return render(
        request,
        "delivery/note_form.html",
        {"contract": contract, "form": form, "heading": _("Weekly progress note")},
    )
