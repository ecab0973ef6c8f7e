"""Thin views: read input, call one service or queryset, render or redirect.

Areas, each in its own section: list, customer page and edit, follow-ups and tasks,
grading and handover, Excel.
"""

import io
import tempfile
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView
from django_filters.views import FilterView

from crm_site import hooks
from teams.history import history_rows

from .. import cadence, excel, forms, moves, normalize, sections, services, timeline, xlsx
from ..filters import CustomerFilter
from ..models import (
    Contact,
    Customer,
    CustomerShare,
    ExportLog,
    FollowUp,
    GradeProposal,
    GradingSettings,
    ImportLog,
    NeedsSurvey,
    SavedView,
    Tag,
    Task,
)
from ..permissions import owner_choices


class CustomerScopeMixin:
    """Every customer page starts from the customers the user may see."""

    def get_queryset(self):
        return Customer.objects.visible_to(self.request.user)


# --- list ---------------------------------------------------------------------------------


def _list_query(querydict):
    """The list's filter and sort as a query string, without the page (what a view saves)."""
    query = querydict.copy()
    query.pop("page", None)
    return query.urlencode()


def _reverse_sort(param):
    return param.removeprefix("-") if param.startswith("-") else f"-{param}"


def _list_url(query):
    """The customer list at `query` (a query string)."""
    return reverse("customers:customer-list") + (f"?{query}" if query else "")


class CustomerListView(PermissionRequiredMixin, CustomerScopeMixin, FilterView):
    """Filters, sorting and pages of 25; an htmx request (filter, sort, page, bulk action)
    gets only the rows partial. A constant number of queries whatever the rows."""

    permission_required = "customers.work_with_customers"
    raise_exception = True
    filterset_class = CustomerFilter
    template_name = "customers/customer_list.html"
    paginate_by = 25
    context_object_name = "customers"
    # Sortable columns: the first click sorts in this direction, the next one reverses it.
    SORT_COLUMNS = {
        "name": "name",
        "grade": "grade",
        "due": "due",
        "last_followup": "-last_followup",
    }
    saved_view_form = None

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("owner")
            .prefetch_related(
                Prefetch("tags", queryset=Tag.objects.all()),
                Prefetch(
                    "contacts", queryset=Contact.objects.filter(is_key=True), to_attr="key_contacts"
                ),
            )
            .order_by("-updated_at", "-pk")
        )

    @cached_property
    def manages(self):
        return self.request.user.has_perm("customers.manage_customers")

    @cached_property
    def owners(self):
        """Owner choices, loaded once for the filter and the bulk bar (managers only)."""
        return list(owner_choices(self.request.user)) if self.manages else None

    def get_filterset_kwargs(self, filterset_class):
        return {
            **super().get_filterset_kwargs(filterset_class),
            "user": self.request.user,
            "owners": self.owners,
        }

    def paginate_queryset(self, queryset, page_size):
        # A page that no longer exists (a bulk action emptied it) shows the last one instead.
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
        user = self.request.user
        query = _list_query(self.request.GET)
        context = super().get_context_data(**kwargs)
        context.update(
            query=query,
            manages=self.manages,
            sort=self.request.GET.get("o") or "-updated",
            sort_links=self.sort_links(),
            today=timezone.localdate(),
            active_filters=self.filterset.active_count(),
            saved_views=list(SavedView.objects.filter(user=user)),
            saved_view_form=self.saved_view_form or forms.SavedViewForm(user=user, query=query),
        )
        if self.manages:
            # No ids: htmx would copy the old inputs' attributes onto the new rows it swaps in
            # (a browser may have added style="", which the CSP then blocks).
            context["bulk_form"] = forms.CustomerBulkForm(
                user=user, tags=self.filterset.tags, owners=self.owners, auto_id=False
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
                    by=request.user, name=form.cleaned_data["name"], query=query
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
        saved = get_object_or_404(SavedView.objects.filter(user=request.user), pk=pk)
        services.saved_view_delete(by=request.user, saved_view=saved)
        messages.success(request, _("Saved view “%(name)s” deleted.") % {"name": saved.name})
        return redirect(_list_url(request.GET.urlencode()))


class CustomerBulkView(PermissionRequiredMixin, View):
    """POST only: a manager reassigns or tags the checked rows, then returns to the same list
    page (htmx follows the redirect and swaps in the updated rows)."""

    permission_required = "customers.manage_customers"
    raise_exception = True
    http_method_names = ["post"]

    def post(self, request):
        form = forms.CustomerBulkForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                messages.success(request, self.apply(form))
            except services.CustomerError as error:
                messages.error(request, str(error))
        else:
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(_list_url(request.GET.urlencode()))

    def apply(self, form):
        data, user = form.cleaned_data, self.request.user
        if data["action"] == form.REASSIGN:
            count = services.customers_bulk_reassign(
                by=user, customers=data["ids"], to_user=data["to_user"]
            )
            return ngettext(
                "%(count)s customer now belongs to %(name)s.",
                "%(count)s customers now belong to %(name)s.",
                count,
            ) % {"count": count, "name": data["to_user"].display_name}
        add = data["action"] == form.TAG_ADD
        count = services.customers_bulk_tag(
            by=user, customers=data["ids"], tag=data["tag"], add=add
        )
        if add:
            message = ngettext(
                "Tag “%(tag)s” added to %(count)s customer.",
                "Tag “%(tag)s” added to %(count)s customers.",
                count,
            )
        else:
            message = ngettext(
                "Tag “%(tag)s” removed from %(count)s customer.",
                "Tag “%(tag)s” removed from %(count)s customers.",
                count,
            )
        return message % {"count": count, "tag": data["tag"].name}


# --- customer page and edit ---------------------------------------------------------------


def _safe_next(request, default):
    """The `next` field of a POST when it stays on this site, else `default`."""
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return default


def _tag_groups(tags):
    """`[(dimension label, [tags])]` from tags ordered by dimension (Tag's ordering)."""
    groups = {}
    for tag in tags:
        groups.setdefault(tag.get_dimension_display(), []).append(tag)
    return list(groups.items())


class OneCustomerMixin:
    """A page about one customer: it must be visible (else 404) and the user allowed to do
    `customer_permission` with it (else 403)."""

    customer_permission = "customers.edit_customer"

    @cached_property
    def customer(self):
        customers = Customer.objects.visible_to(self.request.user).select_related("owner")
        return get_object_or_404(customers, pk=self.kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.customer_permission, self.customer):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "customer": self.customer}


