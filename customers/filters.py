"""FilterSets of the customers pages (the list, and the export of the same filtered list)."""

from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm_site import hooks
from teams import policy
from teams.models import Team, User

from .forms.fields import DateInput, FastSelect, UserFilterField, drill_filters
from .models import Customer, Grade, Industry, Tag
from .selectors import customer_search, owner_choices


class CustomerOrderingFilter(django_filters.OrderingFilter):
    """Sort by a column (default: most recently updated first). Empty dates sort last either
    way, and the primary key breaks ties so that pages never overlap."""

    FIELDS = {
        "updated": "updated_at",
        "name": "name",
        "grade": "grade",
        "due": "next_followup_due",
        "last_followup": "last_followup_at",
    }
    CHOICES = [
        ("-updated", _("Recently updated")),
        ("name", _("Name (A to Z)")),
        ("-name", _("Name (Z to A)")),
        ("grade", _("Grade (A first)")),
        ("-grade", _("Grade (C first)")),
        ("due", _("Next follow-up due (soonest first)")),
        ("-due", _("Next follow-up due (latest first)")),
        ("-overdue_days", _("Days overdue (most first)")),
        ("overdue_days", _("Days overdue (fewest first)")),
        ("-last_followup", _("Last follow-up (newest first)")),
        ("last_followup", _("Last follow-up (oldest first)")),
        ("updated", _("Least recently updated")),
    ]

    def __init__(self, *args, **kwargs):
        fields = [(field, param) for param, field in self.FIELDS.items()]
        super().__init__(*args, fields=fields, **kwargs)

    def build_choices(self, fields, labels):
        return self.CHOICES

    # Only these can be empty; the others keep plain ORDER BY so their indexes serve the sort
    # (customer_updated_at_id: updated_at DESC, id DESC).
    NULLABLE = {"next_followup_due", "last_followup_at"}

    def get_ordering_value(self, param):
        if param.removeprefix("-") == "overdue_days":
            # Days overdue = today - next due date: the most overdue are the earliest due, so
            # the due date's index serves this sort too (no per-row arithmetic).
            column = F("next_followup_due")
            if param.startswith("-"):
                return column.asc(nulls_last=True)
            return column.desc(nulls_last=True)
        value = super().get_ordering_value(param)
        name = value.removeprefix("-")
        if name not in self.NULLABLE:
            return value
        column = F(name)
        return (
            column.desc(nulls_last=True) if value.startswith("-") else column.asc(nulls_last=True)
        )

    def filter(self, qs, value):
        qs = super().filter(qs, value or ["-updated"])
        return qs.order_by(*qs.query.order_by, "-pk")


class _HookFilter(django_filters.Filter):
    """A later app's filter: its own form field, narrowed by its own function."""

    def __init__(self, found):
        super().__init__(label=found.field.label, method=self.narrow)
        self._field = found.field  # django-filter's cached form field
        self.apply = found.apply

    def narrow(self, queryset, name, value):
        return self.apply(queryset, value)


class CustomerFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        pool = cleaned.get("pool")
        if pool and pool not in POOL_STATES and not pool.isdigit():
            self.add_error("pool", _("Choose a pool from the list."))
        start, end = cleaned.get("followup_from"), cleaned.get("followup_to")
        if start and end and start > end:
            self.add_error("followup_to", _("The end date is before the start date."))
        return cleaned


# The pool filter's two states besides one pool's id (公海).
POOL_NONE, POOL_ANY = "none", "any"
POOL_STATES = (POOL_NONE, POOL_ANY)


class _OwnerFilter(django_filters.Filter):
    # Search as you type (htmx), scoped like the owner fields: no list of every user.
    field_class = UserFilterField


def _tag_filter(dimension):
    return django_filters.MultipleChoiceFilter(
        label=dimension.label,
        method="filter_tags",
        widget=forms.CheckboxSelectMultiple,
    )


