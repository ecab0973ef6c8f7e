"""The complaint list's filters."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Complaint


class ComplaintFilter(django_filters.FilterSet):
    OPEN = "open"

    state = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(OPEN, _("Open")), *Complaint.Status.choices],
        method="filter_state",
        empty_label=_("All"),
    )
    severity = django_filters.ChoiceFilter(
        label=_("Severity"), choices=Complaint.Severity.choices, empty_label=_("All")
    )
    breached = django_filters.BooleanFilter(
        label=_("Deadline missed"),
        method="filter_breached",
        widget=django_filters.widgets.BooleanWidget(),
    )
    mine = django_filters.BooleanFilter(
        label=_("Handled by me"),
        method="filter_mine",
        widget=django_filters.widgets.BooleanWidget(),
    )

    customer = django_filters.NumberFilter(field_name="customer_id", widget=forms.HiddenInput)

    class Meta:
        model = Complaint
        fields = ["state", "severity", "breached", "mine", "customer"]

    def filter_state(self, queryset, name, value):
        if value == self.OPEN:
            return queryset.filter(status__in=Complaint.OPEN_STATES)
        return queryset.filter(status=value)

    def filter_breached(self, queryset, name, value):
        if value is None:
            return queryset
        breached = Q(response_breached=True) | Q(resolution_breached=True)
        return queryset.filter(breached) if value else queryset.exclude(breached)

    def filter_mine(self, queryset, name, value):
        return queryset.filter(handler=self.request.user) if value else queryset
