"""The KPI dashboard (销售数据分析表, template 8): every KPI of the period and scope with its
target, completion and change year on year, a cut, the 12-month trend, the stage funnel and
the ranking; each figure links to the list of its records. Read through the replica."""

import tempfile

from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.views import View
from django.views.generic import TemplateView

from customers.excel import XLSX_CONTENT_TYPE
from customers.models import Customer, Grade, Industry
from opportunities.models import Product, Source
from teams.models import Team, User

from ..forms.dashboard import DashboardForm
from ..kpis import charts, compute, drill, export, summarised
from ..kpis.access import can_view_dashboard
from ..kpis.definitions import KPIS
from ..models import KpiSettings
from ..router import replica_reads

# The dashboard's sections, in order (codes of analytics.kpis.definitions).
SECTIONS = (
    ("results", ("sales_amount", "sales_count", "collected", "growth", "average_deal")),
    ("margin", ("gross_margin", "gross_margin_rate", "expense_ratio", "budget_use")),
    (
        "customers",
        ("new_customers", "active_customers", "churned_customers", "lead_conversion"),
    ),
    ("pipeline", ("opportunity_conversion", "sales_cycle")),
    (
        "process",
        ("followup_timeliness", "customers_overdue", "approval_lead_time", "satisfaction"),
    ),
)
# The cut table's columns.
CUT_COLUMNS = (
    "sales_amount",
    "sales_count",
    "gross_margin",
    "collected",
    "new_customers",
    "active_customers",
    "opportunity_conversion",
)


def cut_labels(cut, keys):
    """A readable name for each value of a cut (one query for teams, reps, industries,
    products; none for choices)."""
    keys = [k for k in keys if k not in (None, "")]
    if cut == "team":
        return dict(Team.objects.filter(pk__in=keys).values_list("pk", "name"))
    if cut == "rep":
        return {u.pk: u.display_name for u in User.objects.filter(pk__in=keys)}
    if cut == "industry":
        return dict(Industry.objects.filter(pk__in=keys).values_list("pk", "name"))
    if cut == "product":
        return dict(Product.objects.filter(pk__in=keys).values_list("pk", "name"))
    choices = {
        "region": Customer.Region.choices,
        "grade": Grade.choices,
        "source": Source.choices,
    }.get(cut, [])
    return {value: label for value, label in choices}


def dashboard_data(user, params):
    """Everything the page (and the analysis export) shows, for `user` and the query `params`."""
    form = DashboardForm(params or None, user=user)
    form.is_valid()
    start, end = form.period_range()
    scope = form.scope()
    cut = form.chosen_cut()
    settings = KpiSettings.load()
    # The summaries once built (as of their last refresh), except for a cut: read live.
    as_of = summarised.as_of() if cut is None else None
    summaries = as_of is not None
    result = compute.compute(
        scope=scope, start=start, end=end, cut=cut, settings=settings, summaries=summaries
    )
    links = {"start": start, "end": end, "scope": scope, "settings": settings}
    sections = []
    for name, codes in SECTIONS:
        cards = []
        for code in codes:
            figure = result.figures[code]
            cards.append({"figure": figure, "url": drill.drill_url(code, **links)})
        sections.append((name, cards))
    cut_rows = []
    if cut:
        labels = cut_labels(cut, result.cut_rows.keys())
        for key, values in sorted(
            result.cut_rows.items(), key=lambda kv: -(kv[1].get("sales_amount") or 0)
        ):
            cut_rows.append(
                {
                    "key": key,
                    "label": labels.get(key, key) if key not in (None, "") else None,
                    "cells": [
                        {
                            "code": code,
                            "value": values.get(code),
                            "unit": compute.BY_CODE[code].unit,
                            "url": drill.drill_url(code, cut=cut, value=key, **links)
                            if key not in (None, "")
                            else None,
                        }
                        for code in CUT_COLUMNS
                    ],
                }
            )
    funnel = charts.funnel(scope, start, end, summaries=summaries)
    for row in funnel:
        row["url"] = drill.funnel_url(row["stage"].order, scope=scope, start=start, end=end)
    trend = charts.trend(scope, end, summaries=summaries)
    return {
        "form": form,
        "start": start,
        "end": end,
        "previous": result.previous,
        "scope": scope,
        "cut": cut,
        "result": result,
        "sections": sections,
        "cut_columns": [compute.BY_CODE[code] for code in CUT_COLUMNS],
        "cut_rows": cut_rows,
        "funnel": funnel,
        "trend": trend,
        "ranking": charts.ranking(scope, start, end, summaries=summaries),
        "as_of": as_of,
        "kpis": KPIS,
        "settings": settings,
    }


class AnalysisExportView(View):
    """The analysis table of the dashboard's period, scope and cut as .xlsx (logged)."""

    def get(self, request):
        user = request.user
        if not can_view_dashboard(user):
            raise PermissionDenied
        with replica_reads():
            data = dashboard_data(user, request.GET)
        out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes (and so deletes) it
        export.analysis_export(by=user, data=data, params=request.GET, out=out)
        out.seek(0)
        stamp = f"{data['start']:%Y%m%d}-{data['end']:%Y%m%d}"
        return FileResponse(
            out,
            as_attachment=True,
            filename=f"analysis-{stamp}.xlsx",
            content_type=XLSX_CONTENT_TYPE,
        )


class DashboardView(TemplateView):
    template_name = "analytics/dashboard.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        if not can_view_dashboard(user):
            raise PermissionDenied
        with replica_reads():
            data = dashboard_data(user, self.request.GET)
        data["chart_data"] = {
            "trend": data["trend"],
            "funnel": [
                {"name": str(row["stage"].name), "value": row["count"]} for row in data["funnel"]
            ],
            "labels": {
                "sales": str(compute.BY_CODE["sales_amount"].label),
                "collected": str(compute.BY_CODE["collected"].label),
            },
        }
        data["export_query"] = self.request.GET.urlencode()
        return {**super().get_context_data(**kwargs), **data}
