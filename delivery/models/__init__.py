"""The delivery app's models, one module per area (imported here for Django and for
`from delivery.models import …`)."""

from .acceptance import Acceptance, OpenItem
from .assignment import Assignment, DeliveryLead
from .changes import ChangeRequest, ChangeRequestStatusChange
from .plan import Phase, PhaseStatusChange, Plan, ProgressNote

__all__ = [
    "Acceptance",
    "Assignment",
    "ChangeRequest",
    "ChangeRequestStatusChange",
    "DeliveryLead",
    "OpenItem",
    "Phase",
    "PhaseStatusChange",
    "Plan",
    "ProgressNote",
]