class CustomerDetailView(CustomerScopeMixin, DetailView):
    """The 360 view. Runs a constant number of queries whatever the number of contacts,
    follow-ups or tags; apps add sections and timeline events through crm_site/hooks.py
    without this view knowing them."""

    template_name = "customers/customer_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("owner", "owner__team", "industry", "review_requested_by")
        )

    def get_context_data(self, **kwargs):
        customer, user = self.object, self.request.user
        can = {
            "edit": user.has_perm("customers.edit_customer", customer),
            "log": user.has_perm("customers.log_followup", customer),
            "survey": user.has_perm("customers.add_survey", customer),
            "share": user.has_perm("customers.share_customer", customer),
            "merge": user.has_perm("customers.merge_customer", customer),
            "confirm": user.has_perm("customers.confirm_review", customer),
        }
        today = timezone.localdate()
        return {
            **super().get_context_data(**kwargs),
            "can": can,
            "today": today,
            "overdue": bool(customer.next_followup_due and customer.next_followup_due < today),
            "tag_groups": _tag_groups(customer.tags.all()),
            "contacts": list(customer.contacts.all()),
            "shares": list(customer.shares.select_related("user")),
            "share_form": (
                forms.ShareForm(user=user, customer=customer, auto_id="share_%s")
                if can["share"]
                else None
            ),
            "cadence_rules": cadence.help_text(GradingSettings.load()),
            "sections": sections.sections_for(customer, user),
            "timeline": timeline.events_for(customer, user),
        }


class CustomerCreateView(PermissionRequiredMixin, FormView):
    permission_required = "customers.create_customer"
    raise_exception = True
    form_class = forms.CustomerForm
    template_name = "customers/customer_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        contact = form.first_contact()
        customer = services.customer_create(
            by=self.request.user,
            owner=form.cleaned_data.get("owner"),
            tags=form.cleaned_data["tags"],
            contacts=[contact] if contact else [],
            **form.customer_fields(),
        )
        messages.success(self.request, _("Customer %(name)s was created.") % {"name": customer})
        if customer.review == Customer.Review.PENDING:
            messages.info(
                self.request,
                _("Grade A waits for a second check by a sales manager or director."),
            )
        return redirect("customers:customer-detail", pk=customer.pk)


