"""The customer list: filters, sort, pages, saved views, and managers' bulk actions."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext, pgettext
from django.views import View
from django.views.generic import TemplateView
from django_filters.views import FilterView

from crm_site import hooks, paging

from .. import forms, masking, selectors, services
from ..filters import CustomerFilter
from ..models import Contact, Industry, ListColumns, SavedView, Tag
from ..selectors import visible_pools
from .mixins import CustomerScopeMixin, _list_query, _list_url

LIST_NAME = "customers"
# The columns a user may hide (the name and the grade always show).
OPTIONAL_COLUMNS = {
    "status": _lazy("Status"),
    "tags": _lazy("Tags"),
    "owner": _lazy("Owner"),
    "team": _lazy("Sales team"),
    "last_followup": _lazy("Last follow-up"),
    "due": _lazy("Next due"),
    "overdue_days": _lazy("Days overdue"),
    "contact": _lazy("Key contact"),
}
SAVED_VIEW_FIELDS = (
    "name",
    "query",
    "is_default",
    "shared",
    "user__username",
    "user__first_name",
    "user__last_name",
)


def list_hook_columns(user):
    return [
        column
        for fn in hooks.get(hooks.CUSTOMER_LIST_COLUMNS)
        if (column := fn(user=user)) is not None
    ]


def _reverse_sort(param):
    return param.removeprefix("-") if param.startswith("-") else f"-{param}"


class CustomerListView(PermissionRequiredMixin, CustomerScopeMixin, FilterView):
    """Filters, sorting and pages of 25; an htmx request (filter, sort, page, bulk action)
    gets only the rows partial. A constant number of queries whatever the rows."""

    permission_required = "customers.work_with_customers"
    raise_exception = True
    filterset_class = CustomerFilter
    template_name = "customers/customer_list.html"
    paginate_by = 25
    count_cap = paging.CAP  # beyond it the list says "10,000+"
    context_object_name = "customers"
    # Sortable columns: the first click sorts in this direction, the next one reverses it.
    SORT_COLUMNS = {
        "name": "name",
        "grade": "grade",
        "due": "due",
        "overdue_days": "-overdue_days",
        "last_followup": "-last_followup",
    }
    saved_view_form = None

    # The columns the rows show (and sort by): a row never loads notes or addresses.
    ROW_FIELDS = (
        "name",
        "grade",
        "second_check",
        "status",
        "last_followup_at",
        "next_followup_due",
        "next_followup_for",
        "updated_at",
        "owner__username",
        "owner__first_name",
        "owner__last_name",
        "pool",
        "owner__team__name",
    )

    @cached_property
    def hook_columns(self):
        """Later apps' columns (crm_site/hooks.py CUSTOMER_LIST_COLUMNS) for this user."""
        return list_hook_columns(self.request.user)

    def get_queryset(self):
        rows = super().get_queryset()
        for column in self.hook_columns:
            if self.columns[column.key]:  # what a hidden column reads is not read at all
                rows = column.annotate(rows)
        return (
            rows.select_related("owner__team")
            .only(*self.ROW_FIELDS)
            .prefetch_related(Prefetch("tags", queryset=Tag.objects.only("name")))
            # The first key contact rides on the rows' query (a subquery per shown row, run
            # after the LIMIT) instead of one more round trip.
            .annotate(
                key_contact_name=Subquery(self._key_contact.values("name")[:1]),
                key_contact_phone=Subquery(self._key_contact.values("phone")[:1]),
            )
            .order_by("-updated_at", "-pk")
        )

    _key_contact = Contact.objects.filter(customer=OuterRef("pk"), is_key=True).order_by(
        "name", "pk"
    )

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        if self.request.htmx:  # the rows only: no filter form
            return filterset
        # Industry options from one plain query: a ModelChoiceField renders its queryset
        # through a server-side cursor (DECLARE, FETCH, CLOSE: three round trips).
        field = filterset.form.fields["industry"]
        field.widget.choices = [("", field.empty_label)] + [
            (pk, name) for pk, name in Industry.objects.values_list("pk", "name")
        ]
        filterset.form.fields["pool"].widget.choices = self.pool_options
        if self.manages:
            filterset.form.fields["team"].widget.choices = filterset.team_choices()
        return filterset

    @cached_property
    def saved_views(self):
        """The user's saved views and those their team shares (one query)."""
        user = self.request.user
        mine = Q(user=user)
        if user.team_id:
            mine |= Q(shared=True, user__team_id=user.team_id)
        return list(
            SavedView.objects.filter(mine, list=SavedView.List.CUSTOMERS)
            .select_related("user")
            .only(*SAVED_VIEW_FIELDS)
            .order_by("-is_default", "name", "pk")
        )

    @cached_property
    def default_view(self):
        """The user's default view, applied when they come to the bare list."""
        user = self.request.user
        return next((v for v in self.saved_views if v.is_default and v.user_id == user.pk), None)

    @cached_property
    def params(self):
        """The list's query: the URL's, or the default view's for the bare list."""
        if not self.request.GET and self.default_view is not None:
            return QueryDict(self.default_view.query)
        return self.request.GET

    @cached_property
    def columns(self):
        """{optional column: shown?} from the user's column chooser (one query); the later
        apps' columns come after the list's own."""
        row = ListColumns.objects.filter(user=self.request.user, list_name=LIST_NAME).first()
        hidden = set(row.hidden) if row else set()
        names = [*OPTIONAL_COLUMNS, *(column.key for column in self.hook_columns)]
        return {name: name not in hidden for name in names}

    @cached_property
    def pool_options(self):
        """The pool filter's options (one query, read only when the page shows them)."""
        pools = visible_pools(self.request.user).order_by("name").values_list("pk", "name")
        return CustomerFilter.pool_choices(pools)

    @cached_property
    def manages(self):
        return self.request.user.has_perm("customers.manage_customers")

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        if self.params is not self.request.GET:
            kwargs["data"] = self.params
        return {**kwargs, "user": self.request.user}

    def paginate_queryset(self, queryset, page_size):
        # A capped count and keyset pages (crm_site/paging.py): page 4,000 of the director's
        # list costs what page 2 does. A page that no longer exists (a bulk action emptied
        # it) shows the last one instead.
        page = paging.paginate(queryset, self.params, page_size, cap=self.count_cap)
        return page.paginator, page, page.object_list, page.has_other_pages()

    def get_template_names(self):
        if self.request.htmx:
            return [f"{self.template_name}#rows"]
        return [self.template_name]

    def sort_links(self):
        current = self.params.get("o") or "-updated"
        links = {}
        for column, first in self.SORT_COLUMNS.items():
            query = self.params.copy()
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

    def chips(self):
        """The active filters as removable chips: (label, value, the list's URL without it)."""
        form = self.filterset.form
        if not self.filterset.is_bound or not form.is_valid():
            return []
        tags = {str(tag.pk): tag.name for tag in self.filterset.tags}
        chips = []
        for name, value in form.cleaned_data.items():
            if name == "o" or value in (None, "", [], False):
                continue
            field = form.fields[name]
            values = value if isinstance(value, list) else [value]
            for one in values:
                if name.startswith("tag_"):
                    text = tags.get(str(one), one)
                elif name == "owner":
                    text = one.display_name
                elif name == "pool":
                    text = dict(self.pool_options).get(one, one)
                elif value is True:
                    text = ""
                elif getattr(field, "choices", None) is not None and not hasattr(one, "pk"):
                    text = dict(field.choices).get(one, one)
                elif hasattr(one, "isoformat"):
                    text = one.isoformat()
                else:
                    text = str(one)
                query = self.params.copy()
                for position in ("page", "after", "before"):
                    query.pop(position, None)
                if isinstance(value, list):
                    query.setlist(name, [v for v in query.getlist(name) if v != str(one)])
                else:
                    query.pop(name, None)
                    query.pop(f"{name}_q", None)
                query = query.urlencode()
                chips.append(
                    {"label": field.label, "value": text, "url": _list_url(query or "all=1")}
                )
        return chips

    def get_context_data(self, **kwargs):
        user = self.request.user
        query = _list_query(self.params)
        labels = {**OPTIONAL_COLUMNS, **{c.key: c.label for c in self.hook_columns}}
        context = super().get_context_data(**kwargs)
        masking.mask_rows(user, context["object_list"])  # pool customers' key contacts
        context.update(
            query=query,
            manages=self.manages,
            sort=self.params.get("o") or "-updated",
            sort_links=self.sort_links(),
            today=timezone.localdate(),
            active_filters=self.filterset.active_count(),
            chips=self.chips(),
            show=self.columns,
            column_count=2 + sum(self.columns.values()) + bool(self.manages),
            column_labels=[(name, labels[name], shown) for name, shown in self.columns.items()],
            extra_columns=[column for column in self.hook_columns if self.columns[column.key]],
            saved_views=self.saved_views,
            saved_view_form=self.saved_view_form or forms.SavedViewForm(user=user, query=query),
        )
        if self.manages:
            # No ids: htmx would copy the old inputs' attributes onto the new rows it swaps in
            # (a browser may have added style="", which the CSP then blocks).
            context["bulk_form"] = forms.CustomerBulkForm(
                user=user, tags=self.filterset.tags, auto_id=False
            )
        return context


