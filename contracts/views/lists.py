"""The contract list: filters, sort, capped count and keyset pages (crm_site/paging.py); an
htmx request re-renders only the rows. A constant number of queries whatever the rows."""

from django.views.generic import TemplateView

from crm_site import paging
from teams import roles

from .. import selectors
from ..forms import ContractFilterForm
from .mixins import ContractScopeMixin

# Sortable columns: the first click sorts in this direction, the next one reverses it.
SORT_COLUMNS = {"number": "number", "amount": "-amount", "signed": "-signed", "created": "-created"}


def _reverse(param):
    return param.removeprefix("-") if param.startswith("-") else f"-{param}"


class ContractListView(ContractScopeMixin, TemplateView):
    template_name = "contracts/contract_list.html"
    paginate_by = 25

    def sort_links(self, current):
        links = {}
        for column, first in SORT_COLUMNS.items():
            query = self.request.GET.copy()
            for name in (paging.PAGE, paging.AFTER, paging.BEFORE):
                query.pop(name, None)
            query["o"] = _reverse(first) if current == first else first
            direction = None
            if current.removeprefix("-") == column:
                direction = "descending" if current.startswith("-") else "ascending"
            links[column] = {
                "url": f"?{query.urlencode()}",
                "direction": direction,
                "ascending": direction == "ascending",
            }
        return links

    def get_template_names(self):
        if self.request.htmx:
            return [f"{self.template_name}#rows"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        user, params = self.request.user, self.request.GET
        form = ContractFilterForm(params or None, user=user)
        filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
        sort = params.get("o") if params.get("o") in selectors.SORTS else selectors.DEFAULT_SORT
        rows = selectors.contract_list(user, filters, sort)
        page = paging.paginate(rows, params, self.paginate_by)
        query = params.copy()
        for name in (paging.PAGE, paging.AFTER, paging.BEFORE, "o"):
            query.pop(name, None)
        return {
            **super().get_context_data(**kwargs),
            "filter_form": form,
            "contracts": page.object_list,
            "page_obj": page,
            "paginator": page.paginator,
            "sort": sort,
            "sort_links": self.sort_links(sort),
            "filter_query": query.urlencode(),
            "active_filters": form.active_count(),
            "can_create": roles.has_role(user, roles.OWNER_ROLES),
        }
