"""The after-sales forms: input validation only (rules from validation.py), choices scoped."""

from .complaints import CloseForm, ComplaintForm, ReopenForm, ResolveForm
from .records import AssignForm, CrossSellForm, DeadlineForm, RecordForm, RegionForm

__all__ = [
    "AssignForm",
    "CloseForm",
    "ComplaintForm",
    "CrossSellForm",
    "DeadlineForm",
    "RecordForm",
    "RegionForm",
    "ReopenForm",
    "ResolveForm",
]