class CustomerUpdateView(OneCustomerMixin, FormView):
    form_class = forms.CustomerForm
    template_name = "customers/customer_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.customer}

    def get_context_data(self, **kwargs):
        # The form changes its instance while validating: the page shows the saved name.
        saved = Customer.objects.only("name").get(pk=self.customer.pk)
        return {**super().get_context_data(**kwargs), "saved_name": saved.name}

    def form_valid(self, form):
        # An owner left as it was is not sent: the customer may have been reassigned since.
        changed = "owner" in form.changed_data
        extra = {"owner": form.cleaned_data["owner"]} if changed else {}
        try:
            customer = services.customer_update(
                by=self.request.user,
                customer=self.customer,
                tags=form.cleaned_data["tags"],
                reason=form.cleaned_data["grade_reason"],
                **extra,
                **form.customer_fields(),
            )
        except services.CustomerError as error:
            messages.error(self.request, str(error))
            return redirect("customers:customer-list")
        messages.success(self.request, _("Changes to %(name)s were saved.") % {"name": customer})
        if customer.review == Customer.Review.PENDING and customer.review_requested_by_id == (
            self.request.user.pk
        ):
            messages.info(
                self.request,
                _("Grade A waits for a second check by a sales manager or director."),
            )
        return redirect("customers:customer-detail", pk=customer.pk)


class CustomerReviewConfirmView(View):
    """POST only: 二次核对, a manager or director confirms a customer's A grade."""

    http_method_names = ["post"]

    def post(self, request, pk):
        customer = get_object_or_404(Customer.objects.visible_to(request.user), pk=pk)
        back = _safe_next(request, reverse("customers:customer-detail", args=[customer.pk]))
        if customer.review != Customer.Review.PENDING:
            messages.info(request, _("This customer is not waiting for a second check."))
            return redirect(back)
        if not request.user.has_perm("customers.confirm_review", customer):
            raise PermissionDenied
        try:
            services.customer_confirm_review(by=request.user, customer=customer)
        except services.CustomerError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("Grade A of %(name)s is confirmed.") % {"name": customer.name}
            )
        return redirect(back)


class CustomerMergeView(OneCustomerMixin, TemplateView):
    """Step one of a merge: find the customer to merge into this one (among visible ones)."""

    customer_permission = "customers.merge_customer"
    template_name = "customers/customer_merge.html"
    RESULTS = 20

    def get_template_names(self):
        if self.request.htmx:
            return [f"{self.template_name}#results"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        customer, user = self.customer, self.request.user
        # Only customers the user may move: one merely shared with them is not theirs to merge.
        visible = (
            Customer.objects.visible_to(user)
            .managed_by(user)
            .exclude(pk=customer.pk)
            .select_related("owner")
        )
        query = self.request.GET.get("q", "").strip()[:100]
        results = []
        if query:
            match = Q(name__icontains=query) | Q(credit_code=query.upper())
            digits = normalize.phone_key(query)
            if len(digits) >= 4:
                match |= Q(phone_key__contains=digits)
            results = list(visible.filter(match).order_by("name", "pk")[: self.RESULTS])
        likely = services.find_duplicates(
            name=customer.name,
            credit_code=customer.credit_code,
            phone=customer.phone,
            exclude_pk=customer.pk,
        ).filter(pk__in=visible.values("pk"))
        return {
            **super().get_context_data(**kwargs),
            "query": query,
            "results": results,
            "likely": list(likely[: self.RESULTS]),
        }


class CustomerMergeConfirmView(OneCustomerMixin, FormView):
    """Step two: both customers side by side, what moves, and the POST that merges."""

    customer_permission = "customers.merge_customer"
    form_class = forms.MergeConfirmForm
    template_name = "customers/customer_merge_confirm.html"

    @cached_property
    def other(self):
        customers = Customer.objects.visible_to(self.request.user).select_related(
            "owner", "industry"
        )
        other = get_object_or_404(customers, pk=self.kwargs["other"])
        if other.pk == self.customer.pk:
            raise Http404
        return other

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.customer_permission, self.customer):
            raise PermissionDenied
        if not request.user.has_perm(self.customer_permission, self.other):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        keep, merge = self.customer, self.other
        fields = [
            "name",
            "credit_code",
            "status",
            "grade",
            "owner",
            "industry",
            "region",
            "phone",
            "address",
            "lead_source",
            "annual_purchase_estimate",
            "next_followup_due",
        ]
        filled = set(moves.fill_fields(keep, merge))
        rows = [
            {
                "label": Customer._meta.get_field(name).verbose_name,
                "keep": _display(keep, name),
                "merge": _display(merge, name),
                "filled": name in filled,
            }
            for name in fields
        ]
        return {
            **super().get_context_data(**kwargs),
            "keep": keep,
            "merge": merge,
            "rows": rows,
            "filled": [Customer._meta.get_field(n).verbose_name for n in sorted(filled)],
            "moves": hooks.describe(
                services.merge_preview(by=self.request.user, keep=keep, merge=merge)
            ),
        }

    def form_valid(self, form):
        try:
            record = services.customer_merge(
                by=self.request.user,
                keep=self.customer,
                merge=self.other,
                share_with_merged_owner=form.cleaned_data["share_with_merged_owner"],
            )
        except services.CustomerError as error:
            messages.error(self.request, str(error))
            if Customer.objects.filter(pk=self.customer.pk).exists():
                return redirect("customers:customer-detail", pk=self.customer.pk)
            return redirect("customers:customer-list")  # merged away by someone else meanwhile
        messages.success(
            self.request,
            _("%(merged)s was merged into %(kept)s.")
            % {"merged": record.merged_name, "kept": self.customer.name},
        )
        return redirect("customers:customer-detail", pk=self.customer.pk)


