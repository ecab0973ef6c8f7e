"""Input validation for the contract pages, one module per area; every form is importable
from here (`forms.ContractHeaderForm`). Forms only validate: the services write."""

from .actions import AttachmentForm, CancelForm, SignForm
from .contracts import ContractHeaderForm, line_formset
from .lists import ContractFilterForm
from .payments import CollectionForm, InvoiceForm, PaymentForm, plan_formset

__all__ = [
    "AttachmentForm",
    "CancelForm",
    "CollectionForm",
    "ContractFilterForm",
    "ContractHeaderForm",
    "InvoiceForm",
    "PaymentForm",
    "SignForm",
    "line_formset",
    "plan_formset",
]


def add_service_errors(form, errors):
    """InvalidInput.errors ({field: [messages]}) shown on their fields (else on the form)."""
    for field, messages in errors.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)
