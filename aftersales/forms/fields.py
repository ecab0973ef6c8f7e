from django import forms
from django.utils.translation import gettext_lazy as _

from teams import roles
from teams.models import User

from ..validation import validate_score


def staff_choices():
    """Active after-sales users (handlers, assignees)."""
    return User.objects.filter(is_active=True, role__in=roles.WORKS_AFTERSALES).order_by("username")


def score_field(required=False):
    return forms.IntegerField(
        label=_("Satisfaction (1-5)"),
        required=required,
        validators=[validate_score],
        widget=forms.NumberInput(attrs={"min": 1, "max": 5, "inputmode": "numeric"}),
        help_text=_("1 very unhappy … 5 very happy"),
    )


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)