def _display(customer, name):
    """A field of a customer as text, for the side-by-side merge table."""
    field = Customer._meta.get_field(name)
    if field.choices:
        return getattr(customer, f"get_{name}_display")()
    value = getattr(customer, name)
    if name == "owner":
        return value.display_name
    return "" if value is None else str(value)


class ContactCreateView(OneCustomerMixin, FormView):
    form_class = forms.ContactForm
    template_name = "customers/contact_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            contact = services.contact_create(
                by=self.request.user, customer=self.customer, **form.cleaned_data
            )
        except services.CustomerError as error:
            messages.error(self.request, str(error))
            return redirect("customers:customer-list")
        messages.success(self.request, _("Contact %(name)s was added.") % {"name": contact.name})
        return redirect(reverse("customers:customer-detail", args=[self.customer.pk]) + "#contacts")


class ContactMixin:
    """A contact is reached through its customer: visible customer (404), may edit it (403)."""

    @cached_property
    def contact(self):
        contacts = Contact.objects.visible_to(self.request.user).select_related(
            "customer", "customer__owner"
        )
        return get_object_or_404(contacts, pk=self.kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("customers.edit_customer", self.contact.customer):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def customer_url(self):
        return reverse("customers:customer-detail", args=[self.contact.customer_id]) + "#contacts"


class ContactUpdateView(ContactMixin, FormView):
    form_class = forms.ContactForm
    template_name = "customers/contact_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.contact}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "customer": self.contact.customer,
            "contact": self.contact,
        }

    def form_valid(self, form):
        services.contact_update(by=self.request.user, contact=self.contact, **form.cleaned_data)
        messages.success(self.request, _("Contact %(name)s was saved.") % {"name": self.contact})
        return redirect(self.customer_url())


class ContactDeleteView(ContactMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        services.contact_delete(by=request.user, contact=self.contact)
        messages.success(request, _("Contact %(name)s was deleted.") % {"name": self.contact.name})
        return redirect(self.customer_url())


class ShareCreateView(OneCustomerMixin, View):
    """POST only: share the customer with a colleague, or change their access."""

    customer_permission = "customers.share_customer"
    http_method_names = ["post"]

    def post(self, request, pk):
        form = forms.ShareForm(request.POST, user=request.user, customer=self.customer)
        back = reverse("customers:customer-detail", args=[self.customer.pk]) + "#colleagues"
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(back)
        colleague = form.cleaned_data["user"]
        try:
            services.customer_share(
                by=request.user, customer=self.customer, user=colleague, can_edit=form.can_edit
            )
        except services.CustomerError as error:
            messages.error(request, str(error))
        else:
            text = (
                _("%(name)s can now read and edit this customer.")
                if form.can_edit
                else _("%(name)s can now read this customer.")
            )
            messages.success(request, text % {"name": colleague.display_name})
        return redirect(back)


class ShareDeleteView(View):
    http_method_names = ["post"]

    def post(self, request, pk):
        shares = CustomerShare.objects.filter(
            customer__in=Customer.objects.visible_to(request.user)
        ).select_related("customer__owner", "user")
        share = get_object_or_404(shares, pk=pk)
        if not request.user.has_perm("customers.share_customer", share.customer):
            raise PermissionDenied
        services.customer_unshare(by=request.user, share=share)
        messages.success(
            request,
            _("%(name)s no longer works on this customer.") % {"name": share.user.display_name},
        )
        return redirect(
            reverse("customers:customer-detail", args=[share.customer_id]) + "#colleagues"
        )


# --- follow-ups and tasks -----------------------------------------------------------------


class TaskCompleteView(View):
    """POST only. From htmx it answers the task's row as done; otherwise it redirects."""

    http_method_names = ["post"]

    def post(self, request, pk):
        task = get_object_or_404(
            Task.objects.visible_to(request.user).select_related("customer"), pk=pk
        )
        error = None
        try:
            services.task_complete(by=request.user, task=task)
        except services.CustomerError as problem:
            error = str(problem)
        if request.htmx:
            task.refresh_from_db()
            context = {"task": task, "error": error}
            return render(request, "customers/partials/task_done.html", context)
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("Task “%(title)s” is done.") % {"title": task.title})
        next_url = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = reverse("home")
        return redirect(next_url)


