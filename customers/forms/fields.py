"""Fields and widgets the customers forms and filters share."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe

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
    def label_from_instance(self, obj):
        return obj.display_name


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class ColleagueChoiceField(forms.ModelChoiceField):
    """A colleague with their username: two people of the same name stay apart."""

    def label_from_instance(self, obj):
        return f"{obj.display_name} ({obj.username})"


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
