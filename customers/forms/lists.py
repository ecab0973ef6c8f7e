"""The customer list: managers' bulk actions and saved views."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .. import validation
from ..models import Customer, SavedView, Tag
from ..selectors import owner_choices
from .fields import FastSelect, NamedEmptyChoices, UserField


class TagChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_dimension_display()} · {obj.name}"


class CustomerBulkForm(NamedEmptyChoices, forms.Form):
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
    to_user = UserField(
        required=False,
        label=_("New owner"),
        search={"for": "owner"},
        error_messages={"invalid_choice": _("Choose an active sales colleague in your teams.")},
    )
    tag = TagChoiceField(
        queryset=Tag.objects.none(),
        widget=FastSelect,
        required=False,
        label=_("Tag"),
        empty_label=_("Tag…"),
    )

    def __init__(self, *args, user, tags=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["ids"].queryset = Customer.objects.visible_to(user).managed_by(user)
        self.fields["to_user"].queryset = owner_choices(user)
        self.fields["tag"].queryset = Tag.objects.all()
        # The list page hands over the tags it already loaded, so the bar costs no query.
        if tags is not None:
            self.fields["tag"].choices = [("", self.fields["tag"].empty_label)] + [
                (tag.pk, f"{tag.get_dimension_display()} · {tag.name}") for tag in tags
            ]
        self.fields["tag"].widget.attrs.update(
            {"class": "form-select form-select-sm", "aria-label": self.fields["tag"].label}
        )
        self.fields["to_user"].widget.attrs.update(
            {"class": "form-control form-control-sm", "aria-label": self.fields["to_user"].label}
        )

    def clean_to_user(self):
        to_user = self.cleaned_data["to_user"]
        return validation.owner(self.user, to_user) if to_user else to_user

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action == self.REASSIGN and not cleaned.get("to_user"):
            self.add_error("to_user", _("Choose the new owner."))
        if action in (self.TAG_ADD, self.TAG_REMOVE) and not cleaned.get("tag"):
            self.add_error("tag", _("Choose a tag."))
        return cleaned


class SavedViewForm(NamedEmptyChoices, forms.Form):
    """Name the current filter of the list. `query` is the filter's query string."""

    name = forms.CharField(label=_("Name of this view"), max_length=60)
    is_default = forms.BooleanField(label=_("Open the list with this view"), required=False)
    shared = forms.BooleanField(label=_("Share with my team"), required=False)

    def __init__(self, *args, user, query, list=SavedView.List.CUSTOMERS, **kwargs):  # noqa: A002
        super().__init__(*args, **kwargs)
        self.user, self.query, self.list = user, query, list
        self.fields["name"].widget.attrs.update(
            {"class": "form-control form-control-sm", "placeholder": _("e.g. My overdue A")}
        )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if SavedView.objects.filter(user=self.user, list=self.list, name=name).exists():
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