class LoggableCustomerMixin(OneCustomerMixin):
    """Pages that log what happened with a customer (follow-ups, needs surveys)."""

    customer_permission = "customers.log_followup"


def _followup_logged(request, followup, old_due):
    """The success message: where the next due date went (both dates, ISO)."""
    new_due = followup.customer.next_followup_due
    if old_due and new_due and old_due != new_due:
        text = _("Follow-up logged. Next follow-up due moved from %(old)s to %(new)s.")
    else:
        text = _("Follow-up logged. Next follow-up due: %(new)s.")
    values = {"old": old_due.isoformat() if old_due else "—", "new": new_due.isoformat()}
    messages.success(request, text % values)
    if followup.is_late:
        messages.warning(request, _("Recorded more than 24 hours after the contact: marked late."))
    return redirect("customers:customer-detail", pk=followup.customer_id)


class FollowUpCreateView(LoggableCustomerMixin, FormView):
    """The full follow-up record from the customer page."""

    form_class = forms.FollowUpForm
    template_name = "customers/followup_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "customer": self.customer}

    def form_valid(self, form):
        old_due = self.customer.next_followup_due
        try:
            followup = services.followup_log(
                by=self.request.user, customer=self.customer, **form.cleaned_data
            )
        except services.CustomerError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        return _followup_logged(self.request, followup, old_due)


class QuickLogView(PermissionRequiredMixin, FormView):
    """快速记录, made for phones: customer, method, key points, next action and its date."""

    permission_required = "customers.work_with_customers"
    raise_exception = True
    form_class = forms.QuickLogForm
    template_name = "customers/followup_quick_log.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        customer_id = self.request.GET.get("customer", "")
        return {"customer": customer_id} if customer_id.isdigit() else {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        picked = str(form["customer"].value() or "")
        context["picked"] = (
            form.fields["customer"].queryset.filter(pk=picked).first() if picked.isdigit() else None
        )
        return context

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        customer = data.pop("customer")
        old_due = customer.next_followup_due
        try:
            followup = services.followup_log(
                by=self.request.user, customer=customer, occurred_at=timezone.now(), **data
            )
        except services.CustomerError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        return _followup_logged(self.request, followup, old_due)


class CustomerSearchView(PermissionRequiredMixin, TemplateView):
    """GET ?q=: up to 10 visible customers by name, contact name or phone (htmx picker)."""

    permission_required = "customers.work_with_customers"
    raise_exception = True
    template_name = "customers/partials/customer_picker.html"
    limit = 10

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "").strip()[:100]
        visible = Customer.objects.visible_to(self.request.user).select_related("owner")
        found = visible.quick_search(query).order_by("name", "pk")[: self.limit]
        picked = self.request.GET.get("customer", "")  # the one already chosen stays chosen
        return {
            **super().get_context_data(**kwargs),
            "q": query,
            "results": list(found),
            "picked": visible.filter(pk=picked).first() if picked.isdigit() else None,
        }


class FollowUpDetailView(DetailView):
    template_name = "customers/followup_detail.html"
    context_object_name = "followup"

    def get_queryset(self):
        return FollowUp.objects.visible_to(self.request.user).select_related(
            "customer", "author", "contact", "task__owner"
        )