class SavedViewCreateView(CustomerListView):
    """POST only: name the current filter (this URL's query string). A bad name shows the
    list again with the message in the form, and nothing is saved."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        query = _list_query(request.GET)
        form = forms.SavedViewForm(request.POST, user=request.user, query=query)
        if form.is_valid():
            try:
                saved = services.saved_view_create(
                    by=request.user,
                    name=form.cleaned_data["name"],
                    query=query,
                    is_default=form.cleaned_data["is_default"],
                    shared=form.cleaned_data["shared"],
                )
            except services.CustomerError as error:
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


class SavedViewDeleteView(PermissionRequiredMixin, View):
    """POST only; a user deletes only their own saved views (anyone else's is a 404)."""

    permission_required = "customers.work_with_customers"
    raise_exception = True
    http_method_names = ["post"]

    def post(self, request, pk):
        mine = SavedView.objects.filter(user=request.user, list=SavedView.List.CUSTOMERS)
        saved = get_object_or_404(mine, pk=pk)
        services.saved_view_delete(by=request.user, saved_view=saved)
        messages.success(request, _("Saved view “%(name)s” deleted.") % {"name": saved.name})
        return redirect(_list_url(request.GET.urlencode()))


class CustomerBulkView(PermissionRequiredMixin, View):
    """POST only: a manager reassigns or tags the checked rows, then returns to the same list
    page (htmx follows the redirect and swaps in the updated rows). A reassign first shows
    what will happen (BulkReassignConfirmView) and is done once confirmed there; every row
    skipped is reported with why."""

    permission_required = "customers.manage_customers"
    raise_exception = True
    http_method_names = ["post"]

    def post(self, request):
        form = forms.CustomerBulkForm(request.POST, user=request.user)
        back = _list_url(request.GET.urlencode())
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return redirect(back)
        if form.cleaned_data["action"] == form.REASSIGN and not request.POST.get("confirm"):
            confirm_url = _reassign_confirm_url(form.cleaned_data, request.GET.urlencode())
            if request.htmx:  # a page of its own, not rows
                return HttpResponse(headers={"HX-Redirect": confirm_url})
            return redirect(confirm_url)
        try:
            result, text = self.apply(form)
        except services.CustomerError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, text)
            if result.skipped:
                messages.warning(request, skipped_text(result.skipped))
        return redirect(back)

    def apply(self, form):
        data, user = form.cleaned_data, self.request.user
        if data["action"] == form.REASSIGN:
            result = services.customers_bulk_reassign(
                by=user, customers=data["ids"], to_user=data["to_user"]
            )
            return result, ngettext(
                "%(count)s customer now belongs to %(name)s.",
                "%(count)s customers now belong to %(name)s.",
                result.count,
            ) % {"count": result.count, "name": data["to_user"].display_name}
        add = data["action"] == form.TAG_ADD
        result = services.customers_bulk_tag(
            by=user, customers=data["ids"], tag=data["tag"], add=add
        )
        if add:
            message = ngettext(
                "Tag “%(tag)s” added to %(count)s customer.",
                "Tag “%(tag)s” added to %(count)s customers.",
                result.count,
            )
        else:
            message = ngettext(
                "Tag “%(tag)s” removed from %(count)s customer.",
                "Tag “%(tag)s” removed from %(count)s customers.",
                result.count,
            )
        return result, message % {"count": result.count, "tag": data["tag"].name}


