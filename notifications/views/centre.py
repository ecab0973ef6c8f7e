"""The notification centre: the bell's count, the dropdown, the list, opening and marking read.

Every view reads the user's own notifications only (`for_user`): another's is a 404."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import ListView

from .. import selectors, services
from ..kinds import Kind
from ..models import Notification

STATES = (("", _("All")), ("unread", _("Unread")), ("read", _("Read")))


def _partial(request, template, context):
    """A piece of the navbar for htmx, rendered without the context processors: the navbar's
    own (areas, permissions) would cost queries the bell does not need."""
    context = {**context, "request": request, "csrf_token": get_token(request)}
    return HttpResponse(render_to_string(template, context))


def _own(request, pk):
    return get_object_or_404(Notification.objects.for_user(request.user), pk=pk)


class BellView(View):
    """The unread count in the navbar, fetched by htmx once the page is shown."""

    def get(self, request):
        return _partial(
            request,
            "notifications/partials/bell.html",
            {"unread_count": selectors.unread_count(request.user)},
        )


class LatestView(View):
    """The dropdown under the bell: the latest few, newest first."""

    def get(self, request):
        return _partial(
            request,
            "notifications/partials/latest.html",
            {
                "notifications": selectors.latest(request.user),
                "unread_count": selectors.unread_count(request.user),
            },
        )


class NotificationListView(ListView):
    template_name = "notifications/notification_list.html"
    context_object_name = "notifications"
    paginate_by = 25

    def get_queryset(self):
        return selectors.notification_list(
            self.request.user,
            kind=self.request.GET.get("kind", ""),
            state=self.request.GET.get("state", ""),
        )

    def get_context_data(self, **kwargs):
        params = self.request.GET.copy()
        params.pop("page", None)
        return {
            **super().get_context_data(**kwargs),
            "kinds": Kind.choices,
            "states": [(value, str(label)) for value, label in STATES],
            "kind": self.request.GET.get("kind", ""),
            "state": self.request.GET.get("state", ""),
            "query": params.urlencode(),
        }


class NotificationOpenView(View):
    """Mark read and go to the record; a record the reader may no longer see answers 404 with
    a page that says so."""

    def get(self, request, pk):
        notification = _own(request, pk)
        services.notification_mark_read(notification=notification, by=request.user)
        try:
            url = selectors.target_for(notification, request.user)
        except Http404:
            return render(
                request,
                "notifications/notification_gone.html",
                {"notification": notification},
                status=404,
            )
        return redirect(url)


class NotificationReadView(View):
    """POST: mark one read."""

    def post(self, request, pk):
        notification = _own(request, pk)
        services.notification_mark_read(notification=notification, by=request.user)
        return _back(request)


class NotificationReadAllView(View):
    """POST: mark all the reader's notifications read."""

    def post(self, request):
        count = services.notifications_mark_all_read(user=request.user)
        messages.success(
            request,
            ngettext(
                "%(count)d notification marked read.",
                "%(count)d notifications marked read.",
                count,
            )
            % {"count": count},
        )
        return _back(request)


def _back(request):
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("notifications:notification-list")
    return redirect(next_url)
