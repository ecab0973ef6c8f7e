from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, FormView, ListView, TemplateView
from django_filters.views import FilterView
from kombu import Connection

from . import holdings, home, search, selectors, services, workdays
from .filters import UserFilter
from .forms import (
    CalendarDayAddForm,
    CalendarDayForm,
    PasswordResetForm,
    TeamForm,
    UserCreateForm,
    UserUpdateForm,
)
from .history import calendar_history, user_history
from .models import CALENDAR_FIRST_DATE, CALENDAR_LAST_DATE, CalendarDay, Team, User


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            "greeting": home.greeting_for(user),
            "panels": home.panels_for(user),
        }


class GlobalSearchView(TemplateView):
    """The navbar's search box: as the user types, htmx fetches the results partial; without
    htmx (or on a phone, from the search icon) the same results as a page."""

    template_name = "search.html"

    def get_template_names(self):
        if self.request.htmx:
            return ["search.html#results"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        text = search.clean(self.request.GET.get("q"))
        return {
            **super().get_context_data(**kwargs),
            "q": text,
            "too_short": 0 < len(text) < search.MIN_LENGTH,
            "groups": search.search(self.request.user, text),
        }


class AdminOnlyMixin(PermissionRequiredMixin):
    permission_required = "teams.manage_users"
    raise_exception = True


class ScopedUserMixin(AdminOnlyMixin):
    def get_queryset(self):
        return User.objects.visible_to(self.request.user).select_related("team")


class HoldingsMixin:
    """The users come with what they still own (USER_HOLDINGS): subqueries, no extra query."""

    @cached_property
    def holdings(self):
        return holdings.holdings_for(self.request.user)

    def get_queryset(self):
        return holdings.annotate(super().get_queryset(), self.holdings)


class UserListView(HoldingsMixin, ScopedUserMixin, FilterView):
    """Every user in reach; an inactive user who still owns records is flagged."""

    filterset_class = UserFilter
    template_name = "teams/user_list.html"
    paginate_by = 25
    context_object_name = "users"

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "user": self.request.user}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["users"] = holdings.mark(context["users"], self.holdings)
        return context


class UserDetailView(HoldingsMixin, ScopedUserMixin, DetailView):
    template_name = "teams/user_detail.html"
    context_object_name = "member"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "held": holdings.held(self.object, self.holdings),
            "history": user_history(self.object),
            # Staff users and superusers are read-only for app admins.
            "can_change": self.request.user.has_perm("teams.change_account", self.object),
        }


class MemberChangeMixin(AdminOnlyMixin):
    """A change to one user: 404 for a user the admin cannot see, 403 for one they may see
    but not change (a staff user or superuser, unless the admin is a superuser)."""

    @cached_property
    def member(self):
        # Runs after the permission check in dispatch: a non-admin gets 403, not 404.
        member = get_object_or_404(User.objects.visible_to(self.request.user), pk=self.kwargs["pk"])
        if not self.request.user.has_perm("teams.change_account", member):
            raise PermissionDenied
        return member


class UserFormMixin:
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


class UserCreateView(AdminOnlyMixin, UserFormMixin, FormView):
    form_class = UserCreateForm
    template_name = "teams/user_form.html"

    def form_valid(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("password1", "password2")}
        user = services.user_create(
            by=self.request.user, password=form.cleaned_data["password1"], **data
        )
        messages.success(self.request, _("User %(name)s was created.") % {"name": user})
        return redirect("teams:user-detail", pk=user.pk)


class UserUpdateView(MemberChangeMixin, UserFormMixin, FormView):
    form_class = UserUpdateForm
    template_name = "teams/user_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.member}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "member": self.member}

    def form_valid(self, form):
        try:
            services.user_update(by=self.request.user, user=self.member, **form.cleaned_data)
        except services.TeamsError as error:
            form.add_error("role" if "role" in form.changed_data else None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, _("Changes to %(name)s were saved.") % {"name": self.member})
        return redirect("teams:user-detail", pk=self.member.pk)


