"""Input validation for the opportunities pages; choice fields are scoped with `visible_to`.
One module per area; every form is importable from here (`forms.OpportunityForm`)."""

from .moves import LoseForm, MoveForm, ReopenForm, SkipDecisionForm, SkipRequestForm, TickForm
from .opportunities import CompetitorForm, OpportunityForm
from .settings import LostReasonForm, RequirementForm, SettingsForm, StageForm

__all__ = [
    "CompetitorForm",
    "LoseForm",
    "LostReasonForm",
    "MoveForm",
    "OpportunityForm",
    "ReopenForm",
    "RequirementForm",
    "SettingsForm",
    "SkipDecisionForm",
    "SkipRequestForm",
    "StageForm",
    "TickForm",
]
