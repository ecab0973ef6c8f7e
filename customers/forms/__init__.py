"""Input validation for the customers pages; choice fields are scoped with `visible_to`."""

import re
from decimal import Decimal

from crispy_forms.bootstrap import AppendedText
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Count, Q
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from teams.models import Role, User

from .. import excel, normalize, services, xlsx
from ..models import (
    Contact,
    Customer,
    FollowUp,
    GradeProposal,
    GradingSettings,
    Industry,
    NeedLine,
    NeedsSurvey,
    SavedView,
    Tag,
)
from ..permissions import can_change_owner, manages_customers, owner_choices
from ..querysets import customer_viewers_q

# --- grading and handover ------------------------------------------------------------------


class GradingSettingsForm(forms.ModelForm):
    """Thresholds X and Y (万元) and the cadence per grade; Y must stay below X."""

    class Meta:
        model = GradingSettings
        fields = [
            "a_threshold",
            "b_threshold",
            "a_executive_visit_days",
            "a_routine_contacts",
            "b_contact_days",
            "b_visit_days",
            "c_contact_days",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("a_threshold", "b_threshold"):
            self.fields[name].min_value = Decimal(0)
            self.fields[name].validators.append(MinValueValidator(Decimal(0)))
            self.fields[name].widget.attrs["min"] = 0
        for name in services.CADENCE_FIELDS:
            self.fields[name].validators.append(MinValueValidator(1))
            self.fields[name].validators.append(MaxValueValidator(366))
            self.fields[name].widget.attrs.update(min=1, max=366)
        unit, days = _("10k CNY"), _("days")
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(
                _("Grade thresholds (annual purchases)"),
                Row(
                    Column(AppendedText("a_threshold", unit), css_class="col-sm-6"),
                    Column(AppendedText("b_threshold", unit), css_class="col-sm-6"),
                ),
            ),
            Fieldset(
                _("Follow-up cadence"),
                Row(
                    Column(AppendedText("a_executive_visit_days", days), css_class="col-sm-6"),
                    Column("a_routine_contacts", css_class="col-sm-6"),
                ),
                Row(
                    Column(AppendedText("b_contact_days", days), css_class="col-sm-6"),
                    Column(AppendedText("b_visit_days", days), css_class="col-sm-6"),
                ),
                Row(Column(AppendedText("c_contact_days", days), css_class="col-sm-6")),
            ),
            Submit("submit", _("Save settings")),
        )

    def clean(self):
        cleaned = super().clean()
        a, b = cleaned.get("a_threshold"), cleaned.get("b_threshold")
        if a is not None and b is not None and b >= a:
            self.add_error(
                "b_threshold",
                _("Grade B must start below grade A (%(a)s).") % {"a": f"{a.normalize():f}"},
            )
        return cleaned


class _IdListField(forms.Field):
    """Checked row ids; anything that is not a number is dropped."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        return [int(v) for v in value or [] if str(v).isdigit()]


class GradeDecisionForm(forms.Form):
    """Confirm or reject the checked proposals; ids the user may not see are ignored."""

    CONFIRM, REJECT = "confirm", "reject"

    decision = forms.ChoiceField(choices=[(CONFIRM, _("Confirm")), (REJECT, _("Reject"))])
    proposals = _IdListField(required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_proposals(self):
        ids = list(
            GradeProposal.objects.visible_to(self.user)
            .filter(pk__in=self.cleaned_data["proposals"], status=GradeProposal.Status.PENDING)
            .values_list("pk", flat=True)
        )
        if not ids:
            raise forms.ValidationError(_("Select at least one pending proposal."))
        return ids


class HandoverUserField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        label = f"{obj.display_name} ({obj.username})"
        if getattr(obj, "customer_count", None) is not None:
            label += " · " + ngettext("%(n)s customer", "%(n)s customers", obj.customer_count) % {
                "n": obj.customer_count
            }
        if not obj.is_active:
            label += " · " + str(_("deactivated"))
        return label


def handover_sources(user):
    """Users in `user`'s scope, active or deactivated, who own customers `user` may move."""
    return (
        User.objects.visible_to(user)
        .annotate(
            customer_count=Count(
                "customers", filter=Q(customers__in=Customer.objects.managed_by(user))
            )
        )
        .filter(customer_count__gt=0)
        .order_by("-is_active", "username")
    )


