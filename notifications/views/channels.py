"""Admins point a team at a WeCom or DingTalk group robot, with the kinds it receives."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, UpdateView

from .. import services
from ..forms import TeamChannelForm
from ..models import TeamChannel


class AdminOnlyMixin(PermissionRequiredMixin):
    permission_required = "notifications.manage_reminders"
    raise_exception = True


class TeamChannelListView(AdminOnlyMixin, ListView):
    template_name = "notifications/teamchannel_list.html"
    context_object_name = "channels"

    def get_queryset(self):
        return TeamChannel.objects.select_related("team")


class TeamChannelFormView(AdminOnlyMixin, UpdateView):
    """Create (no pk) or edit a team channel."""

    template_name = "notifications/teamchannel_form.html"
    form_class = TeamChannelForm
    model = TeamChannel
    context_object_name = "channel"
    success_url = reverse_lazy("notifications:teamchannel-list")

    def get_object(self, queryset=None):
        return super().get_object(queryset) if "pk" in self.kwargs else None

    def form_valid(self, form):
        self.object = services.team_channel_save(form=form, by=self.request.user)
        messages.success(self.request, _("The team channel is saved."))
        return redirect(self.success_url)


class TeamChannelDeleteView(AdminOnlyMixin, View):
    def post(self, request, pk):
        channel = get_object_or_404(TeamChannel, pk=pk)
        services.team_channel_delete(channel=channel, by=request.user)
        messages.success(request, _("The team channel is deleted."))
        return redirect("notifications:teamchannel-list")
