"""Leads' admin settings (screening weights, disqualification reasons, each team's inbound
routing) and inbound leads entered by hand or imported (来访线索)."""

from crispy_forms.bootstrap import AppendedText
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from teams import policy
from teams.models import Team

from .. import normalize, validation
from ..models import Contact, Customer, DisqualifyReason, InboundRouting, ScreeningSettings
from ..selectors import find_duplicates
from .excel import CustomerImportForm
from .records import _valid_phone


class ScreeningSettingsForm(forms.ModelForm):
    """The four weights of a lead's score: each 0-100, together 100."""

    class Meta:
        model = ScreeningSettings
        fields = list(ScreeningSettings.WEIGHT_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.Meta.fields:
            self.fields[name].widget.attrs.update(min=0, max=100)
        self.helper = FormHelper()
        self.helper.form_id = "screening-weights-form"
        self.helper.layout = Layout(
            Row(*(Column(AppendedText(n, "%"), css_class="col-6") for n in self.Meta.fields))
        )
        self.helper.add_input(Submit("save", _("Save the weights"), css_id="weights-save"))

    def clean(self):
        cleaned = super().clean()
        weights = {name: cleaned.get(name) for name in self.Meta.fields}
        if None not in weights.values():
            try:
                validation.screening_weights(**weights)
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


class DisqualifyReasonForm(forms.ModelForm):
    class Meta:
        model = DisqualifyReason
        fields = ["label", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "reason-form"
        self.helper.add_input(Submit("save", _("Save"), css_id="reason-save"))

    def clean_label(self):
        label = " ".join(self.cleaned_data["label"].split())
        if not label:
            raise ValidationError(_("Write the reason."))
        return label


class InboundRoutingForm(forms.Form):
    """One choice per team: round robin or least load."""

    def __init__(self, *args, teams, methods, **kwargs):
        super().__init__(*args, **kwargs)
        self.teams = list(teams)
        default = InboundRouting._meta.get_field("method").default
        for team in self.teams:
            self.fields[f"team_{team.pk}"] = forms.ChoiceField(
                label=team.name,
                choices=InboundRouting.Method.choices,
                initial=methods.get(team.pk, default),
                widget=forms.Select(attrs={"class": "form-select"}),
            )

    def methods(self):
        """{Team: method} as chosen."""
        return {team: self.cleaned_data[f"team_{team.pk}"] for team in self.teams}

    def rows(self):
        return [(team, self[f"team_{team.pk}"]) for team in self.teams]


def entry_teams(user):
    """The teams `user` may enter inbound leads for: a manager's subtree, all for admins."""
    return Team.objects.filter(policy.teams_q(user)).order_by("name")


class InboundLeadForm(forms.Form):
    """A lead that came in (a call, a visit, a web form), entered for a team whose routing
    chooses its rep; the company and its first contact."""

    team = forms.ModelChoiceField(label=_("For the team"), queryset=Team.objects.none())
    name = forms.CharField(label=_("Company name"), max_length=200)
    phone = forms.CharField(label=_("Company phone"), max_length=30, required=False)
    region = forms.ChoiceField(label=_("Region"), choices=Customer.Region.choices, required=False)
    lead_source = forms.ChoiceField(label=_("Lead source"), choices=Customer.LeadSource.choices)
    initial_need = forms.CharField(
        label=_("What they asked about"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    contact_name = forms.CharField(label=_("Contact's name"), max_length=60, required=False)
    contact_title = forms.CharField(label=_("Contact's title"), max_length=60, required=False)
    contact_phone = forms.CharField(label=_("Contact's phone"), max_length=30, required=False)
    contact_email = forms.EmailField(label=_("Contact's e-mail"), required=False)
    save_anyway = forms.BooleanField(
        label=_("It is a different company: save anyway"), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.duplicates = []
        teams = entry_teams(user)
        self.fields["team"].queryset = teams
        # The options from one plain query (a ModelChoiceField iterates a server-side cursor).
        self.fields["team"].widget.choices = [("", "---------")] + list(
            teams.values_list("pk", "name")
        )
        self.fields["region"].choices = [("", "---------"), *Customer.Region.choices]
        self.fields["lead_source"].initial = Customer.LeadSource.INBOUND
        for name in ("name", "contact_name", "contact_title"):
            self.fields[name].max_length = _max_length(name)
        self.helper = FormHelper()
        self.helper.form_id = "inbound-form"
        self.helper.form_tag = False

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not normalize.name_key(name):
            raise ValidationError(_("Give the customer's name."))
        return name

    def clean_phone(self):
        return _valid_phone(self.cleaned_data["phone"])

    def clean_contact_phone(self):
        return _valid_phone(self.cleaned_data["contact_phone"])

    def clean(self):
        cleaned = super().clean()
        contact = [cleaned.get(n) for n in ("contact_title", "contact_phone", "contact_email")]
        if any(contact) and not cleaned.get("contact_name"):
            self.add_error(
                "contact_name", _("Give the contact's name, or leave the contact fields empty.")
            )
        self._find_duplicates(cleaned)
        return cleaned

    def _find_duplicates(self, cleaned):
        """The same company already in the CRM: only its name is said (the user may not see
        it); it may still be entered ("save anyway") and merged when screened."""
        found = {}
        for phone in (cleaned.get("phone"), cleaned.get("contact_phone")):
            for customer in find_duplicates(phone=phone or "")[:5] if phone else []:
                found[customer.pk] = customer
        if cleaned.get("name"):
            for customer in find_duplicates(name=cleaned["name"])[:5]:
                found[customer.pk] = customer
        self.duplicates = sorted({c.name for c in found.values()})
        if self.duplicates and not cleaned.get("save_anyway"):
            self.add_error(
                None,
                _(
                    "This looks like a customer that exists already: %(names)s. If it is a "
                    "different company, tick “save anyway”."
                )
                % {"names": "、".join(self.duplicates)},
            )

    def customer_fields(self):
        data = self.cleaned_data
        return {
            "name": data["name"],
            "phone": data["phone"],
            "region": data["region"],
            "lead_source": data["lead_source"],
            "initial_need": data["initial_need"],
        }

    def contacts(self):
        data = self.cleaned_data
        if not data.get("contact_name"):
            return []
        return [
            Contact(
                name=data["contact_name"],
                title=data["contact_title"],
                phone=data["contact_phone"],
                email=data["contact_email"],
                is_key=True,
            )
        ]


def _max_length(name):
    model, field = (
        (Contact, name.removeprefix("contact_")) if "contact" in name else (Customer, name)
    )
    return model._meta.get_field(field).max_length


class InboundImportForm(CustomerImportForm):
    """The customer import's file, read as inbound leads for a team: no owner column, every
    row a lead, each routed to a rep when imported."""

    routed = True

    team = forms.ModelChoiceField(label=_("For the team"), queryset=Team.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        teams = entry_teams(user)
        self.fields["team"].queryset = teams
        self.fields["team"].widget.choices = [("", "---------")] + list(
            teams.values_list("pk", "name")
        )
        self.order_fields(["team", "file"])
        self.helper.form_id = "inbound-import-form"
