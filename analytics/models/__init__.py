"""The analytics app's models, one module per area."""

from .expenses import Budget, Category, Expense
from .exports import AnalyticsExport
from .kpi_settings import KpiSettings
from .scorecards import (
    METRIC_GROUP,
    ScorecardSettings,
    ScorecardWeight,
    ScoreGroup,
    ScoreMetric,
    TeamworkRating,
)
from .summaries import Buyer, CustomerYear, DailyFunnel, DailySummary, MonthlySummary, SummaryState
from .targets import Metric, Target

__all__ = [
    "METRIC_GROUP",
    "AnalyticsExport",
    "Budget",
    "Buyer",
    "Category",
    "CustomerYear",
    "DailyFunnel",
    "DailySummary",
    "Expense",
    "KpiSettings",
    "Metric",
    "MonthlySummary",
    "ScoreGroup",
    "ScoreMetric",
    "ScorecardSettings",
    "ScorecardWeight",
    "SummaryState",
    "Target",
    "TeamworkRating",
]
