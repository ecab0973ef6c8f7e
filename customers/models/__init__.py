"""Customers, contacts, tags, follow-ups, tasks, needs surveys and the records around them.

One module per area; every model is importable from here (`from customers.models import X`).
Money on a customer (budget, annual purchase estimate, grade thresholds) is in 万元 (10,000
CNY), the unit the users think in.
"""

from .activity import FollowUp, NeedLine, NeedsSurvey, Task
from .customer import (
    Contact,
    Customer,
    CustomerShare,
    CustomerStatusChange,
    Grade,
    Industry,
    Tag,
)
from .grading import GradeChange, GradeProposal, GradingSettings
from .leads import DisqualifyReason, InboundRouting, LeadScreening, ScreeningSettings
from .lists import ExportLog, ExportStatusChange, ImportLog, ListColumns, SavedView
from .ownership import Handover, Merge
from .pools import OwnershipChange, Pool, ReclaimWarning

__all__ = [
    "Contact",
    "Customer",
    "CustomerShare",
    "CustomerStatusChange",
    "DisqualifyReason",
    "ExportLog",
    "ExportStatusChange",
    "FollowUp",
    "Grade",
    "GradeChange",
    "GradeProposal",
    "GradingSettings",
    "Handover",
    "ImportLog",
    "InboundRouting",
    "Industry",
    "LeadScreening",
    "Merge",
    "NeedLine",
    "NeedsSurvey",
    "ListColumns",
    "OwnershipChange",
    "Pool",
    "ReclaimWarning",
    "SavedView",
    "ScreeningSettings",
    "Tag",
    "Task",
]
