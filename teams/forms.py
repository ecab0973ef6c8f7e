from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from . import access, permissions, policy, validation
from .models import CalendarDay, Team, User

PROTECTED_ACCOUNT = _("Only a superuser can change this account.")


def _helper(submit_label):
    helper = FormHelper()
    helper.add_input(Submit("submit", submit_label))
    return helper


class PasswordPairMixin:
    """Two password fields that must match and pass the validators."""

    def clean_password2(self):
        first = self.cleaned_data.get("password1")
        second = self.cleaned_data.get("password2")
        if first and second and first != second:
            raise forms.ValidationError(_("The two passwords do not match."))
        return second

    def _validate_password(self, user):
        password = self.cleaned_data.get("password2")
        if password:
            try:
                password_validation.validate_password(password, user)
            except forms.ValidationError as error:
                self.add_error("password2", error)


def _refuse_protected(user, target):
    if not permissions.can_change_user(user, target):
        raise forms.ValidationError(PROTECTED_ACCOUNT)


def _role_field(*, include=None):
    """The active roles (built-in and custom; teams.access), and the user's own if inactive."""
    return forms.ChoiceField(label=_("Role"), choices=access.role_choices(include=include))


# The staff and superuser flags are not offered: they are granted in the Django admin, which
# only superusers open. The role gives no flag, so no role choice raises anyone to them.
class UserCreateForm(PasswordPairMixin, forms.ModelForm):
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, strip=False)

    class Meta:
        model = User
        fields = ["username", "last_name", "first_name", "email", "phone", "role", "team"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.visible_to(user)
        self.fields["role"] = _role_field()
        self.helper = _helper(_("Create user"))

    def clean(self):
        cleaned = super().clean()
        self._validate_password(
            User(username=cleaned.get("username", ""), email=cleaned.get("email", ""))
        )
        return cleaned


class UserUpdateForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["last_name", "first_name", "email", "phone", "role", "team"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["team"].queryset = Team.objects.visible_to(user)
        self.fields["role"] = _role_field(include=self.instance.role)
        self.helper = _helper(_("Save"))

    def clean(self):
        _refuse_protected(self.user, self.instance)
        return super().clean()


class PasswordResetForm(PasswordPairMixin, forms.Form):
    password1 = forms.CharField(label=_("New password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(
        label=_("New password again"), widget=forms.PasswordInput, strip=False
    )

    def __init__(self, *args, user, target, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.target = target
        self.helper = _helper(_("Reset password"))

    def clean(self):
        _refuse_protected(self.user, self.target)
        cleaned = super().clean()
        self._validate_password(self.target)
        return cleaned


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name", "kind", "parent", "manager"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Team.objects.visible_to(user)
        self.fields["manager"].queryset = User.objects.visible_to(user).active()
        self.helper = _helper(_("Save"))

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        if policy.would_create_cycle(self.instance, parent):
            raise forms.ValidationError(
                _("A team cannot be placed under itself or one of its own sub-teams.")
            )
        return parent


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CalendarDayForm(forms.Form):
    """Change one listed day. A plain form: the calendar's rules are in `validation`, said in
    words an admin understands."""

    date = forms.DateField(label=_("Date"), widget=DateInput())
    kind = forms.ChoiceField(
        label=_("Kind"), choices=CalendarDay.Kind.choices, widget=forms.RadioSelect
    )
    name = forms.CharField(
        label=_("Name"), max_length=50, help_text=_("For example 国庆节 or 国庆节调休上班.")
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=200,
        required=False,
        help_text=_("For example the notice the dates come from."),
    )
    submit_label = _("Save")

    def __init__(self, *args, instance=None, **kwargs):
        self.instance = instance
        if instance is not None:
            values = {name: getattr(instance, name) for name in self.base_fields}
            kwargs["initial"] = {**values, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        self.helper = _helper(self.submit_label)

    def days(self, cleaned):
        return [cleaned["date"]]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            validation.check_calendar_days(
                self.days(cleaned),
                cleaned["kind"],
                exclude_pk=self.instance.pk if self.instance else None,
            )
        except forms.ValidationError as error:
            self.add_error(None, error)
        return cleaned


class CalendarDayAddForm(CalendarDayForm):
    """One day, or a range of days with one name (国庆节 10月1日 through 7日)."""

    last = forms.DateField(
        label=_("Through (optional)"),
        required=False,
        widget=DateInput(),
        help_text=_("For a holiday of several days, its last day: each day is listed."),
    )
    submit_label = _("Add")
    field_order = ["kind", "name", "date", "last", "note"]

    def days(self, cleaned):
        return validation.check_range(cleaned["date"], cleaned.get("last") or cleaned["date"])
