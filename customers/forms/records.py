"""Template 1 (客户信息登记表): the customer form, with duplicate detection."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from crm_site.transitions import InvalidTransition
from teams import policy
from teams.models import User

from .. import normalize, validation
from ..models import Contact, Customer, Industry
from ..permissions import can_change_owner, manages_customers
from ..selectors import duplicate_matches, duplicate_rows
from .fields import DateInput, NamedEmptyChoices, UserField


def _valid_phone(value):
    value = (value or "").strip()
    if value and not normalize.is_valid_phone(value):
        raise forms.ValidationError(
            _("Enter a phone number of 7 to 15 digits, e.g. 021-6234 5678 or 138 0013 8000.")
        )
    return value


class CustomerForm(NamedEmptyChoices, forms.ModelForm):
    """Template 1 (客户信息登记表), tags and grade; the first contact on create.

    Duplicate detection runs over ALL customers (`_find_duplicates`): the same name or credit
    code is refused; a near match needs "save anyway".
    """

    CONTACT_FIELDS = ("name", "title", "phone", "email", "wechat", "decision_role", "is_key")

    grade_reason = forms.CharField(
        label=capfirst(_("why this grade")),
        max_length=300,
        required=False,
        help_text=_("Kept in the grade history when the grade changes."),
    )
    save_anyway = forms.BooleanField(
        label=_("This is a different company: save anyway"), required=False
    )
    contact_name = forms.CharField(label=_("Full name"), max_length=60, required=False)
    contact_title = forms.CharField(label=capfirst(_("title")), max_length=60, required=False)
    contact_phone = forms.CharField(label=capfirst(_("phone")), max_length=30, required=False)
    contact_email = forms.EmailField(label=capfirst(_("email")), required=False)
    contact_wechat = forms.CharField(label=_("WeChat"), max_length=60, required=False)
    contact_decision_role = forms.ChoiceField(
        label=capfirst(_("role in the decision")),
        choices=[("", _("Please choose")), *Contact.DecisionRole.choices],
        required=False,
    )
    contact_is_key = forms.BooleanField(
        label=capfirst(_("key contact")), required=False, initial=True
    )

    class Meta:
        model = Customer
        fields = [
            "name",
            "credit_code",
            "status",
            "owner",
            "industry",
            "employee_band",
            "revenue_band",
            "region",
            "address",
            "legal_representative",
            "phone",
            "main_business",
            "lead_source",
            "initial_need",
            "decision_process",
            "budget_min",
            "budget_max",
            "expected_purchase_date",
            "annual_purchase_estimate",
            "strategic",
            "grade_source",
            "grade",
            "tags",
            "notes",
        ]
        widgets = {
            "main_business": forms.Textarea(attrs={"rows": 2}),
            "initial_need": forms.Textarea(attrs={"rows": 2}),
            "decision_process": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "expected_purchase_date": DateInput(),
            "grade_source": forms.RadioSelect,
            "tags": forms.CheckboxSelectMultiple,
        }
        error_messages = {"name": {"required": _("Give the customer's name.")}}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.creating = self.instance.pk is None
        self.duplicates = []
        industry = self.fields["industry"]
        industry.queryset = Industry.objects.filter(
            Q(is_active=True) | Q(pk=self.instance.industry_id or 0)
        )
        if self.offers_owner():
            # Whom the user may give it to, and whoever has it now (left as it is).
            keep = self.instance.owner_id
            if self.creating and validation.may_own_customers(user):
                keep = user.pk
            self.fields["owner"] = UserField(
                label=capfirst(_("owner")),
                queryset=User.objects.filter(policy.assignable_q(user) | Q(pk=keep or 0)),
                search={"for": "owner"},
                required=False,
                initial=keep,
                help_text=_("Leave it as it is to keep the owner."),
                error_messages={"invalid_choice": _("Choose an active colleague in your teams.")},
            )
        else:
            del self.fields["owner"]
        self.fields["grade"].required = False
        self.fields["grade"].label = capfirst(_("grade set by hand"))
        self.fields["grade"].help_text = _("Used only when the grade is set by hand.")
        self.fields["strategic"].help_text = _("Makes the computed grade A whatever the purchases.")
        for name in ("budget_min", "budget_max", "annual_purchase_estimate"):
            self.fields[name].widget.attrs["min"] = "0"
        self.fields["credit_code"].widget.attrs.update(
            maxlength="18", autocapitalize="characters", spellcheck="false"
        )
        for name in ("phone", "contact_phone"):
            self.fields[name].widget.input_type = "tel"
        if self.creating:
            self._check_while_typing()
        if not self.creating:
            for name in self.contact_field_names():
                del self.fields[name]
            # Only the moves Customer.TRANSITIONS allows are offered (clean_status refuses
            # the others with the reason).
            labels = dict(Customer.Status.choices)
            self.fields["status"].widget.choices = [
                (status, labels[status]) for status in self.instance.status_targets()
            ]

    def _check_while_typing(self):
        """录入查重: the name, credit code and phones ask the server for matches as they are
        typed (htmx), shown under the field being typed."""
        url = reverse("customers:customer-duplicate-check")
        typed = ", ".join(f"[name={n}]" for n in ("name", "credit_code", "phone", "contact_phone"))
        for name, slot in (
            ("name", "duplicate-check"),
            ("credit_code", "duplicate-check"),
            ("phone", "duplicate-check"),
            ("contact_phone", "duplicate-check-contact"),
        ):
            self.fields[name].widget.attrs.update(
                {
                    "hx-get": f"{url}?slot={slot}",
                    "hx-trigger": "input changed delay:400ms, change",
                    "hx-target": f"#{slot}",
                    "hx-swap": "outerHTML",
                    "hx-include": typed,
                    "hx-sync": "this:replace",
                    "autocomplete": "off",
                }
            )

    def offers_owner(self):
        """A new customer may go to whomever a manager may assign; an existing one only when
        the user may move it (never through a share)."""
        if self.creating:
            return manages_customers(self.user)
        return can_change_owner(self.user, self.instance)

    def contact_field_names(self):
        return [f"contact_{name}" for name in self.CONTACT_FIELDS]

    def tag_groups(self):
        """The tags per dimension, each `{"pk", "name", "checked"}`, for the chip pickers."""
        checked = {str(value) for value in self["tags"].value() or []}
        groups = {}
        for tag in self.fields["tags"].queryset:
            groups.setdefault(tag.get_dimension_display(), []).append(
                {"pk": tag.pk, "name": tag.name, "checked": str(tag.pk) in checked}
            )
        return list(groups.items())

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not normalize.name_key(name):
            raise forms.ValidationError(_("Give the customer's name."))
        return name

    def clean_credit_code(self):
        stored = "" if self.creating else self.instance.credit_code
        return validation.credit_code(self.cleaned_data["credit_code"], stored=stored)

    def clean_owner(self):
        owner = self.cleaned_data["owner"]
        if owner is None:
            return owner
        current = None if self.creating else self.instance.owner
        return validation.owner(self.user, owner, current=current)

    def clean_status(self):
        status = self.cleaned_data["status"]
        if not self.creating:
            old = self.instance.status
            if status != old:
                try:
                    Customer.TRANSITIONS.check(old, status, labels=dict(Customer.Status.choices))
                except InvalidTransition as error:
                    raise forms.ValidationError(str(error)) from None
        return status

    def clean_phone(self):
        return _valid_phone(self.cleaned_data["phone"])

    def clean_contact_phone(self):
        return _valid_phone(self.cleaned_data["contact_phone"])

    def clean(self):
        cleaned = super().clean()
        try:
            validation.amounts(
                **{
                    name: cleaned.get(name)
                    for name in ("budget_min", "budget_max", "annual_purchase_estimate")
                }
            )
        except ValidationError as error:
            self.add_error(None, error)
        manual = cleaned.get("grade_source") == Customer.GradeSource.MANUAL
        if manual and not cleaned.get("grade"):
            self.add_error("grade", _("Choose the grade you set by hand."))
        if not manual:
            cleaned["grade"] = self.instance.grade or Customer._meta.get_field("grade").default
        if "owner" in self.fields and not cleaned.get("owner") and "owner" not in self.errors:
            cleaned["owner"] = self.instance.owner if self.instance.owner_id else self.user
            if self.creating:
                # Bringing a customer in makes it one's own: only for who may own customers.
                try:
                    validation.owner(self.user, self.user)
                except ValidationError as error:
                    self.add_error("owner", error)
        if self.creating:
            self._clean_contact(cleaned)
        self._find_duplicates(cleaned)
        return cleaned

    def _clean_contact(self, cleaned):
        filled = any(
            cleaned.get(name) for name in self.contact_field_names() if name != "contact_is_key"
        )
        if filled and not cleaned.get("contact_name"):
            self.add_error(
                "contact_name", _("Give the contact's name, or leave the contact fields empty.")
            )

    def _find_duplicates(self, cleaned):
        """录入查重 over ALL customers: the same normalised name or credit code is refused
        (`validation.not_a_duplicate`); a near match (similar name, a phone) needs "save
        anyway". `duplicates` says of each match only its name, owner, team and what matched,
        and links it when the user may see it."""
        name, code, phone = (cleaned.get(n) or "" for n in ("name", "credit_code", "phone"))
        if not self.creating:
            # On edit only a changed key is checked again: the record was saved anyway once.
            old = self.instance
            name = name if normalize.name_key(name) != old.name_key else ""
            code = code if code != old.credit_code else ""
            phone = phone if normalize.phone_key(phone) != old.phone_key else ""
        exclude = self.instance.pk
        try:
            validation.not_a_duplicate(name=name, credit_code=code, exclude_pk=exclude)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field not in self.errors:
                    self.add_error(field, messages)
        phones = [phone, cleaned.get("contact_phone") or ""]
        self.duplicates = duplicate_rows(
            self.user,
            duplicate_matches(name=name, credit_code=code, phones=phones, exclude_pk=exclude),
        )
        # With the same name or code it cannot be saved at all: no "save anyway" to ask for.
        if self.may_save_anyway() and not cleaned.get("save_anyway"):
            self.add_error(
                None,
                _(
                    "This looks like a customer that exists already (a similar name or the same "
                    "phone). Check the list; if it is a different company, tick “save anyway”."
                ),
            )

    def may_save_anyway(self):
        """Only near matches may be overridden: with the same name or code, never."""
        return bool(self.duplicates) and not any(row["exact"] for row in self.duplicates)

    def customer_fields(self):
        """The model fields for `services.customer_create/customer_update`."""
        skip = {"tags", "owner"}
        return {name: self.cleaned_data[name] for name in self._meta.fields if name not in skip}

    def first_contact(self):
        """The contact typed on the create form, unsaved (None when left empty)."""
        if not self.creating or not self.cleaned_data.get("contact_name"):
            return None
        return Contact(
            **{name: self.cleaned_data[f"contact_{name}"] for name in self.CONTACT_FIELDS}
        )
