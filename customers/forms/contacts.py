"""A customer's contacts, and sharing it with a colleague (协作人)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .. import validation
from ..models import Contact
from ..selectors import colleague_choices
from .fields import NamedEmptyChoices, UserField
from .records import _valid_phone


class ContactForm(NamedEmptyChoices, forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "title", "phone", "email", "wechat", "decision_role", "is_key"]
        error_messages = {"name": {"required": _("Give the contact's name.")}}
        labels = {"name": _("Full name")}  # 姓名: a person's name, not a company's 名称

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["phone"].widget.input_type = "tel"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("name", css_class="col-sm-6"), Column("title", css_class="col-sm-6")),
            Row(Column("phone", css_class="col-sm-6"), Column("email", css_class="col-sm-6")),
            Row(
                Column("wechat", css_class="col-sm-6"),
                Column("decision_role", css_class="col-sm-6"),
            ),
            "is_key",
        )

    def clean_phone(self):
        return _valid_phone(self.cleaned_data["phone"])


class ShareForm(NamedEmptyChoices, forms.Form):
    """Share a customer with a colleague (协作人): `validation.colleague` says who."""

    READ, EDIT = "read", "edit"

    user = UserField(
        label=capfirst(_("colleague")),
        error_messages={
            "required": _("Choose a colleague."),
            "invalid_choice": _("Choose an active sales colleague."),
        },
    )
    access = forms.ChoiceField(
        label=capfirst(_("access")),
        choices=[(READ, _("Read only")), (EDIT, _("Can edit"))],
        initial=READ,
    )

    def __init__(self, *args, user, customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.customer = customer
        self.fields["user"].queryset = colleague_choices(customer)
        self.fields["user"].widget.params = {"for": "colleague", "customer": customer.pk}
        self.fields["access"].widget.attrs["class"] = "form-select"

    def clean_user(self):
        return validation.colleague(self.customer, self.cleaned_data["user"])

    @property
    def can_edit(self):
        return self.cleaned_data["access"] == self.EDIT
