"""The pipeline's filters, shared by the list and the kanban (the board applies the same
ones, without the sort): stage, status, owner, team, customer grade, close month, amount
range, source, and a search on the opportunity's or the customer's name."""

from datetime import date, timedelta

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from customers.forms.fields import FastSelect, OwnerChoiceField, drill_filters
from customers.models import Customer, Grade, Industry
from customers.querysets import day_start
from customers.selectors import owner_choices
from teams import policy
from teams.models import Team, User

from . import validation
from .models import Opportunity, Source, Stage


class OpportunityOrderingFilter(django_filters.OrderingFilter):
    """Sort by a column (default: recently updated first); the primary key breaks ties so
    that pages never overlap."""

    FIELDS = {
        "updated": "updated_at",
        "name": "name",
        "stage": "stage__order",
        "close": "expected_close_date",
        "amount": "expected_amount",
        "probability": "probability",
    }
    CHOICES = [
        ("-updated", _("Recently updated")),
        ("close", _("Closing soonest")),
        ("-close", _("Closing latest")),
        ("-amount", _("Largest amount")),
        ("amount", _("Smallest amount")),
        ("stage", _("Stage (first to last)")),
        ("-stage", _("Stage (last to first)")),
        ("-probability", _("Most probable")),
        ("name", _("Name (A to Z)")),
    ]

    def __init__(self, *args, **kwargs):
        fields = [(field, param) for param, field in self.FIELDS.items()]
        super().__init__(*args, fields=fields, **kwargs)

    def build_choices(self, fields, labels):
        return self.CHOICES

    def filter(self, qs, value):
        qs = super().filter(qs, value or ["-updated"])
        # The key breaks ties in the sort's own direction, so that one index (column, id)
        # serves the sort both ways, and keyset paging can follow it.
        first = qs.query.order_by[0] if qs.query.order_by else "-updated_at"
        return qs.order_by(*qs.query.order_by, "-pk" if str(first).startswith("-") else "pk")


class MonthField(forms.CharField):
    """A month as the browser's <input type="month"> sends it: "2026-12" → date(2026, 12, 1)."""

    widget = forms.TextInput(attrs={"type": "month"})

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        try:
            year, month = (int(part) for part in value.split("-", 1))
            return date(year, month, 1)
        except ValueError:
            raise forms.ValidationError(_("Choose a month (YYYY-MM).")) from None


class MonthFilter(django_filters.Filter):
    field_class = MonthField


class AmountFilter(django_filters.NumberFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, field_name="expected_amount", **kwargs)


class PipelineFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("amount_min"), cleaned.get("amount_max")
        if low is not None and high is not None and low > high:
            self.add_error("amount_max", _("The largest amount is below the smallest."))
        for name in ("amount_min", "amount_max"):
            if cleaned.get(name) is not None:
                try:
                    validation.validate_money(cleaned[name])
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return cleaned


class _OwnerFilter(django_filters.ModelChoiceFilter):
    field_class = OwnerChoiceField


class _StageFilter(django_filters.ModelChoiceFilter):
    # A plain ModelChoiceField: its choices can be the stages the page has loaded already.
    field_class = forms.ModelChoiceField


class OpportunityFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    stage = _StageFilter(
        label=_("Stage"),
        queryset=Stage.objects.none(),
        empty_label=_("Any stage"),
        widget=FastSelect,
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=Opportunity.Status.choices,
        empty_label=_("Any status"),
        widget=FastSelect,
    )
    owner = _OwnerFilter(
        label=_("Owner"),
        queryset=User.objects.none(),
        empty_label=_("Any owner"),
        widget=FastSelect,
    )
    team = django_filters.ModelChoiceFilter(
        label=_("Team"),
        queryset=Team.objects.none(),
        empty_label=_("Any team"),
        method="filter_team",
        widget=FastSelect,
    )
    grade = django_filters.ChoiceFilter(
        label=_("Customer grade"),
        field_name="customer__grade",
        choices=Grade.choices,
        empty_label=_("Any grade"),
        widget=FastSelect,
    )
    source = django_filters.ChoiceFilter(
        label=_("Source"), choices=Source.choices, empty_label=_("Any source"), widget=FastSelect
    )
    close_month = MonthFilter(label=_("Closing in"), method="filter_close_month")
    amount_min = AmountFilter(label=_("Amount from (yuan)"), lookup_expr="gte")
    amount_max = AmountFilter(label=_("Amount up to (yuan)"), lookup_expr="lte")
    # The KPI dashboard's links: shown as a note above the list when set.
    created_from = django_filters.DateFilter(label=_("Created from"), method="filter_created")
    created_to = django_filters.DateFilter(label=_("Created to"), method="filter_created")
    closed_from = django_filters.DateFilter(label=_("Closed from"), method="filter_closed")
    closed_to = django_filters.DateFilter(label=_("Closed to"), method="filter_closed")
    reached = django_filters.NumberFilter(label=_("Reached the stage"), method="filter_reached")
    region = django_filters.ChoiceFilter(
        label=_("Region"), field_name="customer__region", choices=Customer.Region.choices
    )
    industry = django_filters.ModelChoiceFilter(
        label=_("Industry"), field_name="customer__industry", queryset=Industry.objects.all()
    )
    o = OpportunityOrderingFilter(label=_("Sort by"), empty_label=None)

    DRILL_FILTERS = (
        "created_from",
        "created_to",
        "closed_from",
        "closed_to",
        "reached",
        "region",
        "industry",
    )

    class Meta:
        model = Opportunity
        fields = []
        form = PipelineFilterForm

    def __init__(self, data=None, queryset=None, *, user, stages=None, request=None, prefix=None):
        """`stages`: the board's stages when the caller has loaded them already."""
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.user = user
        self.filters["stage"].queryset = Stage.objects.board()
        self.filters["owner"].queryset = owner_choices(user)
        self.filters["team"].queryset = Team.objects.filter(policy.teams_q(user)).order_by("name")
        for field in self.form.fields.values():
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.update({"class": css})
        if stages is not None:
            self.form.fields["stage"].choices = [("", _("Any stage"))] + [
                (stage.pk, stage.name) for stage in stages
            ]
        # The owner and team options as plain lists: one query each, where a model choice
        # field renders through a server-side cursor (three round trips) and an object per
        # colleague.
        self.form.fields["owner"].widget.choices = [("", _("Any owner"))] + [
            (pk, User(pk=pk, username=username, first_name=first, last_name=last).display_name)
            for pk, username, first, last in self.filters["owner"].queryset.values_list(
                "pk", "username", "first_name", "last_name"
            )
        ]
        self.form.fields["team"].widget.choices = [("", _("Any team"))] + list(
            self.filters["team"].queryset.values_list("pk", "name")
        )
        self.form.fields["q"].widget.attrs.update(
            {"type": "search", "placeholder": _("Opportunity or customer")}
        )
        for name in ("amount_min", "amount_max"):
            self.form.fields[name].widget.attrs.update({"inputmode": "decimal", "min": "0"})

    def active_count(self):
        if not self.is_bound or not self.form.is_valid():
            return 0
        return sum(
            1
            for name, value in self.form.cleaned_data.items()
            if name != "o" and value not in (None, "", [], False)
        )

    def drill_fields(self):
        return drill_filters(self.form, self.DRILL_FILTERS, self.data)

    def _range(self, queryset, field, start, end):
        if start:
            queryset = queryset.filter(**{f"{field}__gte": day_start(start)})
        if end:
            queryset = queryset.filter(**{f"{field}__lt": day_start(end + timedelta(days=1))})
        return queryset

    def filter_created(self, queryset, name, value):
        data = self.form.cleaned_data
        if name != "created_from" and data.get("created_from"):
            return queryset  # applied once, with both ends
        return self._range(queryset, "created_at", data.get("created_from"), data.get("created_to"))

    def filter_closed(self, queryset, name, value):
        data = self.form.cleaned_data
        if name != "closed_from" and data.get("closed_from"):
            return queryset
        return self._range(queryset, "closed_at", data.get("closed_from"), data.get("closed_to"))

    def filter_reached(self, queryset, name, value):
        return queryset.reached(value)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(customer__name__icontains=value))

    def filter_team(self, queryset, name, value):
        return queryset.filter(owner__team_id__in=policy.team_subtree_ids(value.pk))

    def filter_close_month(self, queryset, name, value):
        after = date(value.year + value.month // 12, value.month % 12 + 1, 1)
        return queryset.filter(expected_close_date__gte=value, expected_close_date__lt=after)
