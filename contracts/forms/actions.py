"""The small forms of a contract's actions: sign (date and signed copy), cancel (reason),
add an attachment. The file's type and size are checked by validation.check_attachment."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from customers.forms.fields import DateInput

from .. import validation
from ..models import Attachment


class _FileField(forms.FileField):
    """A contract file: its type read from its content, at most 20 MB."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            validation.check_attachment(upload)
        return upload


def _styled(form):
    for field in form.fields.values():
        field.widget.attrs.setdefault("class", "form-control")


class SignForm(forms.Form):
    signed_on = forms.DateField(label=_("signed on"), widget=DateInput())
    signed_copy = _FileField(
        label=_("Signed copy"),
        help_text=_("The scanned contract as signed: PDF, JPG or PNG, at most 20 MB."),
        error_messages={"required": _("Upload the signed copy.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("why cancelled"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the contract is cancelled.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Say why the contract is cancelled."))
        return reason


class AttachmentForm(forms.Form):
    file = _FileField(
        label=_("file"),
        help_text=_("PDF, Word (.docx), Excel (.xlsx), JPG or PNG, at most 20 MB."),
    )
    kind = forms.ChoiceField(label=_("kind"), choices=Attachment.Kind.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)
        self.fields["kind"].widget.attrs["class"] = "form-select"
