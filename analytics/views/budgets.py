"""Budgets per team, period and category (the director sets them), and budget use per team
and per rep (approved expenses against the budget)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from teams import policy
from teams.models import Team, User

from .. import expenses, permissions
from ..errors import AnalyticsError, InvalidInput
from ..models import Budget, Category
from ..services import expenses as services
from .common import period_choices, period_from


@permission_required("analytics.see_analytics", raise_exception=True)
@require_http_methods(["GET", "POST"])
def budget_page(request):
    period = period_from(request.GET)
    teams = list(
        Team.objects.filter(policy.teams_q(request.user), kind=Team.Kind.TEAM).order_by("name")
    )
    can_edit = permissions.can_set_targets(request.user)
    errors = {}
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        team_ids = {team.pk for team in teams}
        values = {}
        for name, value in request.POST.items():
            parts = name.split("-", 2)
            if len(parts) != 3 or parts[0] != "b":
                continue
            if not parts[1].isdigit() or int(parts[1]) not in team_ids:
                raise Http404
            if parts[2] not in Category.values:
                raise Http404
            values[(int(parts[1]), parts[2])] = value.strip()
        try:
            services.budgets_set(by=request.user, period=period, values=values)
        except InvalidInput as error:
            errors = {f"b-{k}": v for k, v in error.errors.items()}
            messages.error(request, _("Nothing was saved: correct the budgets marked below."))
        except AnalyticsError as error:
            raise PermissionDenied(str(error)) from error
        else:
            messages.success(request, _("The budgets were saved."))
            return redirect(f"{reverse('analytics:budgets')}?period={period.code}")
    team_ids = [team.pk for team in teams]
    saved = {
        (row.team_id, row.category): row.amount
        for row in Budget.objects.filter(
            granularity=period.granularity, period_start=period.start, team_id__in=team_ids
        )
    }
    use = {
        row.team_id: row for row in expenses.budget_use(period.start, period.end, team_ids=team_ids)
    }
    rep_ids = {rep_id for row in use.values() for rep_id in row.per_rep}
    names = {u.pk: u.display_name for u in User.objects.filter(pk__in=rep_ids)}
    table = []
    for team in teams:
        row = use.get(team.pk)
        table.append(
            {
                "team": team,
                "budgets": [
                    (
                        category,
                        label,
                        f"b-{team.pk}-{category}",
                        saved.get((team.pk, category)),
                    )
                    for category, label in Category.choices
                ],
                "use": row,
                "reps": sorted(
                    ((names.get(rep_id, "—"), spent) for rep_id, spent in row.per_rep.items()),
                    key=lambda item: -item[1],
                )
                if row
                else [],
            }
        )
    return render(
        request,
        "analytics/budgets.html",
        {
            "period": period,
            "periods": period_choices(period),
            "table": table,
            "categories": Category.choices,
            "can_edit": can_edit,
            "errors": errors,
            "posted": request.POST if errors else None,
        },
    )
