"""The pipeline list: filters, sort and pages of 25, an htmx request re-rendering only the
rows. A constant number of queries whatever the number of opportunities."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.utils import timezone
from django.utils.functional import cached_property
from django_filters.views import FilterView

from teams import roles

from ..filters import OpportunityFilter
from ..models import Stage
from .mixins import OpportunityScopeMixin


def _reverse_sort(param):
    return param.removeprefix("-") if param.startswith("-") else f"-{param}"


class OpportunityListView(PermissionRequiredMixin, OpportunityScopeMixin, FilterView):
    permission_required = "opportunities.work_with_opportunities"
    raise_exception = True
    filterset_class = OpportunityFilter
    template_name = "opportunities/opportunity_list.html"
    paginate_by = 25
    context_object_name = "opportunities"
    # Sortable columns: the first click sorts in this direction, the next one reverses it.
    SORT_COLUMNS = {
        "name": "name",
        "stage": "stage",
        "amount": "-amount",
        "close": "close",
        "probability": "-probability",
    }

    def get_queryset(self):
        return super().get_queryset().select_related("customer", "owner", "stage")

    @cached_property
    def stages(self):
        return list(Stage.objects.board())

    def get_filterset_kwargs(self, filterset_class):
        return {
            **super().get_filterset_kwargs(filterset_class),
            "user": self.request.user,
            "stages": self.stages,
        }

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_template_names(self):
        if self.request.htmx:
            return [f"{self.template_name}#rows"]
        return [self.template_name]

    def sort_links(self):
        current = self.request.GET.get("o") or "-updated"
        links = {}
        for column, first in self.SORT_COLUMNS.items():
            query = self.request.GET.copy()
            query.pop("page", None)
            query["o"] = _reverse_sort(first) if current == first else first
            direction = None
            if current.removeprefix("-") == column:
                direction = "descending" if current.startswith("-") else "ascending"
            links[column] = {"url": f"?{query.urlencode()}", "direction": direction}
        return links

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        paging = query.urlencode()
        query.pop("o", None)
        return {
            **super().get_context_data(**kwargs),
            "query": paging,
            "filter_query": query.urlencode(),
            "sort": self.request.GET.get("o") or "-updated",
            "sort_links": self.sort_links(),
            "today": timezone.localdate(),
            "active_filters": self.filterset.active_count(),
            "can_create": roles.has_role(self.request.user, roles.OWNER_ROLES),
        }