class TaskListView(PermissionRequiredMixin, ListView):
    """My tasks: open ones by due date (overdue first), and the ones done lately."""

    permission_required = "customers.work_with_customers"
    raise_exception = True
    template_name = "customers/task_list.html"
    context_object_name = "tasks"
    paginate_by = 50
    done_days = 14

    def mine(self):
        return Task.objects.visible_to(self.request.user).filter(owner=self.request.user)

    def get_queryset(self):
        return self.mine().open().select_related("customer").order_by("due_date", "pk")

    def get_context_data(self, **kwargs):
        since = timezone.now() - timedelta(days=self.done_days)
        done = (
            self.mine()
            .filter(done_at__gte=since)
            .select_related("customer")
            .order_by("-done_at", "-pk")[:20]
        )
        return {
            **super().get_context_data(**kwargs),
            "today": timezone.localdate(),
            "done": list(done),
            "done_days": self.done_days,
        }


class NeedsSurveyCreateView(LoggableCustomerMixin, TemplateView):
    """需求调研表: the survey and its need lines (a formset; htmx adds rows)."""

    customer_permission = "customers.add_survey"
    template_name = "customers/survey_form.html"
    prefix = "needs"

    def forms(self, data=None):
        form = forms.NeedsSurveyForm(data, user=self.request.user, customer=self.customer)
        return form, forms.NeedLineFormSet(data, prefix=self.prefix)

    def get(self, request, *args, **kwargs):
        form, formset = self.forms()
        return self.render_to_response(self.get_context_data(form=form, formset=formset))

    def post(self, request, *args, **kwargs):
        form, formset = self.forms(request.POST)
        if form.is_valid() and formset.is_valid():
            try:
                survey = services.needs_survey_create(
                    by=request.user,
                    customer=self.customer,
                    needs=formset.lines(),
                    **form.cleaned_data,
                )
            except services.CustomerError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Needs survey saved."))
                return redirect("customers:survey-detail", pk=survey.pk)
        return self.render_to_response(self.get_context_data(form=form, formset=formset))


class NeedLineRowView(PermissionRequiredMixin, TemplateView):
    """htmx: one more blank need line, numbered after the rows already on the form."""

    permission_required = "customers.work_with_customers"
    raise_exception = True
    template_name = "customers/partials/survey_need_row.html"

    def get_context_data(self, **kwargs):
        prefix = NeedsSurveyCreateView.prefix
        total = self.request.GET.get(f"{prefix}-TOTAL_FORMS", "")
        index = int(total) if total.isdigit() else 0
        formset = forms.NeedLineFormSet(prefix=prefix)
        return {
            **super().get_context_data(**kwargs),
            "line": forms.NeedLineForm(prefix=f"{prefix}-{index}")
            if index < formset.max_num
            else None,
            "prefix": prefix,
            "total": index + 1,
            "max": formset.max_num,
        }


class NeedsSurveyDetailView(DetailView):
    template_name = "customers/survey_detail.html"
    context_object_name = "survey"

    def get_queryset(self):
        return (
            NeedsSurvey.objects.visible_to(self.request.user)
            .select_related("customer", "surveyor")
            .prefetch_related("needs")
        )


# --- grading and handover -----------------------------------------------------------------


class GradingSettingsView(PermissionRequiredMixin, FormView):
    """Admins: thresholds X and Y and the cadence per grade."""

    permission_required = "customers.change_grading"
    raise_exception = True
    form_class = forms.GradingSettingsForm
    template_name = "customers/gradingsettings_form.html"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "user": self.request.user,
            "instance": GradingSettings.load(),
        }

    def get_context_data(self, **kwargs):
        saved = GradingSettings.load()
        return {
            **super().get_context_data(**kwargs),
            "cadence_rules": cadence.help_text(saved),
            "saved": saved,
            "history": history_rows(saved, limit=10, hidden={"id", "updated_at"}),
        }

    def form_valid(self, form):
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.grading_settings_update(by=self.request.user, **fields)
        except services.CustomerError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        if set(form.changed_data) & set(services.CADENCE_FIELDS):
            messages.success(
                self.request,
                _(
                    "Grading settings saved. Recomputing every customer's next follow-up due "
                    "date with the new cadence is queued; the dates change once a worker has "
                    "run it."
                ),
            )
        else:
            messages.success(self.request, _("Grading settings saved."))
        return redirect("customers:grading-settings")


