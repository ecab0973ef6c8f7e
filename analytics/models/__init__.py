"""The analytics app's models, one module per area."""

from .expenses import Budget, Category, Expense
from .exports import AnalyticsExport
from .scorecards import (
    METRIC_GROUP,
    ScorecardSettings,
    ScorecardWeight,
    ScoreGroup,
    ScoreMetric,
    TeamworkRating,
)
from .targets import Metric, Target

__all__ = [
    "METRIC_GROUP",
    "AnalyticsExport",
    "Budget",
    "Category",
    "Expense",
    "Metric",
    "ScoreGroup",
    "ScoreMetric",
    "ScorecardSettings",
    "ScorecardWeight",
    "Target",
    "TeamworkRating",
]