def skipped_text(skipped):
    """ "Skipped 2: 甲 (already belongs to 王五); 乙 (…)": every row, with why."""
    rows = pgettext("between items of a list", "; ").join(
        _("%(name)s (%(why)s)") % {"name": customer.name, "why": _(reason) % args}
        for customer, reason, args in skipped
    )
    return ngettext(
        "Skipped %(count)s: %(rows)s.", "Skipped %(count)s: %(rows)s.", len(skipped)
    ) % {
        "count": len(skipped),
        "rows": rows,
    }


def _reassign_confirm_url(data, list_query):
    query = QueryDict(mutable=True)
    query.setlist("ids", [str(customer.pk) for customer in data["ids"]])
    query["to_user"] = str(data["to_user"].pk)
    if list_query:
        query["list"] = list_query
    return f"{reverse('customers:customer-bulk-reassign')}?{query.urlencode()}"


class BulkReassignConfirmView(PermissionRequiredMixin, TemplateView):
    """GET ?ids=&to_user=: what a bulk reassign will do (how many customers, from whom, what
    moves along, to whom, which rows are skipped and why) and the POST that does it."""

    permission_required = "customers.manage_customers"
    raise_exception = True
    template_name = "customers/bulk_reassign_confirm.html"

    def get(self, request, *args, **kwargs):
        data = request.GET.copy()
        data["action"] = forms.CustomerBulkForm.REASSIGN
        form = forms.CustomerBulkForm(data, user=request.user)
        list_query = request.GET.get("list", "")
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return redirect(_list_url(list_query))
        customers = list(form.cleaned_data["ids"].select_related("owner").order_by("name", "pk"))
        to_user = form.cleaned_data["to_user"]
        preview = selectors.bulk_reassign_preview(
            by=request.user, customers=customers, to_user=to_user
        )
        skipped = [
            {"customer": customer, "why": _(reason) % args}
            for customer, reason, args in preview["skipped"]
        ]
        return self.render_to_response(
            self.get_context_data(
                preview=preview,
                skipped=skipped,
                to_user=to_user,
                list_query=list_query,
                back=_list_url(list_query),
            )
        )


class ListColumnsView(PermissionRequiredMixin, View):
    """POST only: the columns the user wants on the list (the others are hidden for them from
    now on), then back to the same list."""

    permission_required = "customers.work_with_customers"
    raise_exception = True
    http_method_names = ["post"]

    def post(self, request):
        services.list_columns_save(
            by=request.user,
            shown=request.POST.getlist("columns"),
            optional=[*OPTIONAL_COLUMNS, *(c.key for c in list_hook_columns(request.user))],
            list_name=LIST_NAME,
        )
        messages.success(request, _("Columns saved: the list shows them this way from now on."))
        return redirect(_list_url(request.GET.urlencode()))
