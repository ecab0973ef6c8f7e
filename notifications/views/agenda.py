"""My agenda (我的日程): day, week and month pages (a list on a phone), the team's agenda for
managers, and the .ics feed a phone's calendar subscribes to with a secret token."""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from .. import agenda


def _anchor(value, today):
    try:
        return date.fromisoformat(value) if value else today
    except ValueError:
        return today


class AgendaView(TemplateView):
    template_name = "notifications/agenda.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        today = timezone.localdate()
        view = self.request.GET.get("view")
        view = view if view in agenda.VIEWS else "week"
        period = agenda.Period.around(view, _anchor(self.request.GET.get("date"), today))
        team = agenda.has_team_scope(user)
        scope = "team" if team and self.request.GET.get("scope") == "team" else "mine"
        entries = agenda.items(
            owner_ids=agenda.owner_ids(user, scope),
            start=period.start,
            end=period.end,
            today=today,
        )
        grouped = agenda.by_day(entries)
        feed = agenda.feed_for(user)
        return super().get_context_data(
            **kwargs,
            today=today,
            period=period,
            views=[("day", _("Day")), ("week", _("Week")), ("month", _("Month"))],
            scope=scope,
            team_scope=team,
            entries=entries,
            days=[(day, grouped.get(day, [])) for day in period.days()],
            weeks=[[(day, grouped.get(day, [])) for day in week] for week in period.weeks()]
            if view == "month"
            else [],
            overdue_count=sum(1 for item in entries if item.overdue_days),
            feed_url=self.request.build_absolute_uri(
                reverse("notifications:agenda-feed", args=[feed.token])
            )
            if feed
            else "",
        )


class AgendaFeedTokenView(View):
    """POST: a new secret feed address (the old one stops working), or with `revoke` none."""

    def post(self, request):
        if request.POST.get("revoke"):
            if agenda.revoke_feed(request.user):
                messages.success(
                    request, _("The calendar address was revoked: it no longer works.")
                )
        else:
            agenda.renew_feed(request.user)
            messages.success(
                request,
                _("A new calendar address was made; any earlier address no longer works."),
            )
        return redirect(reverse("notifications:agenda") + "#calendar-feed")


@method_decorator(login_not_required, name="dispatch")
class AgendaFeedView(View):
    """The .ics feed: the token is the only key, so a wrong or revoked one is a plain 404."""

    def get(self, request, token):
        user = agenda.feed_user(token)
        if user is None:
            raise Http404
        today = timezone.localdate()
        entries = agenda.items(
            owner_ids=[user.pk],
            start=today - timedelta(days=agenda.FEED_PAST_DAYS),
            end=today + timedelta(days=agenda.FEED_FUTURE_DAYS),
        )
        body = agenda.ics(
            entries,
            calendar_name=_("CRM agenda of %(name)s") % {"name": user},
            base_url=request.build_absolute_uri("/").rstrip("/"),
        )
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="agenda.ics"'
        response["Cache-Control"] = "private, max-age=300"
        return response