class GradeReviewView(PermissionRequiredMixin, ListView):
    """Managers and directors: the pending quarterly proposals of the customers they see;
    confirm or reject the checked ones in bulk (POST/redirect/GET)."""

    permission_required = "customers.review_grades"
    raise_exception = True
    template_name = "customers/gradeproposal_list.html"
    context_object_name = "proposals"
    paginate_by = 50

    def get_queryset(self):
        return (
            GradeProposal.objects.visible_to(self.request.user)
            .filter(status=GradeProposal.Status.PENDING)
            .select_related("customer", "customer__owner")
            .order_by("customer__owner__username", "customer__name", "pk")
        )

    def post(self, request):
        form = forms.GradeDecisionForm(request.POST, user=request.user)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect("customers:grade-review")
        confirm = form.cleaned_data["decision"] == form.CONFIRM
        count = services.grade_proposals_decide(
            by=request.user, proposals=form.cleaned_data["proposals"], confirm=confirm
        )
        if confirm:
            text = ngettext(
                "%(count)s grade change confirmed.", "%(count)s grade changes confirmed.", count
            )
        else:
            text = ngettext(
                "%(count)s grade change rejected.", "%(count)s grade changes rejected.", count
            )
        messages.success(request, text % {"count": count})
        return redirect("customers:grade-review")


