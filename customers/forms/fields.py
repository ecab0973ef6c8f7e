"""Fields and widgets the customers forms and filters share: dates, the fast <select>, and the
user picker (`UserField`: owner, colleague and receiver fields search as you type instead of
listing every user)."""

from urllib.parse import urlencode

from django import forms
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

LOCAL_MINUTE = "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=LOCAL_MINUTE)


class PersonChoiceField(forms.ModelChoiceField):
    """A <select> of the few people who see one customer (next action's owner, surveyor)."""

    def label_from_instance(self, obj):
        return obj.display_name


# What a picker shows of a user, and what its queries load.
NAME_FIELDS = ("pk", "username", "first_name", "last_name")


class Typed(str):
    """What was typed in a user picker's search box when no result was picked (no JavaScript):
    read as a username."""


def person_label(user):
    """A user as a picker shows them: two people of the same name stay apart."""
    return f"{user.display_name} ({user.username})"


class UserPicker(forms.Widget):
    """Search as you type (htmx): a search box whose results, at most ~20 users from
    `customers:people-search`, are radio buttons named after the field; the chosen user is
    the one radio shown checked. Without JavaScript the box is a plain text input and what
    is typed there is read as a username. Renders one query (the chosen user's name),
    however many users there are."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.params = {}
        self.queryset = None  # the field's: a chosen user outside it is not shown

    def value_from_datadict(self, data, files, name):
        picked = data.get(name)
        if picked not in (None, ""):
            return picked
        typed = (data.get(f"{name}_q") or "").strip()
        return Typed(typed) if typed else None

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}_q" not in data

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        box_id = attrs.pop("id", None) or f"id_{name}"
        css = attrs.pop("class", "form-control").replace("form-select", "form-control")
        results = f"{box_id}-results"
        url = reverse("customers:people-search")
        query = urlencode({**self.params, "field": name})
        typed = value if isinstance(value, Typed) else ""
        chosen = None
        if self.queryset is not None and not typed and str(value or "").isdigit():
            chosen = self.queryset.filter(pk=value).only(*NAME_FIELDS).first()
        radio = ""
        if chosen is not None:
            radio = format_html(
                '<label class="list-group-item d-flex gap-2 align-items-center">'
                '<input class="form-check-input m-0" type="radio" name="{}" value="{}" checked>'
                "<span>{}</span></label>",
                name,
                chosen.pk,
                person_label(chosen),
            )
        box = format_html(
            '<input type="search" name="{}_q" id="{}" class="{}" value="{}" placeholder="{}"'
            ' autocomplete="off" hx-get="{}?{}" hx-trigger="input changed delay:250ms, search"'
            ' hx-target="#{}" hx-include="#{}" hx-sync="this:replace" aria-controls="{}"{}>',
            name,
            box_id,
            css,
            typed,
            _("Type a name or username"),
            url,
            query,
            results,
            results,
            results,
            flatatt(attrs),
        )
        return format_html(
            '<div class="user-picker">{}<div id="{}" class="list-group mt-1" aria-live="polite">'
            "{}</div></div>",
            box,
            results,
            radio,
        )


class UserField(forms.Field):
    """A user chosen with the UserPicker among `queryset` (the people the form may offer,
    e.g. `selectors.owner_choices(user)`): by id from the picker, by username when typed.
    The form's `clean_<field>` applies the rule with its message (customers/validation.py)."""

    widget = UserPicker
    default_error_messages = {"invalid_choice": _("Choose someone from the search results.")}

    def __init__(self, *, queryset=None, search=None, **kwargs):
        super().__init__(**kwargs)
        self.queryset = queryset
        self.widget.params = dict(search or {})

    @property
    def queryset(self):
        return self._queryset

    @queryset.setter
    def queryset(self, value):
        self._queryset = value
        self.widget.queryset = value

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.widget.params = dict(self.widget.params)
        result.queryset = self._queryset
        return result

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if hasattr(value, "_meta"):
            return value
        found = self.queryset.model.objects.none()
        if isinstance(value, Typed):
            found = self.queryset.filter(username__iexact=value)
        elif str(value).isdigit():
            found = self.queryset.filter(pk=value)
        user = found.first()
        if user is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], "invalid_choice")
        return user

    def has_changed(self, initial, data):
        initial = getattr(initial, "pk", initial)
        if isinstance(data, Typed):
            return True
        return str(initial or "") != str(data or "")


class UserFilterField(UserField):
    """A list filter's user picker (the customer list's owner): picking one filters at once.
    Text typed in its box filters only when it is exactly someone's username; anything else
    is no filter (the box's own change event reaches the filter form while a user types)."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError:
            if isinstance(value, Typed):
                return None
            raise


# A list filter's owner <select> (the opportunity list): picking one filters at once. The
# customer list's owner filter is a UserFilterField; fields that assign are UserFields.
OwnerChoiceField = PersonChoiceField


class _IdListField(forms.Field):
    """Checked row ids; anything that is not a number is dropped."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        return [int(v) for v in value or [] if str(v).isdigit()]


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


class DrillFilter:
    """One of the KPI dashboard's filters set on a list: its input name and raw value (kept as
    a hidden input), its label and the value as a reader knows it (a choice's label, a
    team's name), for the note above the rows."""

    def __init__(self, bound_field, cleaned):
        self.html_name = bound_field.html_name
        self.raw = bound_field.value()
        self.label = bound_field.label
        field = bound_field.field
        if isinstance(field, forms.BooleanField | forms.NullBooleanField):
            self.display = ""
        elif isinstance(field, forms.ModelChoiceField):
            self.display = str(cleaned) if cleaned is not None else self.raw
        elif isinstance(field, forms.ChoiceField):
            self.display = dict(field.choices).get(self.raw, self.raw)
        else:
            self.display = cleaned if cleaned is not None else self.raw


def drill_filters(form, names, data):
    """The dashboard filters of `names` set in `data`, as DrillFilter."""
    if not form.is_bound:
        return []
    cleaned = form.cleaned_data if form.is_valid() else {}
    return [DrillFilter(form[name], cleaned.get(name)) for name in names if data.get(name)]


# Django's empty choice, "---------", reads as a broken field: selects say what to do instead.
DJANGO_EMPTY_LABEL = "---------"


def name_empty_choices(form, label=None):
    """Replace Django's "---------" empty choice of every select of `form` with `label`
    (请选择 by default)."""
    label = label or _("Please choose")
    for field in form.fields.values():
        if isinstance(field, forms.ModelMultipleChoiceField):
            continue
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label == DJANGO_EMPTY_LABEL:
                field.empty_label = label
        elif isinstance(field, forms.ChoiceField) and not isinstance(
            field, forms.MultipleChoiceField
        ):
            choices = list(field.choices)
            if choices and choices[0] == ("", DJANGO_EMPTY_LABEL):
                field.choices = [("", label), *choices[1:]]


class NamedEmptyChoices:
    """A form mixin (first among the bases): `name_empty_choices` once the fields exist."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name_empty_choices(self)
