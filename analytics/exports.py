"""The scorecard rankings to Excel: one row per rep as the reader sees them, Chinese headers,
text cells formula-safe (customers.excel.safe_cell). At most a few hundred rows (one per rep),
so it is written in the request; every export is logged (AnalyticsExport)."""

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from customers.excel import safe_cell

from .models import AnalyticsExport, ScoreMetric

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
METRIC_HEADERS = {
    ScoreMetric.SALES_AMOUNT: "销售额",
    ScoreMetric.COLLECTED: "回款额",
    ScoreMetric.GROSS_MARGIN: "毛利",
    ScoreMetric.NEW_CUSTOMERS: "新增客户",
    ScoreMetric.FOLLOW_UPS: "跟进次数",
    ScoreMetric.WIN_RATE: "赢单率(%)",
    ScoreMetric.TEAMWORK: "团队协作评分",
}
HEADERS = [
    "公司排名",
    "上期公司排名",
    "团队排名",
    "上期团队排名",
    "销售",
    "团队",
    "总分",
    "上期总分",
]


def write_rankings(cards, out, *, period):
    book = Workbook(write_only=True)
    sheet = book.create_sheet(f"排名 {period.code}")
    bold = Font(bold=True)
    header = HEADERS[:]
    for metric in ScoreMetric.values:
        name = METRIC_HEADERS[metric]
        header += [f"{name} 数值", f"{name} 得分", f"{name} 权重(%)", f"{name} 贡献"]
    cells = []
    for text in header:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    for card in cards:
        row = [
            card.company_rank,
            card.previous_company_rank,
            card.team_rank,
            card.previous_team_rank,
            safe_cell(card.rep.display_name),
            safe_cell(card.rep.team.name if card.rep.team else ""),
            card.total,
            card.previous_total,
        ]
        for line in card.lines:
            row += [line.value, line.score, line.weight, line.contribution]
        sheet.append(row)
    book.save(out)


def log(*, by, period, team, rows):
    return AnalyticsExport.objects.create(
        user=by,
        kind=AnalyticsExport.Kind.RANKINGS,
        params={"period": period.code, "team": team.pk if team else None},
        row_count=rows,
    )
