"""The analysis table (销售数据分析表, template 8) as .xlsx: the KPIs with target, actual,
completion, the year before and the change, each with its formula and counting date; the cut,
the funnel and the ranking on their own sheets. Every text cell is formula-safe (customers'
`safe_cell`), and each export is logged (AnalyticsExport, kind "analysis").

The table is bounded (the KPIs, one row per cut value, per stage and per rep of the scope,
a few hundred rows at most), so it is written at once, never queued."""

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from customers.excel import safe_cell

from ..models import AnalyticsExport
from .definitions import Unit

PERCENT_UNITS = (Unit.PERCENT,)


def _number(value, unit):
    if value is None:
        return None
    return float(value)


def _format(unit):
    if unit == Unit.YUAN:
        return "#,##0.00"
    if unit == Unit.PERCENT:
        return "0.0%"
    if unit == Unit.COUNT:
        return "#,##0"
    return "0.0"


def _row(sheet, values, bold=False):
    sheet.append([safe_cell(v) for v in values])
    if bold:
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)


def write_analysis(data, out):
    """Write the dashboard's `data` (views.dashboard.dashboard_data) to `out`; returns the
    number of rows written."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Analysis table")
    scope = data["scope"]
    who = scope.rep.display_name if scope.rep else scope.team.name if scope.team else _("Company")
    _row(sheet, [_("Sales data analysis table")], bold=True)
    _row(sheet, [_("Period"), f"{data['start']:%Y-%m-%d} – {data['end']:%Y-%m-%d}"])
    _row(sheet, [_("Scope"), who])
    previous = data["previous"]
    _row(sheet, [_("Compared with"), f"{previous[0]:%Y-%m-%d} – {previous[1]:%Y-%m-%d}"])
    _row(sheet, [])
    _row(
        sheet,
        [
            _("KPI"),
            _("Target"),
            _("Actual"),
            _("Completion"),
            _("Same period a year before"),
            _("Year on year"),
            _("Formula"),
            _("Date that counts"),
        ],
        bold=True,
    )
    rows = 0
    for _name, cards in data["sections"]:
        for card in cards:
            figure, kpi = card["figure"], card["figure"].kpi
            _row(
                sheet,
                [
                    str(kpi.label),
                    _number(figure.target, kpi.unit),
                    _number(figure.actual, kpi.unit),
                    figure.completion,
                    _number(figure.previous, kpi.unit),
                    figure.yoy,
                    str(kpi.formula),
                    str(kpi.counting_date),
                ],
            )
            line = sheet[sheet.max_row]
            for cell in (line[1], line[2], line[4]):
                cell.number_format = _format(kpi.unit)
            line[3].number_format = line[5].number_format = "0.0%"
            rows += 1
    for column, width in zip("ABCDEFGH", (24, 16, 16, 10, 18, 10, 60, 18), strict=True):
        sheet.column_dimensions[column].width = width

    if data["cut_rows"]:
        cut = book.create_sheet(_("Cut"))
        _row(cut, ["", *[str(kpi.label) for kpi in data["cut_columns"]]], bold=True)
        for row in data["cut_rows"]:
            _row(
                cut,
                [str(row["label"] or _("(none)"))]
                + [_number(c["value"], c["unit"]) for c in row["cells"]],
            )
            rows += 1

    funnel = book.create_sheet(_("Stage funnel"))
    _row(funnel, [_("Stage"), _("Opportunities"), _("From the stage before")], bold=True)
    for row in data["funnel"]:
        _row(funnel, [str(row["stage"].name), row["count"], row["conversion"]])
        rows += 1

    ranking = book.create_sheet(_("Ranking"))
    _row(
        ranking,
        ["#", _("Rep"), _("Sales amount"), _("Contracts signed"), _("Target"), _("Completion")],
        bold=True,
    )
    for row in data["ranking"]:
        _row(
            ranking,
            [
                row["rank"],
                row["user"].display_name,
                float(row["amount"]),
                row["count"],
                _number(row["target"], Unit.YUAN),
                row["completion"],
            ],
        )
        rows += 1
    book.save(out)
    return rows


@transaction.atomic
def analysis_export(*, by, data, params, out):
    """Write the analysis table and log the export (who, the period, scope and cut asked)."""
    count = write_analysis(data, out)
    AnalyticsExport.objects.create(
        user=by,
        kind=AnalyticsExport.Kind.ANALYSIS,
        params={
            **{key: params.getlist(key) for key in params},
            "start": f"{data['start']:%Y-%m-%d}",
            "end": f"{data['end']:%Y-%m-%d}",
        },
        row_count=count,
    )
    return count
