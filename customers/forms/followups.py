"""Follow-ups (the full form and the quick log, with its check-in) and needs surveys."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from teams.models import User

from .. import masking, normalize, validation
from ..models import Contact, Customer, FollowUp, NeedLine, NeedsSurvey
from ..selectors import people_for
from .fields import (
    LOCAL_MINUTE,
    DateInput,
    LocalDateTimeInput,
    NamedEmptyChoices,
    PersonChoiceField,
)

METHOD_ICONS = {
    FollowUp.Method.VISIT: "geo-alt",
    FollowUp.Method.PHONE: "telephone",
    FollowUp.Method.EMAIL: "envelope",
    FollowUp.Method.ONLINE: "camera-video",
    FollowUp.Method.WECHAT: "wechat",
}


class CheckInForm(forms.Form):
    """外勤签到: hidden fields the browser fills with the user's consent; never required."""

    latitude = forms.CharField(required=False, widget=forms.HiddenInput)
    longitude = forms.CharField(required=False, widget=forms.HiddenInput)
    location_accuracy = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_location(self, cleaned, method):
        """Turn the hidden fields into Decimals (or None); drop them unless it is a visit."""
        names = ("latitude", "longitude", "location_accuracy")
        raw = {name: (cleaned.get(name) or "").strip() for name in names}
        empty = dict.fromkeys(names)
        if method != FollowUp.Method.VISIT or not any(raw.values()):
            cleaned.update(empty)
            return
        try:
            values = {name: float(value) if value else None for name, value in raw.items()}
        except ValueError:
            cleaned.update(empty)
            self.add_error(None, _("The check-in location could not be read. Check in again."))
            return
        accuracy = values["location_accuracy"]
        try:
            validation.check_in(
                latitude=values["latitude"], longitude=values["longitude"], accuracy=accuracy
            )
        except ValidationError as error:
            self.add_error(None, error)
        if self.non_field_errors():
            return
        cleaned["latitude"] = Decimal(str(values["latitude"])).quantize(Decimal("0.000001"))
        cleaned["longitude"] = Decimal(str(values["longitude"])).quantize(Decimal("0.000001"))
        cleaned["location_accuracy"] = round(accuracy) if accuracy is not None else None


def _check_followup_fields(form, cleaned, *, day):
    """Rules the full form and the quick log share; `day` is the follow-up's local date."""
    if cleaned.get("executive") and cleaned.get("method") != FollowUp.Method.VISIT:
        form.add_error("executive", _("Only a visit can be an executive visit."))
    due = cleaned.get("next_action_due")
    if due and not cleaned.get("next_action"):
        form.add_error("next_action", _("Say what the next action is, or leave its date empty."))
    if due and day and due < day:
        form.add_error(
            "next_action_due",
            _("The next action cannot be due before the follow-up (%(day)s).")
            % {"day": day.isoformat()},
        )


class FollowUpForm(NamedEmptyChoices, forms.ModelForm):
    """The full follow-up record (客户跟进记录表) from the customer page."""

    next_action_owner = PersonChoiceField(
        label=capfirst(_("next action owner")), queryset=User.objects.none(), required=False
    )

    class Meta:
        model = FollowUp
        fields = [
            "occurred_at",
            "method",
            "executive",
            "contact",
            "goal",
            "summary",
            "feedback",
            "next_action",
            "next_action_owner",
            "next_action_due",
        ]
        widgets = {
            "occurred_at": LocalDateTimeInput(),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "feedback": forms.Textarea(attrs={"rows": 3}),
            "next_action_due": DateInput(),
        }
        error_messages = {
            "summary": {"required": _("Write the key points of the follow-up.")},
            "method": {"required": _("Choose how you were in touch.")},
            "occurred_at": {"required": _("Say when the follow-up took place.")},
        }

    def __init__(self, *args, user, customer, **kwargs):
        super().__init__(*args, instance=FollowUp(customer=customer, author=user), **kwargs)
        self.customer = customer
        self.fields["occurred_at"].input_formats = [LOCAL_MINUTE, "%Y-%m-%d %H:%M"]
        self.initial["occurred_at"] = timezone.localtime().replace(second=0, microsecond=0)
        contact = self.fields["contact"]
        contact.queryset = Contact.objects.visible_to(user).filter(customer=customer)
        contact.error_messages["invalid_choice"] = _("Choose a contact of this customer.")
        owner = self.fields["next_action_owner"]
        owner.queryset = people_for(user, customer)
        owner.initial = user.pk
        owner.error_messages["invalid_choice"] = _(
            "The next action's owner must be someone who sees this customer."
        )
        self.fields["executive"].help_text = _("Only for a visit at senior management level.")

    def clean_occurred_at(self):
        return validation.followup_time(self.cleaned_data["occurred_at"])

    def clean(self):
        cleaned = super().clean()
        when = cleaned.get("occurred_at")
        _check_followup_fields(self, cleaned, day=timezone.localdate(when) if when else None)
        return cleaned


