import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import access
from .models import Team, User


def _role_choices():
    return [(key, found.name) for key, found in access.table().items()]


class UserFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    role = django_filters.ChoiceFilter(
        label=_("Role"), choices=_role_choices, empty_label=_("All roles")
    )
    team = django_filters.ModelChoiceFilter(
        label=_("Team"), queryset=Team.objects.none(), empty_label=_("All teams")
    )
    is_active = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[("1", _("Active")), ("0", _("Deactivated"))],
        empty_label=_("Any status"),
        method="filter_active",
    )

    class Meta:
        model = User
        fields = ["q", "role", "team", "is_active"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["team"].queryset = Team.objects.visible_to(user)
        for field in self.form.fields.values():
            css = "form-control" if field.widget.input_type != "select" else "form-select"
            field.widget.attrs.update({"class": css, "aria-label": field.label})

    def filter_active(self, queryset, name, value):
        return queryset.filter(is_active=value == "1")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(username__icontains=value)
            | Q(first_name__icontains=value)
            | Q(last_name__icontains=value)
            | Q(email__icontains=value)
            | Q(phone__icontains=value)
        )