class HandoverView(PermissionRequiredMixin, TemplateView):
    """客户交接: pick a user (?from=<id>), their customers, the receiver; confirm (POST)."""

    permission_required = "customers.manage_customers"
    raise_exception = True
    template_name = "customers/handover_form.html"

    def get(self, request, *args, **kwargs):
        source = forms.HandoverSourceForm(
            request.GET if "from" in request.GET else None, user=request.user
        )
        form = None
        if source.is_valid():
            form = forms.HandoverForm(user=request.user, from_user=source.cleaned_data["from"])
        return self.render_to_response(self.get_context_data(source=source, form=form))

    def post(self, request, *args, **kwargs):
        source = forms.HandoverSourceForm(request.POST, user=request.user)
        if not source.is_valid():
            return self.render_to_response(self.get_context_data(source=source, form=None))
        from_user = source.cleaned_data["from"]
        form = forms.HandoverForm(request.POST, user=request.user, from_user=from_user)
        if form.is_valid():
            try:
                handover = services.customers_handover(
                    by=request.user,
                    from_user=from_user,
                    to_user=form.cleaned_data["to_user"],
                    customers=form.cleaned_data["customers"],
                    note=form.cleaned_data["note"],
                )
            except services.CustomerError as error:
                form.add_error(None, str(error))
            else:
                count, moved = handover.customers.count(), hooks.listed(handover.moves)
                values = {
                    "customers": ngettext("%(count)s customer", "%(count)s customers", count)
                    % {"count": count},
                    "old": from_user,
                    "new": handover.to_user,
                    "moved": moved,
                }
                if moved:
                    text = _("Handed over %(customers)s from %(old)s to %(new)s, with %(moved)s.")
                else:
                    text = _("Handed over %(customers)s from %(old)s to %(new)s.")
                messages.success(request, text % values)
                return redirect(f"{reverse('customers:handover')}?from={from_user.pk}")
        return self.render_to_response(self.get_context_data(source=source, form=form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context.get("form")
        if form is not None:
            # Everything is checked the first time; after a refused POST, what was checked.
            checked = {str(pk) for pk in form.data.getlist("customers")} if form.is_bound else None
            customers = list(
                form.fields["customers"].queryset.annotate(
                    open_tasks=Count(
                        "tasks",
                        filter=Q(tasks__done_at__isnull=True, tasks__owner=form.from_user),
                    )
                )
            )
            context["customer_rows"] = [
                {"customer": c, "checked": checked is None or str(c.pk) in checked}
                for c in customers
            ]
            context["from_user"] = form.from_user
            # What moves along if all of them go (the hooks, dry; no receiver chosen yet).
            context["moves_with_all"] = hooks.listed(
                moves.handover_moves(
                    customer_ids=[c.pk for c in customers],
                    from_user=form.from_user,
                    to_user=None,
                    by=self.request.user,
                    dry_run=True,
                )
            )
        return context


# --- Excel ----------------------------------------------------------------------------------

PROBLEMS_SHOWN = 500


class CustomerImportView(PermissionRequiredMixin, FormView):
    """Upload an .xlsx of customers: every row is checked first, and any problem means
    nothing is imported; the page then lists each problem's row, column and message."""

    permission_required = "customers.create_customer"
    raise_exception = True
    form_class = forms.CustomerImportForm
    template_name = "customers/customer_import.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        problems = context["form"].problems
        return {
            **context,
            "problems": problems[:PROBLEMS_SHOWN],
            "problems_hidden": max(len(problems) - PROBLEMS_SHOWN, 0),
            "max_rows": xlsx.MAX_ROWS,
            "recent_imports": ImportLog.objects.filter(user=self.request.user)[:5],
        }

    def form_valid(self, form):
        try:
            log = services.customers_import(
                by=self.request.user, rows=form.rows, filename=form.cleaned_data["file"].name
            )
        except services.CustomerError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(
            self.request,
            ngettext(
                "%(count)d customer was imported (with %(contacts)d contacts).",
                "%(count)d customers were imported (with %(contacts)d contacts).",
                log.customer_count,
            )
            % {"count": log.customer_count, "contacts": log.contact_count},
        )
        return redirect("customers:customer-list")


class ImportTemplateView(PermissionRequiredMixin, View):
    """The empty import template with Chinese headers and a sheet explaining the values."""

    permission_required = "customers.create_customer"
    raise_exception = True

    def get(self, request):
        buffer = io.BytesIO()
        excel.template_workbook().save(buffer)
        buffer.seek(0)
        return FileResponse(
            buffer,
            as_attachment=True,
            filename="客户导入模板.xlsx",
            content_type=excel.XLSX_CONTENT_TYPE,
        )


class CustomerExportView(PermissionRequiredMixin, View):
    """POST: the customer list as filtered (this URL's query string, the list's parameters) to
    .xlsx, only visible rows, logged. Up to CUSTOMER_EXPORT_DIRECT_ROWS rows download at once;
    more are queued for a Celery worker and the user is taken to the export's page."""

    permission_required = "customers.work_with_customers"
    raise_exception = True

    def post(self, request):
        filterset = CustomerFilter(
            request.GET,
            queryset=Customer.objects.visible_to(request.user),
            user=request.user,
            request=request,
        )
        if not filterset.is_valid():
            messages.error(request, _("Correct the filters before exporting."))
            return redirect(f"{reverse('customers:customer-list')}?{request.GET.urlencode()}")
        out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes (and so deletes) it
        queued = services.customers_export_start(
            by=request.user, customers=filterset.qs, query=_list_query(request.GET), out=out
        )
        if queued:
            out.close()
            return redirect("customers:export-detail", queued.pk)
        out.seek(0)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return FileResponse(
            out,
            as_attachment=True,
            filename=f"customers-{stamp}.xlsx",
            content_type=excel.XLSX_CONTENT_TYPE,
        )


class ExportListView(PermissionRequiredMixin, ListView):
    """The user's own recent exports, with the files still there to download."""

    permission_required = "customers.work_with_customers"
    raise_exception = True
    template_name = "customers/export_list.html"
    context_object_name = "exports"

    def get_queryset(self):
        return ExportLog.objects.filter(user=self.request.user)[:30]

    def get_context_data(self, **kwargs):
        return super().get_context_data(direct_rows=settings.CUSTOMER_EXPORT_DIRECT_ROWS, **kwargs)


class ExportDetailView(PermissionRequiredMixin, DetailView):
    """One queued export, for its requester only: htmx polls its status until the file is
    ready to download."""

    permission_required = "customers.work_with_customers"
    raise_exception = True
    template_name = "customers/export_detail.html"
    context_object_name = "export"

    def get_queryset(self):
        return ExportLog.objects.filter(user=self.request.user)

    def get_template_names(self):
        if self.request.htmx:
            return [f"{self.template_name}#status"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        return super().get_context_data(list_url=_list_url(self.object.query), **kwargs)


class ExportDownloadView(PermissionRequiredMixin, View):
    """The file of a finished export; only its requester downloads it."""

    permission_required = "customers.work_with_customers"
    raise_exception = True

    def get(self, request, pk):
        log = get_object_or_404(
            ExportLog.objects.exclude(file=""),
            pk=pk,
            user=request.user,
            status=ExportLog.Status.DONE,
        )
        stamp = timezone.localtime(log.at).strftime("%Y%m%d-%H%M")
        return FileResponse(
            log.file.open("rb"),
            as_attachment=True,
            filename=f"customers-{stamp}.xlsx",
            content_type=excel.XLSX_CONTENT_TYPE,
        )