class HandoverSourceForm(forms.Form):
    """Step one: whose customers are handed over (`?from=<user id>`)."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from"] = HandoverUserField(
            queryset=handover_sources(user),
            label=_("Hand over the customers of"),
            empty_label=_("Choose a user…"),
            error_messages={
                "invalid_choice": _(
                    "Choose a colleague in your teams who owns customers you can hand over."
                ),
            },
        )


class HandoverForm(forms.Form):
    """Step two: which of their customers, to whom, and why."""

    customers = forms.ModelMultipleChoiceField(
        queryset=Customer.objects.none(),
        label=_("Customers"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Select at least one customer.")},
    )
    to_user = HandoverUserField(
        queryset=User.objects.none(),
        label=_("Hand over to"),
        empty_label=_("Choose who receives them…"),
        error_messages={
            "invalid_choice": _("Choose an active sales colleague in your teams."),
        },
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown on each customer's timeline, e.g. why they change hands."),
    )

    def __init__(self, *args, user, from_user, **kwargs):
        super().__init__(*args, **kwargs)
        self.from_user = from_user
        self.fields["customers"].queryset = (
            Customer.objects.managed_by(user).filter(owner=from_user).order_by("name", "pk")
        )
        self.fields["to_user"].queryset = (
            owner_choices(user).exclude(pk=from_user.pk).order_by("username")
        )


# --- follow-ups, tasks and needs surveys -----------------------------------------------------

LOCAL_MINUTE = "%Y-%m-%dT%H:%M"
METHOD_ICONS = {
    FollowUp.Method.VISIT: "geo-alt",
    FollowUp.Method.PHONE: "telephone",
    FollowUp.Method.EMAIL: "envelope",
    FollowUp.Method.ONLINE: "camera-video",
    FollowUp.Method.WECHAT: "wechat",
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=LOCAL_MINUTE)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


def people_for(user, customer):
    """Whom `user` may give work on `customer` to: themselves, the customer's owner, and for
    managers anyone in their scope; always someone who sees the customer."""
    return (
        (User.objects.visible_to(user) | User.objects.filter(pk=customer.owner_id))
        .filter(customer_viewers_q(customer))
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


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
        if values["latitude"] is None or values["longitude"] is None:
            self.add_error(None, _("A check-in needs both latitude and longitude. Check in again."))
            return
        if not -90 <= values["latitude"] <= 90:
            self.add_error(None, _("The check-in latitude must be between -90 and 90."))
        if not -180 <= values["longitude"] <= 180:
            self.add_error(None, _("The check-in longitude must be between -180 and 180."))
        accuracy = values["location_accuracy"]
        if accuracy is not None and not 0 <= accuracy <= 1_000_000:
            self.add_error(None, _("The check-in accuracy must be between 0 and 1,000,000 m."))
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


class FollowUpForm(forms.ModelForm):
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
        when = self.cleaned_data["occurred_at"]
        if when > timezone.now():
            raise forms.ValidationError(_("A follow-up cannot be in the future."))
        return when

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

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["customer"].queryset = Customer.objects.visible_to(user).select_related("owner")

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
        return cleaned


class NeedsSurveyForm(forms.ModelForm):
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
        low, high = cleaned.get("budget_min"), cleaned.get("budget_max")
        for name, value in (("budget_min", low), ("budget_max", high)):
            if value is not None and value < 0:
                self.add_error(name, _("A budget cannot be negative."))
        if low is not None and high is not None and low > high:
            self.add_error("budget_max", _("The upper end cannot be below the lower end."))
        return cleaned


class NeedLineForm(forms.ModelForm):
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


# --- list ------------------------------------------------------------------------------------


class FastSelect(forms.Select):
    """A <select> built in Python. Django renders every <option> through a template, about
    a millisecond each: too slow for the list page's hundreds of colleagues and tags."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        chosen = {str(v) for v in self.format_value(value)}
        options = "".join(
            f'<option value="{escape(key)}"{" selected" if str(key) in chosen else ""}>'
            f"{escape(label)}</option>"
            for key, label in self.choices
        )
        # Every value and label above is escaped.
        return mark_safe(f'<select name="{escape(name)}"{flatatt(attrs)}>{options}</select>')  # noqa: S308


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class TagChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_dimension_display()} · {obj.name}"