class UserPasswordResetView(UserUpdateView):
    form_class = PasswordResetForm
    template_name = "teams/user_password_reset.html"

    def get_form_kwargs(self):
        kwargs = FormView.get_form_kwargs(self)
        return {**kwargs, "user": self.request.user, "target": self.member}

    def form_valid(self, form):
        services.user_reset_password(
            by=self.request.user, user=self.member, password=form.cleaned_data["password1"]
        )
        messages.success(
            self.request,
            _("The password of %(name)s was reset; their open sessions were ended.")
            % {"name": self.member},
        )
        return redirect("teams:user-detail", pk=self.member.pk)


class UserDeactivateConfirmView(MemberChangeMixin, TemplateView):
    """Deactivating asks first: what it does, and, for someone who still owns records, the
    handover (离职交接) in the same flow before the deactivation (USER_HOLDINGS)."""

    template_name = "teams/user_deactivate.html"

    def get_context_data(self, **kwargs):
        member = self.member
        found = holdings.holdings_for(self.request.user)
        annotated = holdings.annotate(User.objects.filter(pk=member.pk), found).get()
        held = holdings.held(annotated, found)
        return {
            **super().get_context_data(**kwargs),
            "member": member,
            "held": held,
            "handover_url": next((row["handover_url"] for row in held if row["handover_url"]), ""),
        }


class UserActivationView(MemberChangeMixin, View):
    """POST: deactivate (after the confirm page) or reactivate, then back to the user's page."""

    http_method_names = ["post"]
    activate = False

    def post(self, request, pk):
        member = self.member
        service = services.user_reactivate if self.activate else services.user_deactivate
        try:
            service(by=request.user, user=member)
        except services.TeamsError as error:
            messages.error(request, str(error))
        else:
            text = (
                _("%(name)s can log in again.")
                if self.activate
                else _("%(name)s was deactivated and can no longer log in; their records stay.")
            )
            messages.success(request, text % {"name": member})
        return redirect("teams:user-detail", pk=member.pk)


class TeamListView(AdminOnlyMixin, ListView):
    permission_required = "teams.manage_teams"
    template_name = "teams/team_list.html"

    def get_queryset(self):
        return Team.objects.visible_to(self.request.user).select_related("manager", "parent")

    def get_context_data(self, **kwargs):
        teams = list(self.object_list)
        children = {}
        for team in teams:
            children.setdefault(team.parent_id, []).append(team)
        visible = {team.pk for team in teams}
        rows = []

        def walk(parent_id, depth):
            for team in children.get(parent_id, []):
                rows.append({"team": team, "depth": depth, "indent": range(depth)})
                walk(team.pk, depth + 1)

        for team in teams:
            if team.parent_id is None or team.parent_id not in visible:
                rows.append({"team": team, "depth": 0, "indent": range(0)})
                walk(team.pk, 1)
        counts = dict(
            User.objects.filter(team__in=teams, is_active=True)
            .values("team")
            .annotate(n=Count("pk"))
            .values_list("team", "n")
        )
        for row in rows:
            row["members"] = counts.get(row["team"].pk, 0)
        return {**super().get_context_data(**kwargs), "rows": rows}


class TeamFormView(AdminOnlyMixin, UserFormMixin, FormView):
    permission_required = "teams.manage_teams"
    form_class = TeamForm
    template_name = "teams/team_form.html"

    @cached_property
    def team(self):
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(Team.objects.visible_to(self.request.user), pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.team}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "team": self.team}

    def form_valid(self, form):
        try:
            if self.team is None:
                team = services.team_create(by=self.request.user, **form.cleaned_data)
            else:
                team = services.team_update(
                    by=self.request.user, team=self.team, **form.cleaned_data
                )
        except services.TeamsError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, _("Team %(name)s was saved.") % {"name": team})
        return redirect(reverse("teams:team-list"))


