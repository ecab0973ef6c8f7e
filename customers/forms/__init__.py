"""Input validation for the customers pages; choice fields are scoped with `visible_to`.

One module per area (records, contacts, followups, grading, ownership, lists, excel) and the
fields they share (fields.py, with the user picker); the rules they check are
customers/validation.py's. Every form is importable from here (`forms.CustomerForm`).
"""

from .contacts import ContactForm, ShareForm
from .excel import CustomerImportForm
from .followups import (
    CheckInForm,
    FollowUpForm,
    NeedLineForm,
    NeedLineFormSet,
    NeedsSurveyForm,
    QuickLogForm,
    TaskForm,
)
from .grading import GradeDecisionForm, GradingSettingsForm
from .lists import CustomerBulkForm, SavedViewForm
from .ownership import HandoverForm, HandoverSourceForm, MergeConfirmForm
from .records import CustomerForm

__all__ = [
    "CheckInForm",
    "ContactForm",
    "CustomerBulkForm",
    "CustomerForm",
    "CustomerImportForm",
    "FollowUpForm",
    "GradeDecisionForm",
    "GradingSettingsForm",
    "HandoverForm",
    "HandoverSourceForm",
    "MergeConfirmForm",
    "NeedLineForm",
    "NeedLineFormSet",
    "NeedsSurveyForm",
    "QuickLogForm",
    "SavedViewForm",
    "ShareForm",
    "TaskForm",
]
