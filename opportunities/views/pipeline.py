"""The pipeline list: filters, sort and pages of 25, an htmx request re-rendering only the
rows. A constant number of queries whatever the number of opportunities: a capped count and
keyset pages (crm_site/paging.py), each sort served by its index (migration 0006), and only
the columns the rows show."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django_filters.views import FilterView

from crm_site import paging
from customers.errors import CustomerError
from customers.forms import SavedViewForm
from customers.models import SavedView
from customers.services import saved_view_create, saved_view_delete
from teams import roles

from ..filters import OpportunityFilter
from ..models import Stage
from .mixins import OpportunityScopeMixin


def _reverse_sort(param):
    return param.removeprefix("-") if param.startswith("-") else f"-{param}"


PIPELINE = SavedView.List.OPPORTUNITIES


def _list_query(querydict):
    """The list's filter and sort as a query string, without the position (what a view saves)."""
    query = querydict.copy()
    for name in (paging.PAGE, paging.AFTER, paging.BEFORE):
        query.pop(name, None)
    return query.urlencode()


def _list_url(query):
    return reverse("opportunities:opportunity-list") + (f"?{query}" if query else "")


def _offset_page(queryset, params, per_page, cap):
    """A page by its number (`?page=n`, within the capped count), skipped by id alone."""
    paginator = paging.CappedPaginator(queryset, per_page, cap)
    number = min(paging._page_number(params.get(paging.PAGE)), paginator.num_pages)
    start = (number - 1) * per_page
    window = queryset
    if start:
        window = queryset.filter(pk__in=queryset.values("pk")[start : start + per_page + 1])
    rows = list(window[: per_page + 1]) if paginator.count else []
    page = paging.Page(rows[:per_page], number, paginator, len(rows) > per_page, number > 1)
    base = params.copy()
    for name in (paging.PAGE, paging.AFTER, paging.BEFORE):
        base.pop(name, None)
    if page.has_next:
        page.next_query = paging._query(base, number + 1)
    if page.has_previous:
        page.previous_query = paging._query(base, number - 1)
    return page


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

    count_cap = paging.CAP  # beyond it the list says "10,000+"
    # The columns the rows show (and sort by): a row never loads descriptions or analyses.
    # The stage comes from the stages the page has loaded already (no join).
    ROW_FIELDS = (
        "name",
        "stage_id",
        "status",
        "expected_amount",
        "probability",
        "expected_close_date",
        "solution_due",
        "solution_submitted_at",
        "updated_at",
        "customer__name",
        "customer__grade",
        "owner__username",
        "owner__first_name",
        "owner__last_name",
    )

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("customer", "owner")
            .only(*self.ROW_FIELDS)
            .order_by("-updated_at", "-pk")  # the sort filter's default, when it is not bound
        )

    @cached_property
    def all_stages(self):
        """Every stage, inactive ones too (an old opportunity may still sit in one): the
        rows show their stage from here instead of joining the stage table."""
        return list(Stage.objects.order_by("is_lost", "is_won", "order", "pk"))

    @cached_property
    def stages(self):
        return [stage for stage in self.all_stages if stage.is_active]

    def get_filterset_kwargs(self, filterset_class):
        return {
            **super().get_filterset_kwargs(filterset_class),
            "user": self.request.user,
            "stages": self.stages,
        }

    def paginate_queryset(self, queryset, page_size):
        if self.request.GET.get("o", "").removeprefix("-") == "stage":
            # The stages' order lives on the stage table: no index walks it, so this sort
            # pages by offset (within the capped count) instead of by cursor.
            page = _offset_page(queryset, self.request.GET, page_size, self.count_cap)
        else:
            page = paging.paginate(queryset, self.request.GET, page_size, cap=self.count_cap)
        stages = {stage.pk: stage for stage in self.all_stages}
        for opportunity in page.object_list:
            opportunity.shown_stage = stages.get(opportunity.stage_id)
        return page.paginator, page, page.object_list, page.has_other_pages()

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
            links[column] = {
                "url": f"?{query.urlencode()}",
                "direction": direction,
                "ascending": direction == "ascending",
            }
        return links

    saved_view_form = None

    def get_context_data(self, **kwargs):
        user = self.request.user
        query = self.request.GET.copy()
        for name in (paging.PAGE, paging.AFTER, paging.BEFORE):
            query.pop(name, None)
        position_free = query.urlencode()
        query.pop("o", None)
        return {
            **super().get_context_data(**kwargs),
            "query": position_free,
            "saved_views": list(SavedView.objects.filter(user=user, list=PIPELINE)),
            "saved_view_form": self.saved_view_form
            or SavedViewForm(user=user, query=position_free, list=PIPELINE),
            "filter_query": query.urlencode(),
            "sort": self.request.GET.get("o") or "-updated",
            "sort_links": self.sort_links(),
            "today": timezone.localdate(),
            "active_filters": self.filterset.active_count(),
            "can_create": roles.has_role(self.request.user, roles.OWNER_ROLES),
        }


class PipelineSavedViewCreateView(OpportunityListView):
    """POST only: name the current filter of the pipeline list (this URL's query string). A
    bad name shows the list again with the message in the form, and nothing is saved."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        query = _list_query(request.GET)
        form = SavedViewForm(request.POST, user=request.user, query=query, list=PIPELINE)
        if form.is_valid():
            try:
                saved = saved_view_create(
                    by=request.user, name=form.cleaned_data["name"], query=query, list=PIPELINE
                )
            except CustomerError as error:
                form.add_error("name", str(error))
            else:
                messages.success(
                    request,
                    _("Saved view “%(name)s” saved: it is one click away above the list.")
                    % {"name": saved.name},
                )
                return redirect(_list_url(query))
        self.saved_view_form = form
        return self.get(request, *args, **kwargs)


class PipelineSavedViewDeleteView(PermissionRequiredMixin, View):
    """POST only; a user deletes only their own pipeline views (anyone else's is a 404)."""

    permission_required = "opportunities.work_with_opportunities"
    raise_exception = True
    http_method_names = ["post"]

    def post(self, request, pk):
        mine = SavedView.objects.filter(user=request.user, list=PIPELINE)
        saved = get_object_or_404(mine, pk=pk)
        saved_view_delete(by=request.user, saved_view=saved)
        messages.success(request, _("Saved view “%(name)s” deleted.") % {"name": saved.name})
        return redirect(_list_url(_list_query(request.GET)))
