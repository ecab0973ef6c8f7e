"""The forecast (销售预测): open opportunities' expected and probability-weighted amounts by
expected close month, by owner or by team, beside the amounts won, for what the user sees;
a manager commits best case / commit per month for a team and sees it against what closed."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from crm_site.errors import DomainError
from teams import access, policy
from teams.models import Team

from .. import capabilities, selectors
from ..errors import InvalidInput
from ..forms.forecast import ForecastCommitForm
from ..pricing import ZERO
from ..services import forecast as forecast_services

MONTHS_SHOWN = 6
MAX_MONTHS = 24


def _add_months(day, count):
    index = day.year * 12 + day.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def _range(params):
    """The first month and the months shown (`?start=2026-10&months=6`): by default from two
    months back to three ahead."""
    today = timezone.localdate().replace(day=1)
    try:
        year, month = (int(part) for part in params.get("start", "").split("-"))
        start = date(year, month, 1)
    except ValueError:
        start = _add_months(today, -2)
    months = params.get("months", "")
    months = min(int(months), MAX_MONTHS) if months.isdigit() and int(months) > 0 else MONTHS_SHOWN
    month_list = [_add_months(start, n) for n in range(months)]
    end = _add_months(start, months).toordinal() - 1
    return month_list, date.fromordinal(end)


def committable_teams(user):
    """The teams `user` commits a forecast for (permissions.can_commit_forecast as a
    queryset): a manager's subtree, every team for a director."""
    if not access.has_capability(user, capabilities.COMMIT_FORECAST):
        return Team.objects.none()
    return Team.objects.filter(policy.teams_q(user)).order_by("name")


def _subtrees(teams):
    """{team id: ids of the team and the teams below it} from one read of the team table."""
    children = {}
    for pk, parent_id in Team.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found = {}
    for team in teams:
        ids, stack = [], [team.pk]
        while stack:
            pk = stack.pop()
            ids.append(pk)
            stack.extend(children.get(pk, ()))
        found[team.pk] = ids
    return found


class ForecastView(PermissionRequiredMixin, TemplateView):
    permission_required = "opportunities.work_with_opportunities"
    raise_exception = True
    template_name = "opportunities/forecast.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        params = self.request.GET
        months, end = _range(params)
        start = months[0]
        # Who sees every team starts by team (a few dozen rows, not one per colleague).
        default = "team" if policy.reach(user) is policy.Reach.ALL else "owner"
        group_by = params.get("group") if params.get("group") in ("owner", "team") else default
        # By owner once (from the running totals where they are kept); teams are summed here.
        by_owner = selectors.forecast_rows_by_owner(user=user, start=start, end=end)
        teams = list(committable_teams(user))
        team_of = self._team_of(by_owner, teams)
        rows = by_owner
        if group_by == "team":
            rows = selectors.forecast_roll_up(by_owner, lambda owner: team_of.get(owner.team_id))
        by_month = {month: [] for month in months}
        for row in rows:
            by_month.setdefault(row.month, []).append(row)
        table = []
        for month in months:
            month_rows = by_month.get(month, [])
            table.append(
                {
                    "month": month,
                    "rows": month_rows,
                    "expected": sum((r.expected for r in month_rows), ZERO),
                    "weighted": sum((r.weighted for r in month_rows), ZERO),
                    "won": sum((r.won for r in month_rows), ZERO),
                    "open_count": sum(r.open_count for r in month_rows),
                    "won_count": sum(r.won_count for r in month_rows),
                }
            )
        context = {
            **super().get_context_data(**kwargs),
            "table": table,
            "group_by": group_by,
            "start": start,
            "months": len(months),
            "previous_start": _add_months(start, -len(months)),
            "next_start": _add_months(start, len(months)),
            "teams": teams,
            "commit_rows": self._commit_rows(teams, by_owner, months, end) if teams else [],
            "form": kwargs.get("form")
            or ForecastCommitForm(
                teams=committable_teams(user),
                initial={
                    "month": timezone.localdate().strftime("%Y-%m"),
                    "team": user.team_id if user.team_id in {t.pk for t in teams} else None,
                },
            ),
        }
        return context

    @staticmethod
    def _team_of(by_owner, teams):
        """{team id: Team} for the owners' teams (the committable ones are loaded already)."""
        found = {team.pk: team for team in teams}
        wanted = {row.key.team_id for row in by_owner if row.key is not None} - set(found)
        wanted.discard(None)
        if wanted:
            found.update(Team.objects.in_bulk(wanted))
        return found

    def _commit_rows(self, teams, by_owner, months, end):
        """Each team × month: the latest commit beside the team subtree's open weighted
        amount and what it won, summed from the rows by owner (one query, the commits)."""
        commits = selectors.forecast_commits(teams=teams, start=months[0], end=end)
        subtrees = _subtrees(teams)
        by_team = {}
        for row in by_owner:
            if row.key is not None:
                by_team.setdefault(row.key.team_id, []).append(row)
        rows = []
        for team in teams:
            parts = selectors.forecast_roll_up(
                [row for pk in subtrees[team.pk] for row in by_team.get(pk, ())],
                lambda owner: None,
            )
            per_month = {row.month: row for row in parts}
            for month in months:
                part = per_month.get(month)
                commit = commits.get((team.pk, month))
                won = part.won if part else ZERO
                rows.append(
                    {
                        "team": team,
                        "month": month,
                        "commit": commit,
                        "weighted": part.weighted if part else ZERO,
                        "won": won,
                        "gap": (won - commit.commit) if commit else None,
                    }
                )
        return rows

    def post(self, request, *args, **kwargs):
        teams = committable_teams(request.user)
        if not access.has_capability(request.user, capabilities.COMMIT_FORECAST):
            raise PermissionDenied
        form = ForecastCommitForm(request.POST, teams=teams)
        if form.is_valid():
            try:
                forecast_services.forecast_commit(by=request.user, **form.cleaned_data)
            except InvalidInput as error:
                for field, found in error.errors.items():
                    form.add_error(field if field in form.fields else None, found)
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("Forecast committed for %(team)s, %(month)s.")
                    % {
                        "team": form.cleaned_data["team"],
                        "month": form.cleaned_data["month"].strftime("%Y-%m"),
                    },
                )
                query = request.GET.urlencode()
                return redirect(reverse("opportunities:forecast") + (f"?{query}" if query else ""))
        return self.render_to_response(self.get_context_data(form=form))
