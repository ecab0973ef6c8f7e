"""The roles page (admins): roles × capabilities, custom roles, each role's history."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from . import access, roles, services
from .models import RoleChange, RoleRecord


class RolesAdminMixin(PermissionRequiredMixin):
    permission_required = "teams.manage_roles"
    raise_exception = True


class RoleMatrixView(RolesAdminMixin, TemplateView):
    template_name = "teams/role_matrix.html"

    def get_context_data(self, **kwargs):
        from .models import User

        table = access.load()
        areas = access.areas()
        holders = dict(
            User.objects.filter(is_active=True)
            .values_list("role")
            .annotate(n=Count("pk"))
            .values_list("role", "n")
        )
        rows = []
        for record in RoleRecord.objects.order_by("-builtin", "pk"):
            held = table[record.key].capabilities
            rows.append(
                {
                    "record": record,
                    "has_scope": record.base in roles.SALES_ROLES,
                    "name": table[record.key].name,
                    "holders": holders.get(record.key, 0),
                    "cells": [
                        (capability, capability.key in held)
                        for _area, _label, caps in areas
                        for capability in caps
                    ],
                    "areas": [
                        (label, [(c, c.key in held) for c in caps]) for _area, label, caps in areas
                    ],
                }
            )
        return super().get_context_data(
            areas=areas, rows=rows, scopes=RoleRecord.Scope.choices, **kwargs
        )

    def post(self, request):
        keys = request.POST.getlist("roles")
        wanted = {key: set() for key in keys}
        for value in request.POST.getlist("grant"):
            key, _sep, capability = value.partition(":")
            if key in wanted:
                wanted[key].add(capability)
        scopes = {
            key: request.POST[f"scope:{key}"] for key in keys if f"scope:{key}" in request.POST
        }
        try:
            with transaction.atomic():  # the grants and the scopes, all or nothing
                changes, notes = services.role_grants_save(by=request.user, wanted=wanted)
                for record in RoleRecord.objects.filter(key__in=scopes):
                    if record.data_scope != scopes[record.key]:
                        services.role_set_scope(
                            by=request.user, role=record, scope=scopes[record.key]
                        )
                        changes.append((record, "scope", True))
        except services.TeamsError as error:
            messages.error(request, str(error))
            return redirect("teams:role-list")
        for note in notes:
            messages.warning(request, note)
        if changes:
            messages.success(request, _("Saved %(count)d changes.") % {"count": len(changes)})
        else:
            messages.info(request, _("Nothing changed."))
        return redirect("teams:role-list")


class RoleCopyForm(forms.Form):
    source = forms.ModelChoiceField(
        label=gettext_lazy("Copy of"), queryset=RoleRecord.objects.filter(active=True)
    )
    name_zh = forms.CharField(label=gettext_lazy("Name (Chinese)"), max_length=50)
    name_en = forms.CharField(label=gettext_lazy("Name (English)"), max_length=50)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].label_from_instance = lambda record: access.role_name(record.key)


class RoleNameForm(forms.Form):
    name_zh = forms.CharField(label=gettext_lazy("Name (Chinese)"), max_length=50)
    name_en = forms.CharField(label=gettext_lazy("Name (English)"), max_length=50)


class RoleCreateView(RolesAdminMixin, FormView):
    template_name = "teams/role_form.html"
    form_class = RoleCopyForm

    def get_initial(self):
        source = RoleRecord.objects.filter(key=self.request.GET.get("from")).first()
        return {"source": source}

    def form_valid(self, form):
        try:
            role = services.role_copy(by=self.request.user, **form.cleaned_data)
        except services.TeamsError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, _("Role created: change what it may do below."))
        return redirect(f"{_url('teams:role-list')}#role-{role.key}")

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("New role"), **kwargs)


def _url(name, *args):
    from django.urls import reverse

    return reverse(name, args=args)


class RoleUpdateView(RolesAdminMixin, FormView):
    template_name = "teams/role_form.html"
    form_class = RoleNameForm

    def dispatch(self, request, *args, **kwargs):
        self.role = get_object_or_404(RoleRecord, pk=kwargs["pk"], builtin=False)
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"name_zh": self.role.name_zh, "name_en": self.role.name_en}

    def form_valid(self, form):
        try:
            services.role_rename(by=self.request.user, role=self.role, **form.cleaned_data)
        except services.TeamsError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, _("Role renamed."))
        return redirect("teams:role-list")

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Rename role"), role=self.role, **kwargs)


class RoleActivationView(RolesAdminMixin, View):
    active = False

    def post(self, request, pk):
        role = get_object_or_404(RoleRecord, pk=pk)
        try:
            services.role_set_active(by=request.user, role=role, active=self.active)
        except services.TeamsError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("Role activated.") if self.active else _("Role deactivated.")
            )
        return redirect("teams:role-list")


class RoleHistoryView(RolesAdminMixin, TemplateView):
    template_name = "teams/role_history.html"

    def get_context_data(self, **kwargs):
        role = get_object_or_404(RoleRecord, pk=self.kwargs["pk"])
        declared = access.declared()
        rows = []
        for change in RoleChange.objects.filter(role=role).select_related("by")[:200]:
            capability = declared.get(change.capability)
            what, note = (capability.label if capability else change.capability), ""
            if change.capability.startswith("scope:"):
                scope = change.capability.removeprefix("scope:")
                what = _("Data scope")
                note = "→ " + str(RoleRecord.Scope(scope).label)
            rows.append(
                {
                    "change": change,
                    "what": what,
                    "area": capability.area_label if capability else "",
                    "note": _(change.note) if change.note else note,
                }
            )
        return super().get_context_data(
            role=role, name=access.role_name(role.key), rows=rows, **kwargs
        )
