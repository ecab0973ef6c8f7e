"""The delivery forms, one module per area; they validate input (calling validation.py) and
never save: the views hand `cleaned_data` to a service."""

from .acceptance import AcceptanceForm, CloseItemForm
from .assignment import AssignForm, LeadForm
from .changes import ChangeDecisionForm, ChangeRequestForm
from .plan import NoteForm, PercentForm, PhaseForm

__all__ = [
    "AcceptanceForm",
    "AssignForm",
    "ChangeDecisionForm",
    "ChangeRequestForm",
    "CloseItemForm",
    "LeadForm",
    "NoteForm",
    "PercentForm",
    "PhaseForm",
]


def add_errors(form, errors):
    """A service's InvalidInput `errors` ({field: [messages]}) on the form."""
    for field, messages in errors.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)
