"""Customers changing hands: the handover's two steps (客户交接) and the merge's confirmation."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import validation
from ..models import Customer
from ..selectors import handover_sources, owner_choices
from .fields import NamedEmptyChoices, UserField


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


class HandoverSourceForm(NamedEmptyChoices, forms.Form):
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


class HandoverForm(NamedEmptyChoices, forms.Form):
    """Step two: which of their customers, to whom, and why."""

    customers = forms.ModelMultipleChoiceField(
        queryset=Customer.objects.none(),
        label=_("Customers"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Select at least one customer.")},
    )
    to_user = UserField(
        label=_("Hand over to"),
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

    deactivate = forms.BooleanField(required=False)

    def __init__(self, *args, user, from_user, offer_deactivate=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.from_user = user, from_user
        if offer_deactivate:
            # 离职交接: the user is deactivated once their customers are handed over.
            self.fields["deactivate"].label = _(
                "Then deactivate %(name)s: they can no longer log in"
            ) % {"name": from_user.display_name}
            self.fields["deactivate"].initial = True
        else:
            del self.fields["deactivate"]
        self.fields["customers"].queryset = (
            Customer.objects.managed_by(user).filter(owner=from_user).order_by("name", "pk")
        )
        self.fields["to_user"].queryset = owner_choices(user).exclude(pk=from_user.pk)
        self.fields["to_user"].widget.params = {"for": "owner", "exclude": from_user.pk}

    def clean_to_user(self):
        return validation.owner(self.user, self.cleaned_data["to_user"])


class MergeConfirmForm(NamedEmptyChoices, forms.Form):
    share_with_merged_owner = forms.BooleanField(
        label=_("Let the owner of the merged customer keep working on it (as a colleague)"),
        required=False,
        initial=True,
    )
    confirm = forms.BooleanField(
        label=_("I understand the merged customer is deleted once everything has moved"),
        error_messages={"required": _("Tick the box to confirm the merge.")},
    )
