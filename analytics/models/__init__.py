"""The analytics app's models, one module per area."""

from .expenses import Budget, Category, Expense
from .kpi_settings import KpiSettings
from .scorecards import (
    METRIC_GROUP,
    ScorecardWeight,
    ScoreGroup,
    ScoreMetric,
    TeamworkRating,
)
from .targets import Metric, Target

__all__ = [
    "METRIC_GROUP",
    "Budget",
    "Category",
    "Expense",
    "KpiSettings",
    "Metric",
    "ScoreGroup",
    "ScoreMetric",
    "ScorecardWeight",
    "Target",
    "TeamworkRating",
]
