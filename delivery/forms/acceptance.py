from django import forms
from django.utils.translation import gettext_lazy as _

from customers.forms.fields import DateInput

from ..models import Acceptance


class AcceptanceForm(forms.ModelForm):
    """项目验收报告 (template 6). Open items one a line."""

    open_items = forms.CharField(
        label=_("Open items (one a line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for a conditional pass or a fail."),
    )
    scan = forms.FileField(label=_("Signed scan (PDF, JPG or PNG)"))

    class Meta:
        model = Acceptance
        fields = [
            "accepted_on",
            "accepted_by_name",
            "accepted_by_title",
            "scope",
            "result",
            "open_items",
            "open_issues",
            "signatory",
            "scan",
        ]
        widgets = {
            "accepted_on": DateInput,
            "scope": forms.Textarea(attrs={"rows": 3}),
            "open_issues": forms.Textarea(attrs={"rows": 2}),
            "result": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].choices = Acceptance.Result.choices  # no blank radio

    def _post_clean(self):
        pass

    def items(self):
        return (self.cleaned_data.get("open_items") or "").splitlines()


class CloseItemForm(forms.Form):
    note = forms.CharField(label=_("How it was closed"), max_length=300)