class CustomerBulkForm(forms.Form):
    """Bulk actions of managers on the checked rows; a row they do not manage refuses all."""

    REASSIGN, TAG_ADD, TAG_REMOVE = "reassign", "tag_add", "tag_remove"

    action = forms.ChoiceField(
        choices=[(REASSIGN, _("Reassign")), (TAG_ADD, _("Add tag")), (TAG_REMOVE, _("Remove tag"))]
    )
    ids = forms.ModelMultipleChoiceField(
        queryset=Customer.objects.none(),
        widget=forms.MultipleHiddenInput,
        error_messages={
            "required": _("Select at least one customer."),
            "invalid_choice": _(
                "Some of the selected customers are not yours to change; nothing was changed."
            ),
            "invalid_pk_value": _("Select customers from the list."),
        },
    )
    to_user = OwnerChoiceField(
        queryset=User.objects.none(),
        widget=FastSelect,
        required=False,
        label=_("New owner"),
        empty_label=_("New owner…"),
        error_messages={"invalid_choice": _("Choose an active sales colleague in your teams.")},
    )
    tag = TagChoiceField(
        queryset=Tag.objects.none(),
        widget=FastSelect,
        required=False,
        label=_("Tag"),
        empty_label=_("Tag…"),
    )

    def __init__(self, *args, user, tags=None, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ids"].queryset = Customer.objects.visible_to(user).managed_by(user)
        self.fields["to_user"].queryset = owner_choices(user)
        self.fields["tag"].queryset = Tag.objects.all()
        # The list page hands over what it already loaded, so the bar costs no query.
        if owners is not None:
            self.fields["to_user"].choices = [("", self.fields["to_user"].empty_label)] + [
                (owner.pk, owner.display_name) for owner in owners
            ]
        if tags is not None:
            self.fields["tag"].choices = [("", self.fields["tag"].empty_label)] + [
                (tag.pk, f"{tag.get_dimension_display()} · {tag.name}") for tag in tags
            ]
        for name in ("to_user", "tag"):
            self.fields[name].widget.attrs.update(
                {"class": "form-select form-select-sm", "aria-label": self.fields[name].label}
            )

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action == self.REASSIGN and not cleaned.get("to_user"):
            self.add_error("to_user", _("Choose the new owner."))
        if action in (self.TAG_ADD, self.TAG_REMOVE) and not cleaned.get("tag"):
            self.add_error("tag", _("Choose a tag."))
        return cleaned


class SavedViewForm(forms.Form):
    """Name the current filter of the list. `query` is the filter's query string."""

    name = forms.CharField(label=_("Name of this view"), max_length=60)

    def __init__(self, *args, user, query, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.query = user, query
        self.fields["name"].widget.attrs.update(
            {"class": "form-control form-control-sm", "placeholder": _("e.g. My overdue A")}
        )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if SavedView.objects.filter(user=self.user, name=name).exists():
            raise forms.ValidationError(
                _("You already have a saved view called “%(name)s”. Choose another name."),
                params={"name": name},
            )
        return name

    def clean(self):
        cleaned = super().clean()
        if len(self.query) > SavedView._meta.get_field("query").max_length:
            raise forms.ValidationError(_("This filter is too long to save; remove a few filters."))
        return cleaned


# --- customer page and edit -----------------------------------------------------------------

CREDIT_CODE_RE = re.compile(r"^[0-9A-Z]{18}$")
SHARE_ROLES = (Role.SALES_REP, Role.SALES_MANAGER)


def _valid_phone(value):
    value = (value or "").strip()
    if value and not normalize.is_valid_phone(value):
        raise forms.ValidationError(
            _("Enter a phone number of 7 to 15 digits, e.g. 021-6234 5678 or 138 0013 8000.")
        )
    return value


class ColleagueChoiceField(forms.ModelChoiceField):
    """A colleague with their username: two people of the same name stay apart."""

    def label_from_instance(self, obj):
        return f"{obj.display_name} ({obj.username})"


class CustomerForm(forms.ModelForm):
    """Template 1 (客户信息登记表), tags and grade; the first contact on create.

    Duplicate detection runs over ALL customers; `duplicates` lists only the name and owner
    of each match (and a link when the user sees it), and saving then needs "save anyway".
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
    contact_name = forms.CharField(label=capfirst(_("name")), max_length=60, required=False)
    contact_title = forms.CharField(label=capfirst(_("title")), max_length=60, required=False)
    contact_phone = forms.CharField(label=capfirst(_("phone")), max_length=30, required=False)
    contact_email = forms.EmailField(label=capfirst(_("email")), required=False)
    contact_wechat = forms.CharField(label=_("WeChat"), max_length=60, required=False)
    contact_decision_role = forms.ChoiceField(
        label=capfirst(_("role in the decision")),
        choices=[("", "---------"), *Contact.DecisionRole.choices],
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
            current = User.objects.filter(pk=self.instance.owner_id or user.pk)
            self.fields["owner"] = ColleagueChoiceField(
                label=capfirst(_("owner")),
                queryset=(owner_choices(user) | current).distinct().order_by("username"),
                required=False,
                initial=self.instance.owner_id or user.pk,
                empty_label=None,
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
        if not self.creating:
            for name in self.contact_field_names():
                del self.fields[name]

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
        code = normalize.credit_code(self.cleaned_data["credit_code"]).replace(" ", "")
        if code and not CREDIT_CODE_RE.match(code):
            raise forms.ValidationError(
                _("A unified social credit code is 18 characters: digits and capital letters.")
            )
        return code

    def clean_phone(self):
        return _valid_phone(self.cleaned_data["phone"])

    def clean_contact_phone(self):
        return _valid_phone(self.cleaned_data["contact_phone"])

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("budget_min"), cleaned.get("budget_max")
        for name in ("budget_min", "budget_max", "annual_purchase_estimate"):
            if cleaned.get(name) is not None and cleaned[name] < 0:
                self.add_error(name, _("Amounts cannot be negative."))
        if low is not None and high is not None and low > high:
            self.add_error("budget_max", _("The upper end cannot be below the lower end."))
        manual = cleaned.get("grade_source") == Customer.GradeSource.MANUAL
        if manual and not cleaned.get("grade"):
            self.add_error("grade", _("Choose the grade you set by hand."))
        if not manual:
            cleaned["grade"] = self.instance.grade or Customer._meta.get_field("grade").default
        if "owner" in self.fields and not cleaned.get("owner"):
            cleaned["owner"] = self.instance.owner if self.instance.owner_id else self.user
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
        name, code, phone = (cleaned.get(n) or "" for n in ("name", "credit_code", "phone"))
        if not self.creating:
            # On edit only a changed key is checked again: the record was saved anyway once.
            old = self.instance
            name = name if normalize.name_key(name) != old.name_key else ""
            code = code if code != old.credit_code else ""
            phone = phone if normalize.phone_key(phone) != old.phone_key else ""
        exclude = self.instance.pk
        found = {}
        for customer in services.find_duplicates(
            name=name, credit_code=code, phone=phone, exclude_pk=exclude
        )[:10]:
            found[customer.pk] = customer
        contact_phone = cleaned.get("contact_phone") or ""
        if contact_phone:
            for customer in services.find_duplicates(phone=contact_phone, exclude_pk=exclude)[:10]:
                found[customer.pk] = customer
        if not found:
            return
        visible = set(
            Customer.objects.visible_to(self.user)
            .filter(pk__in=list(found))
            .values_list("pk", flat=True)
        )
        # Only the name and the owner of a record the user may not see: nothing else leaves.
        self.duplicates = [
            {
                "name": customer.name,
                "owner": customer.owner.display_name,
                "pk": customer.pk if customer.pk in visible else None,
            }
            for customer in sorted(found.values(), key=lambda c: c.name)
        ]
        if not cleaned.get("save_anyway"):
            self.add_error(
                None,
                _(
                    "This looks like a customer that exists already (same name, credit code or "
                    "phone). Check the list; if it is a different company, tick “save anyway”."
                ),
            )

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


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "title", "phone", "email", "wechat", "decision_role", "is_key"]
        error_messages = {"name": {"required": _("Give the contact's name.")}}

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


class ShareForm(forms.Form):
    """Share a customer with a colleague (协作人): any active sales rep or manager."""

    READ, EDIT = "read", "edit"

    user = ColleagueChoiceField(
        label=capfirst(_("colleague")),
        queryset=User.objects.none(),
        empty_label=_("Choose a colleague…"),
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
        # Colleagues are people, not customer data: any active rep or manager may be chosen,
        # across teams (a colleague elsewhere often helps with a customer).
        self.fields["user"].queryset = (
            User.objects.active()
            .filter(role__in=SHARE_ROLES)
            .exclude(pk=customer.owner_id)
            .order_by("username")
        )
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"

    @property
    def can_edit(self):
        return self.cleaned_data["access"] == self.EDIT


class MergeConfirmForm(forms.Form):
    share_with_merged_owner = forms.BooleanField(
        label=_("Let the owner of the merged customer keep working on it (as a colleague)"),
        required=False,
        initial=True,
    )
    confirm = forms.BooleanField(
        label=_("I understand the merged customer is deleted once everything has moved"),
        error_messages={"required": _("Tick the box to confirm the merge.")},
    )


# --- Excel -------------------------------------------------------------------------------------


class CustomerImportForm(forms.Form):
    """An .xlsx in the layout of the import template, at most 10 MB. Every row is checked
    before anything is written: after `is_valid()`, `rows` holds the rows for
    `services.customers_import`, or `problems` lists each row, column and message."""

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
                self.rows, self.problems = excel.parse_workbook(book, user=self.user)
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
