"""The opportunity's own form and its competitors. Forms validate and scope their choices
(customer and contact through `visible_to`); the services re-check and write."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from customers.forms.fields import DateInput
from customers.models import Contact, Customer

from .. import validation
from ..models import Competitor, Opportunity, Source

FIELDS = [
    "name",
    "contact",
    "source",
    "expected_amount",
    "expected_close_date",
    "probability",
    "probability_note",
    "description",
    "analysis",
    "followup_plan",
]


class ContactChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} · {obj.title}" if obj.title else obj.name


class OpportunityForm(forms.ModelForm):
    """Create (with the customer chosen) or edit. The customer is fixed once chosen; the
    contact is one of that customer's, seen by the user."""

    customer = forms.ModelChoiceField(
        label=_("customer"),
        queryset=Customer.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choose a customer."),
            "invalid_choice": _("Choose a customer you may see."),
        },
    )

    class Meta:
        model = Opportunity
        fields = FIELDS
        field_classes = {"contact": ContactChoiceField}
        widgets = {
            "expected_close_date": DateInput,
            "description": forms.Textarea(attrs={"rows": 2}),
            "analysis": forms.Textarea(attrs={"rows": 3}),
            "followup_plan": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {"name": {"required": _("Give the opportunity a name.")}}

    def __init__(self, *args, user, customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.customer = user, customer
        creating = self.instance.pk is None
        customers = Customer.objects.visible_to(user)
        self.fields["customer"].queryset = customers
        self.fields["customer"].initial = customer.pk
        if not creating:
            del self.fields["customer"]
        contact = self.fields["contact"]
        contact.queryset = Contact.objects.visible_to(user).filter(customer=customer)
        contact.empty_label = _("No contact yet")
        contact.error_messages["invalid_choice"] = _("Choose a contact of this customer.")
        self.fields["name"].label = _("Opportunity name")
        self.fields["source"].choices = [("", _("Not recorded"))] + list(Source.choices)
        self.fields["probability"].required = False
        self.fields["probability"].help_text = _(
            "Empty: the stage's default. Above it, a rep adds a note saying why."
        )
        self.fields["expected_amount"].widget.attrs.update({"inputmode": "decimal", "min": "0"})
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            *(["customer"] if creating else []),
            Row(Column("name", css_class="col-md-8"), Column("source", css_class="col-md-4")),
            Row(
                Column("contact", css_class="col-md-4"),
                Column("expected_amount", css_class="col-md-4"),
                Column("expected_close_date", css_class="col-md-4"),
            ),
            Row(
                Column("probability", css_class="col-md-4"),
                Column("probability_note", css_class="col-md-8"),
            ),
            "description",
            Row(
                Column("analysis", css_class="col-md-6"),
                Column("followup_plan", css_class="col-md-6"),
            ),
        )

    def clean_customer(self):
        customer = self.cleaned_data["customer"]
        if customer.pk != self.customer.pk:
            raise forms.ValidationError(_("Choose a customer you may see."))
        return customer

    def clean_expected_amount(self):
        amount = self.cleaned_data["expected_amount"]
        validation.validate_money(amount)
        return amount

    def service_fields(self):
        """The cleaned values as the services take them."""
        return {name: self.cleaned_data.get(name) for name in FIELDS}

    def add_service_errors(self, errors):
        """InvalidInput.errors ({field: [messages]}) shown on their fields."""
        for field, messages in errors.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)


class CompetitorForm(forms.ModelForm):
    class Meta:
        model = Competitor
        fields = ["name", "strengths", "price_position"]
        widgets = {
            "name": forms.TextInput(attrs={"placeholder": _("Competitor's name")}),
            "strengths": forms.TextInput(attrs={"placeholder": _("Their strengths")}),
        }
        error_messages = {"name": {"required": _("Name the competitor.")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["price_position"].choices = [("", _("Price unknown"))] + list(
            Competitor.PricePosition.choices
        )
        for field in self.fields.values():
            select = isinstance(field.widget, forms.Select)
            css = "form-select form-select-sm" if select else "form-control form-control-sm"
            field.widget.attrs.update({"class": css})
