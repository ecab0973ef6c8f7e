from django import forms
from django.utils.translation import gettext_lazy as _

from customers.forms.fields import PersonChoiceField
from teams import roles
from teams.models import User


def delivery_users():
    return User.objects.filter(is_active=True, role__in=roles.DELIVERS).order_by(
        "last_name", "first_name", "username"
    )


class PeopleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class AssignForm(forms.Form):
    """A lead's choice of the delivery owner and team members (active delivery users)."""

    owner = PersonChoiceField(label=_("Delivery owner"), queryset=User.objects.none())
    members = PeopleField(
        label=_("Team members"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        people = delivery_users()
        self.fields["owner"].queryset = people
        self.fields["members"].queryset = people


class LeadForm(forms.Form):
    user = forms.ModelChoiceField(queryset=User.objects.none(), widget=forms.HiddenInput)
    lead = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = delivery_users()
