"""The Excel import's upload: every row checked before anything is written."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import excel, xlsx
from .fields import NamedEmptyChoices


class CustomerImportForm(NamedEmptyChoices, forms.Form):
    """An .xlsx in the layout of the import template, at most 10 MB. Every row is checked
    before anything is written: after `is_valid()`, `rows` holds the rows for
    `services.customers_import`, or `problems` lists each row, column and message."""

    routed = False  # inbound leads: the team's routing chooses the owner (InboundImportForm)

    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{excel.XLSX_CONTENT_TYPE}"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.rows, self.problems = [], []
        self.helper = FormHelper()
        self.helper.form_id = "import-form"
        self.helper.add_input(Submit("submit", _("Check and import")))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > xlsx.MAX_BYTES:
            raise forms.ValidationError(
                _(
                    "The file is %(size).1f MB; at most 10 MB can be imported at once. Split it "
                    "into several files."
                ),
                params={"size": upload.size / 1024 / 1024},
            )
        try:
            with excel.open_workbook(upload) as book:
                self.rows, self.problems = excel.parse_workbook(
                    book, user=self.user, routed=self.routed
                )
        except xlsx.Refused as refused:
            # Not a workbook, damaged, or a bound reached: nothing of it is kept.
            self.rows, self.problems = [], []
            raise forms.ValidationError(refused.message) from None
        if self.problems:
            self.rows = []
            raise forms.ValidationError(
                ngettext(
                    "Nothing was imported: the file has %(count)d problem. Fix it and upload "
                    "the file again.",
                    "Nothing was imported: the file has %(count)d problems. Fix them and upload "
                    "the file again.",
                    len(self.problems),
                ),
                params={"count": len(self.problems)},
            )
        return upload
