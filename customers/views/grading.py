"""Grading: the admin's settings page, and managers' quarterly grade review."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import FormView, ListView

from teams.history import history_rows

from .. import cadence, forms, services
from ..models import GradeProposal, GradingSettings


class GradingSettingsView(PermissionRequiredMixin, FormView):
    """Admins: thresholds X and Y and the cadence per grade."""

    permission_required = "customers.change_grading"
    raise_exception = True
    form_class = forms.GradingSettingsForm
    template_name = "customers/gradingsettings_form.html"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "user": self.request.user,
            "instance": GradingSettings.load(),
        }

    def get_context_data(self, **kwargs):
        saved = GradingSettings.load()
        return {
            **super().get_context_data(**kwargs),
            "cadence_rules": cadence.help_text(saved),
            "saved": saved,
            "history": history_rows(saved, limit=10, hidden={"id", "updated_at"}),
        }

    def form_valid(self, form):
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.grading_settings_update(by=self.request.user, **fields)
        except services.CustomerError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        if set(form.changed_data) & set(services.CADENCE_FIELDS):
            messages.success(
                self.request,
                _(
                    "Grading settings saved. Recomputing every customer's next follow-up due "
                    "date with the new cadence is queued; the dates change once a worker has "
                    "run it."
                ),
            )
        else:
            messages.success(self.request, _("Grading settings saved."))
        return redirect("customers:grading-settings")


class GradeReviewView(PermissionRequiredMixin, ListView):
    """Managers and directors: the pending quarterly proposals of the customers they see;
    confirm or reject the checked ones in bulk (POST/redirect/GET)."""

    permission_required = "customers.review_grades"
    raise_exception = True
    template_name = "customers/gradeproposal_list.html"
    context_object_name = "proposals"
    paginate_by = 50

    def get_queryset(self):
        return (
            GradeProposal.objects.visible_to(self.request.user)
            .filter(status=GradeProposal.Status.PENDING)
            .select_related("customer", "customer__owner")
            .order_by("customer__owner__username", "customer__name", "pk")
        )

    def post(self, request):
        form = forms.GradeDecisionForm(request.POST, user=request.user)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect("customers:grade-review")
        confirm = form.cleaned_data["decision"] == form.CONFIRM
        count = services.grade_proposals_decide(
            by=request.user, proposals=form.cleaned_data["proposals"], confirm=confirm
        )
        if confirm:
            text = ngettext(
                "%(count)s grade change confirmed.", "%(count)s grade changes confirmed.", count
            )
        else:
            text = ngettext(
                "%(count)s grade change rejected.", "%(count)s grade changes rejected.", count
            )
        messages.success(request, text % {"count": count})
        return redirect("customers:grade-review")