class QuickLogForm(CheckInForm):
    """The phone form: customer, method, key points, next action and its date."""

    customer = forms.ModelChoiceField(
        label=_("customer"),
        queryset=Customer.objects.none(),
        error_messages={
            "required": _("Pick a customer."),
            "invalid_choice": _("Pick a customer from the search results."),
        },
    )
    method = forms.ChoiceField(
        label=_("method"),
        choices=FollowUp.Method.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how you were in touch.")},
    )
    executive = forms.BooleanField(label=_("executive visit"), required=False)
    summary = forms.CharField(
        label=_("key points"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write the key points of the follow-up.")},
    )
    next_action = forms.CharField(label=_("next action"), max_length=200, required=False)
    next_action_due = forms.DateField(label=_("next action due"), required=False, widget=DateInput)
    # Whom the visit met: one of the customer's contacts, or a new one (name and phone).
    contact = forms.ModelChoiceField(
        label=_("contact"),
        queryset=Contact.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Choose a contact of this customer.")},
    )
    new_contact_name = forms.CharField(label=_("new contact's name"), max_length=60, required=False)
    new_contact_phone = forms.CharField(
        label=_("new contact's phone"), max_length=30, required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["customer"].queryset = Customer.objects.visible_to(user).select_related("owner")
        self.fields["contact"].queryset = Contact.objects.visible_to(user)

    def contacts_of(self, customer):
        """The contact choices of `customer` (key contacts first) and the chosen one's pk."""
        if customer is None:
            return [], ""
        contacts = list(customer.contacts.order_by("-is_key", "name", "pk"))
        masking.mask_customer(self.user, customer, contacts)
        return contacts, str(self["contact"].value() or "")

    def method_buttons(self):
        """The methods as big buttons: value, label, icon, checked."""
        current = str(self["method"].value() or "")
        return [
            {"value": v, "label": label, "icon": METHOD_ICONS[v], "checked": current == v}
            for v, label in FollowUp.Method.choices
        ]

    def clean_customer(self):
        customer = self.cleaned_data["customer"]
        if not self.user.has_perm("customers.log_followup", customer):
            raise forms.ValidationError(
                _("You may read this customer but not log follow-ups for it.")
            )
        return customer

    def clean(self):
        cleaned = super().clean()
        _check_followup_fields(self, cleaned, day=timezone.localdate())
        self.clean_location(cleaned, cleaned.get("method"))
        customer, contact = cleaned.get("customer"), cleaned.get("contact")
        if contact is not None and customer is not None and contact.customer_id != customer.pk:
            self.add_error("contact", _("Choose a contact of this customer."))
        name = (cleaned.get("new_contact_name") or "").strip()
        phone = (cleaned.get("new_contact_phone") or "").strip()
        if phone and not name:
            self.add_error("new_contact_name", _("Give the new contact's name."))
        if name and contact is not None:
            self.add_error("new_contact_name", _("Pick a contact or add a new one, not both."))
        if phone and not normalize.is_valid_phone(phone):
            self.add_error(
                "new_contact_phone",
                _("Enter a phone number of 7 to 15 digits, e.g. 021-6234 5678 or 138 0013 8000."),
            )
        cleaned["new_contact_name"], cleaned["new_contact_phone"] = name, phone
        return cleaned


class TaskForm(NamedEmptyChoices, forms.Form):
    """A task made by hand: what, by when, and for which customer (none: free-standing)."""

    title = forms.CharField(
        label=_("task"),
        max_length=200,
        error_messages={"required": _("Say what the task is.")},
    )
    due_date = forms.DateField(
        label=_("due"),
        widget=DateInput,
        error_messages={"required": _("Give the task a due date.")},
    )
    customer = forms.ModelChoiceField(
        label=_("customer"),
        queryset=Customer.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Pick a customer from the search results.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["customer"].queryset = Customer.objects.visible_to(user).select_related("owner")
        self.initial.setdefault("due_date", timezone.localdate())

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due < timezone.localdate():
            raise forms.ValidationError(_("A new task cannot be due in the past."))
        return due

    def clean_customer(self):
        customer = self.cleaned_data["customer"]
        if customer is not None and not self.user.has_perm("customers.log_followup", customer):
            raise forms.ValidationError(_("You may read this customer but not add tasks to it."))
        return customer


class NeedsSurveyForm(NamedEmptyChoices, forms.ModelForm):
    """需求调研表 (template 2), without its need lines (NeedLineFormSet)."""

    surveyor = PersonChoiceField(label=capfirst(_("surveyor")), queryset=User.objects.none())

    class Meta:
        model = NeedsSurvey
        fields = [
            "survey_date",
            "surveyor",
            "respondent",
            "respondent_title",
            "pain_points",
            "budget_min",
            "budget_max",
            "decision_process",
        ]
        widgets = {
            "survey_date": DateInput(),
            "pain_points": forms.Textarea(attrs={"rows": 3}),
            "decision_process": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "respondent": {"required": _("Say whom you surveyed.")},
            "pain_points": {"required": _("Write the customer's pain points.")},
        }

    def __init__(self, *args, user, customer, **kwargs):
        super().__init__(*args, instance=NeedsSurvey(customer=customer), **kwargs)
        self.initial["survey_date"] = timezone.localdate()
        surveyor = self.fields["surveyor"]
        surveyor.queryset = people_for(user, customer)
        self.initial["surveyor"] = user.pk
        surveyor.error_messages["required"] = _("Choose who did the survey.")
        surveyor.error_messages["invalid_choice"] = _(
            "The surveyor must be someone who sees this customer."
        )
        for name in ("budget_min", "budget_max"):
            self.fields[name].widget.attrs["min"] = "0"

    def clean(self):
        cleaned = super().clean()
        try:
            validation.amounts(
                budget_min=cleaned.get("budget_min"), budget_max=cleaned.get("budget_max")
            )
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned


class NeedLineForm(NamedEmptyChoices, forms.ModelForm):
    class Meta:
        model = NeedLine
        fields = ["description", "priority"]
        error_messages = {"priority": {"required": _("Is this need a must-have or a value-add?")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].required = False  # a blank row is ignored
        self.fields["description"].widget.attrs.update(
            {"class": "form-control", "placeholder": _("Describe one need")}
        )
        self.fields["priority"].widget.attrs["class"] = "form-select"

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("description") or "").strip():
            self.errors.pop("priority", None)
            cleaned["description"] = ""
        return cleaned


class BaseNeedLineFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not self.lines():
            raise forms.ValidationError(_("Add at least one need."))

    def lines(self):
        """(description, priority) of the filled rows."""
        return [
            (form.cleaned_data["description"].strip(), form.cleaned_data["priority"])
            for form in self.forms
            if form.cleaned_data.get("description", "").strip()
        ]


NeedLineFormSet = forms.formset_factory(
    NeedLineForm, formset=BaseNeedLineFormSet, extra=3, max_num=30, validate_max=True
)
