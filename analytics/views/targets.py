"""Targets: the company's year (the director sets the year, quarters and months), the split of
a period to teams (the director) and of a team's target to its reps (the team's manager), and
the history of every change. A split that does not add up shows the difference."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from teams import policy, roles
from teams.models import Team, User

from .. import periods, permissions
from ..errors import AnalyticsError, InvalidInput
from ..models import Metric, Target
from ..selectors import targets as selectors
from ..services import targets as services
from .common import period_choices, period_from, year_from

HISTORY_ROWS = 200


def _inputs(post, prefix):
    """{(key, metric): text} from inputs named `<prefix>-<key>-<metric>`."""
    found = {}
    for name, value in post.items():
        parts = name.split("-", 2) if name.startswith(prefix + "-") else None
        if parts and len(parts) == 3 and parts[2] in Metric.values:
            found[(parts[1], parts[2])] = value.strip()
    return found


def _named(errors, prefix):
    """The service's errors ({"<key>-<metric>": [...]}) keyed by the inputs' names."""
    return {k if k == "__all__" else f"{prefix}-{k}": v for k, v in errors.items()}


@permission_required("analytics.see_analytics", raise_exception=True)
@require_http_methods(["GET", "POST"])
def company_targets(request):
    year = year_from(request.GET)
    errors = {}
    if request.method == "POST":
        values = {}
        for (code, metric), value in _inputs(request.POST, "t").items():
            period = periods.parse(code.replace("_", "-"))
            if period is None or period.start.year != year.start.year:
                raise Http404
            values[(period, metric)] = value
        try:
            services.company_targets_set(by=request.user, values=values)
        except InvalidInput as error:
            errors = _named(error.errors, "t")
            messages.error(request, _("Nothing was saved: correct the targets marked below."))
        except AnalyticsError as error:
            raise PermissionDenied(str(error)) from error
        else:
            messages.success(request, _("The company's targets were saved."))
            return redirect(f"{reverse('analytics:targets')}?year={year.code}")
    return render(
        request,
        "analytics/target_company.html",
        {
            "year": year,
            "sections": selectors.year_split(year),
            "metrics": Metric.choices,
            "can_edit": permissions.can_set_targets(request.user),
            "errors": errors,
            "posted": request.POST if errors else None,
            "previous_year": periods.year(year.start.year - 1),
            "next_year": periods.year(year.start.year + 1),
            "teams": selectors.splittable_teams(request.user),
        },
    )


@permission_required("analytics.split_targets", raise_exception=True)
@require_http_methods(["GET", "POST"])
def target_split(request):
    """`?period=2026-Q2` alone: the company's target to teams (the director); with
    `&team=<id>`: the team's target to its reps (its manager)."""
    period = period_from(request.GET)
    team_id = request.GET.get("team", "")
    team = None
    if team_id:
        if not team_id.isdigit():
            raise Http404
        team = get_object_or_404(selectors.splittable_teams(request.user), pk=team_id)
    elif not permissions.can_set_targets(request.user):
        # A manager splits their own teams only: the first of them.
        first = selectors.splittable_teams(request.user).first()
        if first is None:
            raise PermissionDenied
        return redirect(f"{reverse('analytics:target-split')}?period={period.code}&team={first.pk}")
    errors = {}
    if request.method == "POST":
        raw = _inputs(request.POST, "s")
        try:
            if team is None:
                values = {}
                for (key, metric), value in raw.items():
                    if not key.isdigit():
                        raise InvalidInput({"__all__": [_("Choose teams from the list.")]})
                    values[(int(key), metric)] = value
                services.team_targets_set(by=request.user, period=period, values=values)
            else:
                values = {}
                for (key, metric), value in raw.items():
                    if not key.isdigit():
                        raise InvalidInput(
                            {"__all__": [_("A target can only be split to the reps of the team.")]}
                        )
                    values[(int(key), metric)] = value
                services.rep_targets_set(by=request.user, team=team, period=period, values=values)
        except InvalidInput as error:
            errors = error.errors
            messages.error(
                request,
                str(error)
                if "__all__" in errors
                else _("Nothing was saved: correct the targets marked below."),
            )
        except AnalyticsError as error:
            raise PermissionDenied(str(error)) from error
        else:
            messages.success(request, _("The split was saved."))
            query = f"?period={period.code}" + (f"&team={team.pk}" if team else "")
            return redirect(reverse("analytics:target-split") + query)
    if team is None:
        split = selectors.team_split(period, list(Team.objects.filter(kind=Team.Kind.TEAM)))
    else:
        split = selectors.rep_split(period, team)
    return render(
        request,
        "analytics/target_split.html",
        {
            "period": period,
            "periods": period_choices(period),
            "team": team,
            "teams": selectors.splittable_teams(request.user),
            "split": split,
            "errors": errors,
            "posted": request.POST if errors else None,
        },
    )


@permission_required("analytics.split_targets", raise_exception=True)
@require_http_methods(["GET", "POST"])
def customer_split(request):
    """`?period=2026-Q2&rep=<id>`: a rep's target split to their key customers (optional), by
    the rep's team manager; a rep outside the manager's teams is not found."""
    period = period_from(request.GET)
    rep_id = request.GET.get("rep", "")
    if not rep_id.isdigit():
        raise Http404
    rep = get_object_or_404(
        User.objects.select_related("team").filter(
            team__in=selectors.splittable_teams(request.user),
            pk__in=User.objects.filter(is_active=True, role__in=roles.SELLS).values("pk"),
        ),
        pk=rep_id,
    )
    errors = {}
    if request.method == "POST":
        values = {}
        try:
            for (key, metric), value in _inputs(request.POST, "c").items():
                if not key.isdigit():
                    raise InvalidInput(
                        {"__all__": [_("A target can only be split to the rep's own customers.")]}
                    )
                values[(int(key), metric)] = value
            services.customer_targets_set(by=request.user, rep=rep, period=period, values=values)
        except InvalidInput as error:
            errors = _named(error.errors, "c")
            messages.error(
                request,
                str(error)
                if "__all__" in errors
                else _("Nothing was saved: correct the targets marked below."),
            )
        except AnalyticsError as error:
            raise PermissionDenied(str(error)) from error
        else:
            messages.success(request, _("The split was saved."))
            return redirect(
                f"{reverse('analytics:customer-split')}?period={period.code}&rep={rep.pk}"
            )
    return render(
        request,
        "analytics/target_customer_split.html",
        {
            "period": period,
            "periods": period_choices(period),
            "rep": rep,
            "split": selectors.customer_split(period, rep),
            "errors": errors,
            "posted": request.POST if errors else None,
        },
    )


@permission_required("analytics.see_analytics", raise_exception=True)
def target_history(request):
    """Every change of the targets the user sees, newest first (who, when, what)."""
    rows = Target.history.select_related("history_user", "team", "rep").order_by(
        "-history_date", "-history_id"
    )
    if not policy.sees_all(request.user):
        teams = policy.team_subtree_ids(request.user.team_id) if request.user.team_id else []
        rows = rows.filter(level=Target.Level.COMPANY) | rows.filter(team_id__in=teams)
    return render(
        request,
        "analytics/target_history.html",
        {"rows": rows[:HISTORY_ROWS], "limit": HISTORY_ROWS},
    )
