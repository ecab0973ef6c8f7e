"""Each reader's channels per kind."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView

from .. import services
from ..forms import PreferencesForm
from ..models import Preference


class PreferencesView(FormView):
    template_name = "notifications/preferences_form.html"
    form_class = PreferencesForm

    def get_form_kwargs(self):
        chosen = dict(
            Preference.objects.filter(user=self.request.user).values_list("kind", "channel")
        )
        return {**super().get_form_kwargs(), "chosen": chosen}

    def form_valid(self, form):
        services.preferences_save(user=self.request.user, channels=form.cleaned_data)
        messages.success(self.request, _("Your notification preferences are saved."))
        return redirect("notifications:preferences")