def _broker_ok():
    # Socket timeouts too, so a hung broker does not hold a pool thread for ever.
    options = {"socket_timeout": 1, "socket_connect_timeout": 1}
    with Connection(
        settings.CELERY_BROKER_URL, connect_timeout=1, transport_options=options
    ) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=1)
    return True


def _database_ok():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return True


_health_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="healthz")


@login_not_required
@never_cache
def healthz(request):
    """200 or 503 with {"status": "ok" | "unavailable"}; answers within ~2 s even when a
    service hangs. Anyone (a load balancer) gets the status only; admins get each service's,
    which tells which part of the stack is down."""
    broker = _health_pool.submit(_broker_ok)
    services_status = {}
    try:
        services_status["database"] = "ok" if _database_ok() else "error"
    except Exception:  # noqa: BLE001 - any failure means unhealthy
        services_status["database"] = "error"
    try:
        broker.result(timeout=settings.HEALTHZ_TIMEOUT_SECONDS)
        services_status["broker"] = "ok"
    except FutureTimeout:
        services_status["broker"] = "timeout"
    except Exception:  # noqa: BLE001
        services_status["broker"] = "error"
    healthy = all(value == "ok" for value in services_status.values())
    body = {"status": "ok" if healthy else "unavailable"}
    if request.user.has_perm("teams.manage_users"):
        body.update(services_status)
    return JsonResponse(body, status=200 if healthy else 503)


class SettingsAdminMixin(PermissionRequiredMixin):
    permission_required = "teams.manage_settings"
    raise_exception = True


class CalendarYearView(SettingsAdminMixin, TemplateView):
    """A year of the working-day calendar: its entries, a month grid, recent changes."""

    template_name = "teams/calendar_year.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate(timezone=workdays.CHINA)
        year = self.kwargs.get("year", today.year)
        if not CALENDAR_FIRST_DATE.year <= year <= CALENDAR_LAST_DATE.year:
            raise Http404
        return {
            **super().get_context_data(**kwargs),
            **selectors.calendar_year(year, today=today),
            "year": year,
            "previous_year": year - 1 if year > CALENDAR_FIRST_DATE.year else None,
            "next_year": year + 1 if year < CALENDAR_LAST_DATE.year else None,
            "history": calendar_history(year),
        }


class CalendarDayFormMixin(SettingsAdminMixin):
    template_name = "teams/calendarday_form.html"

    def done(self, day, text):
        messages.success(self.request, text)
        return redirect("teams:calendar-year", year=day.year)


class CalendarDayCreateView(CalendarDayFormMixin, FormView):
    form_class = CalendarDayAddForm

    def get_initial(self):
        return {"kind": CalendarDay.Kind.HOLIDAY}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            rows = services.calendar_days_add(
                by=self.request.user,
                first=data["date"],
                last=data["last"],
                kind=data["kind"],
                name=data["name"],
                note=data["note"],
            )
        except services.TeamsError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        text = ngettext(
            "%(count)d day was added to the calendar.",
            "%(count)d days were added to the calendar.",
            len(rows),
        ) % {"count": len(rows)}
        return self.done(rows[0].date, text)


class CalendarDayUpdateView(CalendarDayFormMixin, FormView):
    form_class = CalendarDayForm

    @cached_property
    def day(self):
        return get_object_or_404(CalendarDay, pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.day}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "day": self.day}

    def form_valid(self, form):
        try:
            day = services.calendar_day_update(
                by=self.request.user, day=self.day, **form.cleaned_data
            )
        except services.TeamsError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        return self.done(day.date, _("%(day)s was saved.") % {"day": day})


class CalendarDayDeleteView(SettingsAdminMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        day = get_object_or_404(CalendarDay, pk=pk)
        try:
            services.calendar_day_delete(by=request.user, day=day)
        except services.TeamsError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("%(day)s was removed from the calendar.") % {"day": day})
        return redirect("teams:calendar-year", year=day.date.year)