class CustomerFilter(django_filters.FilterSet):
    """Every filter of the customer list. Tags: any of the checked tags within a dimension,
    and every dimension with a checked tag (AND across dimensions)."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    grade = django_filters.ChoiceFilter(
        label=_("Grade"), choices=Grade.choices, empty_label=_("Any grade"), widget=FastSelect
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=Customer.Status.choices,
        empty_label=_("Any status"),
        widget=FastSelect,
    )
    lead_source = django_filters.ChoiceFilter(
        label=_("Lead source"),
        choices=Customer.LeadSource.choices,
        empty_label=_("Any source"),
        widget=FastSelect,
    )
    industry = django_filters.ModelChoiceFilter(
        label=_("Industry"),
        queryset=Industry.objects.all(),
        empty_label=_("Any industry"),
        widget=FastSelect,
    )
    region = django_filters.ChoiceFilter(
        label=_("Region"),
        choices=Customer.Region.choices,
        empty_label=_("Any region"),
        widget=FastSelect,
    )
    team = django_filters.ModelChoiceFilter(
        label=_("Sales team"),
        queryset=Team.objects.none(),
        empty_label=_("Any team"),
        widget=FastSelect,
        method="filter_team",
    )
    pool = django_filters.CharFilter(label=_("Pool"), method="filter_pool", widget=FastSelect)
    owner = _OwnerFilter(label=_("Owner"), search={"for": "owner"}, method="filter_owner")
    overdue = django_filters.BooleanFilter(
        label=_("Overdue follow-up only"), method="filter_overdue", widget=forms.CheckboxInput
    )
    followup_from = django_filters.DateFilter(
        label=_("Last follow-up from"), method="filter_followup_from", widget=DateInput
    )
    followup_to = django_filters.DateFilter(
        label=_("Last follow-up to"), method="filter_followup_to", widget=DateInput
    )
    # The KPI dashboard's links (its customer counts): shown as a note above the list when set.
    created_from = django_filters.DateFilter(
        label=_("Created from"), method="filter_created_from", widget=DateInput
    )
    created_to = django_filters.DateFilter(
        label=_("Created to"), method="filter_created_to", widget=DateInput
    )
    active_from = django_filters.DateFilter(label=_("Active from"), method="filter_active")
    active_to = django_filters.DateFilter(label=_("Active to"), method="filter_active")
    active_signings = django_filters.BooleanFilter(
        label=_("A signed contract counts as activity"), method="filter_active"
    )
    churned_on = django_filters.DateFilter(label=_("Churned as of"), method="filter_churned")
    churn_days = django_filters.NumberFilter(
        label=_("Days without activity"), method="filter_churned", min_value=1, max_value=3650
    )
    tag_industry = _tag_filter(Tag.Dimension.INDUSTRY)
    tag_need = _tag_filter(Tag.Dimension.NEED)
    tag_relationship = _tag_filter(Tag.Dimension.RELATIONSHIP)
    tag_custom = _tag_filter(Tag.Dimension.CUSTOM)
    o = CustomerOrderingFilter(label=_("Sort by"), empty_label=None)

    class Meta:
        model = Customer
        fields = []
        form = CustomerFilterForm

    TAG_FILTERS = {f"tag_{dimension}": dimension for dimension in Tag.Dimension}
    DRILL_FILTERS = (
        "created_from",
        "created_to",
        "active_from",
        "active_to",
        "active_signings",
        "churned_on",
        "churn_days",
    )

    def __init__(self, data=None, queryset=None, *, user, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.user = user
        # Later apps' filters (crm_site/hooks.py CUSTOMER_LIST_FILTERS), before the form is built.
        self.hook_filters = [
            found
            for fn in hooks.get(hooks.CUSTOMER_LIST_FILTERS)
            if (found := fn(user=user)) is not None
        ]
        for found in self.hook_filters:
            self.filters[found.name] = _HookFilter(found)
        # One query for the tags of every dimension (and for the bulk bar of the list).
        self.tags = list(Tag.objects.all())
        for name, dimension in self.TAG_FILTERS.items():
            self.filters[name].extra["choices"] = [
                (str(tag.pk), tag.name) for tag in self.tags if tag.dimension == dimension
            ]
        self.filters["owner"].extra["queryset"] = owner_choices(user)
        self.filters["team"].queryset = Team.objects.filter(policy.teams_q(user))
        for field in self.form.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.update({"class": css})
        self.form.fields["q"].widget.attrs.update(
            {"type": "search", "placeholder": _("Name, contact or phone")}
        )

    @classmethod
    def from_query(cls, query, *, user):
        """The list's filter replayed from its saved query string (a queued export's), over
        the customers `user` sees now."""
        return cls(QueryDict(query), queryset=Customer.objects.visible_to(user), user=user)

    def hook_fields(self):
        """The later apps' filters' bound fields, shown after the list's own selects."""
        return [self.form[found.name] for found in self.hook_filters]

    # Which groups the page shows: tag dimensions with no tags are left out.
    def tag_fields(self):
        return [self.form[name] for name in self.TAG_FILTERS if self.filters[name].extra["choices"]]

    def active_count(self):
        """How many filters are set (for the phone's "Filters" button)."""
        if not self.is_bound or not self.form.is_valid():
            return 0
        return sum(
            1
            for name, value in self.form.cleaned_data.items()
            if name != "o" and value not in (None, "", [], False)
        )

    def drill_fields(self):
        """The dashboard's filters that are set (hidden inputs and a note on the page)."""
        return drill_filters(self.form, self.DRILL_FILTERS, self.data)

    def search(self, queryset, name, value):
        return customer_search(queryset, value) if value.strip() else queryset

    def team_choices(self):
        """The sales-team options, as a tree (one query): the teams `user` reaches."""
        rows = list(
            Team.objects.filter(policy.teams_q(self.user))
            .order_by("name")
            .values_list("pk", "name", "parent_id")
        )
        known = {pk for pk, _name, _parent in rows}
        children = {}
        for pk, name, parent_id in rows:
            children.setdefault(parent_id if parent_id in known else None, []).append((pk, name))
        choices, stack = (
            [("", _("Any team"))],
            [(pk, name, 0) for pk, name in children.get(None, [])][::-1],
        )
        while stack:
            pk, name, depth = stack.pop()
            choices.append((pk, "\u00a0\u00a0" * depth + name))
            stack.extend((c, n, depth + 1) for c, n in children.get(pk, [])[::-1])
        return choices

    def filter_team(self, queryset, name, value):
        """Customers owned by anyone in the team or in a team below it."""
        members = User.objects.filter(team_id__in=policy.team_subtree_ids(value.pk))
        return queryset.filter(owner__any_of=members.order_by().values("pk"))

    @staticmethod
    def pool_choices(pools):
        """The pool filter's options: any, owned (in no pool), in any pool, then each pool
        (`pools`: (id, name) of the pools the user sees, customers/selectors.py)."""
        return [
            ("", _("In a pool or not")),
            (POOL_NONE, _("Not in a pool")),
            (POOL_ANY, _("In any pool")),
            *((str(pk), name) for pk, name in pools),
        ]

    def filter_pool(self, queryset, name, value):
        """Narrows the customers the user already sees (the queryset is visible_to): a pool's
        id the user may not see finds nothing more than they could see anyway."""
        if value == POOL_NONE:
            return queryset.filter(pool__isnull=True)
        if value == POOL_ANY:
            return queryset.filter(pool__isnull=False)
        return queryset.filter(pool_id=int(value)) if value.isdigit() else queryset

    def filter_owner(self, queryset, name, value):
        return queryset.filter(owner=value) if value else queryset

    def filter_tags(self, queryset, name, value):
        through = Customer.tags.through
        return queryset.filter(
            Exists(through.objects.filter(customer=OuterRef("pk"), tag_id__in=value))
        )

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue(timezone.localdate()) if value else queryset

    def filter_created_from(self, queryset, name, value):
        return queryset.filter(created_at__gte=_start_of(value))

    def filter_created_to(self, queryset, name, value):
        return queryset.filter(created_at__lt=_start_of(value + timedelta(days=1)))

    def filter_active(self, queryset, name, value):
        # Applied once, by the first of the three (both dates are needed).
        data = self.form.cleaned_data
        start, end = data.get("active_from"), data.get("active_to")
        if name != "active_from" or not start or not end:
            return queryset
        return queryset.active_between(start, end, signings=bool(data.get("active_signings")))

    def filter_churned(self, queryset, name, value):
        data = self.form.cleaned_data
        day, days = data.get("churned_on"), data.get("churn_days")
        if name != "churned_on" or not day or not days:
            return queryset
        return queryset.churned_as_of(day, int(days))

    def filter_followup_from(self, queryset, name, value):
        return queryset.filter(last_followup_at__gte=_start_of(value))

    def filter_followup_to(self, queryset, name, value):
        return queryset.filter(last_followup_at__lt=_start_of(value + timedelta(days=1)))


def _start_of(day):
    return timezone.make_aware(datetime.combine(day, time.min))
