"""Scorecards: the ranking and each rep's explained score; the rankings to Excel; the
director's weights; the managers' teamwork ratings.

What a reader sees of the ranking: who sees all, every rep; a manager, the reps of their team
subtree; a rep, their own score explained and their ranks, and their team's ranking as
positions only (names and ranks without scores, unless the admin setting shows them)."""

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from teams import policy, roles
from teams.models import Team

from .. import exports, permissions, validation
from ..errors import InvalidInput
from ..kpis import summarised
from ..models import METRIC_GROUP, ScorecardSettings, ScoreGroup, ScoreMetric, TeamworkRating
from ..selectors import scorecards as selectors
from ..services import scorecards as services
from .common import period_choices, period_from


def _visible_cards(user, cards, team_id):
    """The cards `user` sees with figures, and whether the rest of the team shows as positions
    only (a rep)."""
    if policy.sees_all(user):
        seen = cards
    elif roles.has_role(user, roles.LEADS_TEAM):
        seen = [c for c in cards if policy.reaches_owner(user, c.rep)]
    else:
        seen = [c for c in cards if c.rep.pk == user.pk]
    if team_id:
        seen = [c for c in seen if c.rep.team_id == team_id]
    return seen


def _team_param(request):
    value = request.GET.get("team", "")
    if not value:
        return None
    if not value.isdigit():
        raise Http404
    return int(value)


@permission_required("analytics.see_scorecards", raise_exception=True)
def scorecard_page(request):
    user = request.user
    period = period_from(request.GET, default_granularity="month")
    team_id = _team_param(request)
    as_of = summarised.as_of()
    cards = selectors.scorecards(period, summaries=as_of is not None)
    seen = _visible_cards(user, cards, team_id)
    is_rep = not permissions.sees_analytics(user)
    team_positions = []
    if is_rep and user.team_id:
        figures = ScorecardSettings.load().reps_see_team_figures
        team_positions = [
            {"card": c, "figures": figures or c.rep.pk == user.pk}
            for c in sorted(cards, key=lambda c: (c.team_rank, c.rep.username))
            if c.rep.team_id == user.team_id
        ]
    chosen = None
    rep_param = request.GET.get("rep", "")
    if rep_param:
        if not rep_param.isdigit():
            raise Http404
        chosen = next((c for c in seen if c.rep.pk == int(rep_param)), None)
        if chosen is None:
            raise Http404
    elif seen:
        chosen = next((c for c in seen if c.rep.pk == user.pk), seen[0])
    teams = (
        Team.objects.filter(policy.teams_q(user), kind=Team.Kind.TEAM).order_by("name")
        if not is_rep
        else Team.objects.none()
    )
    groups = []
    if chosen is not None:
        for group, label in ScoreGroup.choices:
            lines = [line for line in chosen.lines if line.group == group]
            groups.append({"label": label, "lines": lines})
    return render(
        request,
        "analytics/scorecards.html",
        {
            "period": period,
            "periods": period_choices(period),
            "previous": period.previous(),
            "cards": seen if not is_rep else [],
            "chosen": chosen,
            "groups": groups,
            "is_rep": is_rep,
            "team_positions": team_positions,
            "teams": teams,
            "team_id": team_id,
            "company_size": len(cards),
            "as_of": as_of,
        },
    )


@require_POST
@permission_required("analytics.see_analytics", raise_exception=True)
def rankings_export(request):
    period = period_from(request.GET, default_granularity="month")
    team_id = _team_param(request)
    team = None
    if team_id:
        team = Team.objects.filter(policy.teams_q(request.user), pk=team_id).first()
        if team is None:
            raise Http404
    as_of = summarised.as_of()
    seen = _visible_cards(
        request.user, selectors.scorecards(period, summaries=as_of is not None), team_id
    )
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes (and so deletes) it
    exports.write_rankings(seen, out, period=period)
    exports.log(by=request.user, period=period, team=team, rows=len(seen))
    out.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(
        out,
        as_attachment=True,
        filename=f"rankings-{period.code}-{stamp}.xlsx",
        content_type=exports.XLSX_CONTENT_TYPE,
    )


@permission_required("analytics.set_weights", raise_exception=True)
@require_http_methods(["GET", "POST"])
def weights_page(request):
    settings_row = ScorecardSettings.load()
    may_set_figures = request.user.has_perm("teams.manage_settings")
    current = selectors.weights()
    errors = {}
    values = current
    if request.method == "POST":
        if request.POST.get("action") == "settings":
            if not may_set_figures:
                raise PermissionDenied
            settings_row.reps_see_team_figures = request.POST.get("reps_see_team_figures") == "on"
            settings_row._history_user = request.user
            settings_row.save()
            messages.success(request, _("The scorecard settings were saved."))
            return redirect("analytics:scorecard-weights")
        values = {m: request.POST.get(f"w-{m}", "").strip() for m in ScoreMetric.values}
        try:
            services.weights_set(by=request.user, values=values)
        except InvalidInput as error:
            errors = error.errors
            messages.error(request, str(error))
        else:
            messages.success(request, _("The scorecard weights were saved."))
            return redirect("analytics:scorecard-weights")
    groups = []
    for group, label in ScoreGroup.choices:
        metrics = [m for m in ScoreMetric if METRIC_GROUP[m] == group]
        groups.append(
            {
                "label": label,
                "rows": [
                    {
                        "metric": m,
                        "label": m.label,
                        "name": f"w-{m.value}",
                        "value": values.get(m.value, ""),
                        "errors": errors.get(m.value, []),
                    }
                    for m in metrics
                ],
            }
        )
    return render(
        request,
        "analytics/scorecard_weights.html",
        {
            "groups": groups,
            "form_errors": errors.get("__all__", []),
            "total": sum(current.values()),
            "settings_row": settings_row,
            "may_set_figures": may_set_figures,
        },
    )


@permission_required("analytics.rate_teamwork", raise_exception=True)
@require_http_methods(["GET", "POST"])
def ratings_page(request):
    user = request.user
    period = period_from(request.GET, default_granularity="month")
    reps = [rep for rep in selectors.scored_reps() if permissions.can_rate(user, rep)]
    saved = {
        row.rep_id: row
        for row in TeamworkRating.objects.visible_to(user).filter(
            granularity=period.granularity, period_start=period.start
        )
    }
    errors = {}
    if request.method == "POST":
        wanted = []
        for rep in reps:
            value = request.POST.get(f"r-{rep.pk}", "").strip()
            comment = request.POST.get(f"c-{rep.pk}", "").strip()
            if not value:
                continue
            try:
                rating = validation.rating(int(value) if value.isdigit() else value)
            except ValidationError as error:
                errors[rep.pk] = error.messages
                continue
            wanted.append((rep, rating, comment))
        if errors:
            messages.error(request, _("Nothing was saved: correct the ratings marked below."))
        else:
            with transaction.atomic():
                for rep, rating, comment in wanted:
                    services.rating_set(
                        by=user, rep=rep, period=period, rating=rating, comment=comment
                    )
            messages.success(request, _("The ratings were saved."))
            return redirect(f"{reverse('analytics:teamwork-ratings')}?period={period.code}")
    rows = [
        {
            "rep": rep,
            "saved": saved.get(rep.pk),
            "value": request.POST.get(f"r-{rep.pk}", "") if errors else "",
            "errors": errors.get(rep.pk, []),
        }
        for rep in reps
    ]
    return render(
        request,
        "analytics/teamwork_ratings.html",
        {"period": period, "periods": period_choices(period), "rows": rows, "errors": errors},
    )
