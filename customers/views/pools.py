"""The customer pool's pages (公海): the pool list, claiming, returning, assigning, "my
holdings", the pool rules (admins) and the ownership log (admins)."""

import csv

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from crm_site import paging
from teams import policy

from .. import masking, services
from ..forms.pools import AssignForm, OwnershipLogFilterForm, PoolFilterForm, PoolForm, ReturnForm
from ..models import Contact, Customer, OwnershipChange, Pool
from ..selectors import visible_pools
from ..services import pools as pool_rules


class PoolListView(PermissionRequiredMixin, ListView):
    """Customers waiting in the pools the user may claim from, longest waiting first; phone
    numbers masked until claimed (customers/masking.py)."""

    permission_required = "customers.work_with_customers"
    raise_exception = True
    template_name = "customers/pool_list.html"
    context_object_name = "customers"
    paginate_by = 25

    def get_queryset(self):
        user = self.request.user
        self.pools = visible_pools(user).order_by("name")
        self.filter_form = PoolFilterForm(self.request.GET or None, pools=self.pools)
        rows = (
            Customer.objects.in_pools_of(user)
            .select_related("pool", "industry")
            .only(
                "name",
                "grade",
                "region",
                "status",
                "pool__name",
                "pooled_at",
                "industry__name",
                "phone",
            )
        )
        return self.filter_form.apply(rows).order_by(F("pooled_at").asc(nulls_last=True), "pk")

    def paginate_queryset(self, queryset, page_size):
        page = paging.paginate(queryset, self.request.GET, page_size)
        return page.paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        rows = context["customers"]
        # The key contacts' phones of the page's rows in one query (not a subquery per row,
        # which the capped count would compute too).
        phones = {}
        for customer_id, phone in (
            Contact.objects.filter(customer__in=[c.pk for c in rows], is_key=True)
            .order_by("customer_id", "-name", "-pk")
            .values_list("customer_id", "phone")
        ):
            phones[customer_id] = phone  # the last wins: the first by name
        for customer in rows:
            customer.key_contact_phone = phones.get(customer.pk, "")
        masking.mask_rows(user, rows)
        context.update(
            filter_form=self.filter_form,
            now=timezone.now(),
            claims=policy.reach(user) in (policy.Reach.OWN, policy.Reach.SUBTREE),
            assigns=user.has_perm("customers.manage_customers"),
        )
        return context


def _pool_customer(request, pk):
    return get_object_or_404(
        Customer.objects.visible_to(request.user).filter(pool__isnull=False), pk=pk
    )


class ClaimView(View):
    """POST only: one click, the customer is the user's (or a message says which rule says no)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        customer = _pool_customer(request, pk)
        if not request.user.has_perm("customers.claim_from_pool", customer):
            raise PermissionDenied
        try:
            services.customer_claim(by=request.user, customer=customer)
        except services.CustomerError as error:
            messages.error(request, str(error))
            return redirect("customers:pool-list")
        messages.success(request, _("%(name)s is yours now.") % {"name": customer.name})
        return redirect("customers:customer-detail", pk=customer.pk)


class ReturnView(FormView):
    """The owner returns a customer to its pool, with a reason."""

    form_class = ReturnForm
    template_name = "customers/pool_return.html"

    def dispatch(self, request, *args, **kwargs):
        customers = Customer.objects.visible_to(request.user)
        self.customer = get_object_or_404(customers, pk=kwargs["pk"])
        if not request.user.has_perm("customers.return_to_pool", self.customer):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        blocked = pool_rules.pool_blockers([self.customer.pk]).get(self.customer.pk)
        return {
            **super().get_context_data(**kwargs),
            "customer": self.customer,
            "blocked": blocked,
            "pool": pool_rules.pool_for(self.request.user),
        }

    def form_valid(self, form):
        try:
            services.customer_return(
                by=self.request.user, customer=self.customer, reason=form.cleaned_data["reason"]
            )
        except services.CustomerError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(
            self.request, _("%(name)s is back in the pool.") % {"name": self.customer.name}
        )
        return redirect("customers:pool-list")


class AssignView(FormView):
    """A manager (their teams' reps) or a director or admin (anyone) assigns a pool customer."""

    form_class = AssignForm
    template_name = "customers/pool_assign.html"

    def dispatch(self, request, *args, **kwargs):
        self.customer = _pool_customer(request, kwargs["pk"])
        if not request.user.has_perm("customers.assign_from_pool", self.customer):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "user": self.request.user,
            "pool": self.customer.pool,
        }

    def get_context_data(self, **kwargs):
        masking.mask_customer(self.request.user, self.customer)
        return {**super().get_context_data(**kwargs), "customer": self.customer}

    def form_valid(self, form):
        to_user = form.cleaned_data["to_user"]
        try:
            services.customer_assign_from_pool(
                by=self.request.user,
                customer=self.customer,
                to_user=to_user,
                note=form.cleaned_data["note"],
            )
        except services.CustomerError as error:
            form.add_error("to_user", str(error))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(name)s now belongs to %(user)s.")
            % {"name": self.customer.name, "user": to_user.display_name},
        )
        return redirect("customers:pool-list")


class HoldingsView(PermissionRequiredMixin, TemplateView):
    """ "My holdings": what the user owns against each cap of their team's pool."""

    permission_required = "customers.work_with_customers"
    raise_exception = True
    template_name = "customers/pool_holdings.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        pool = pool_rules.pool_for(user)
        held = pool_rules.holdings(user)
        gauges = []
        if pool is not None:
            gauges.append((_("All grades"), held["total"], pool.cap_total))
            for grade in ("A", "B", "C"):
                gauges.append(
                    (_("Grade %(grade)s") % {"grade": grade}, held[grade], pool.cap_for(grade))
                )
            gauges.append((_("Claims today"), pool_rules.claims_today(user), pool.claims_per_day))
        return {
            **super().get_context_data(**kwargs),
            "pool": pool,
            "held": held,
            "gauges": [
                {
                    "label": label,
                    "value": value,
                    "cap": cap,
                    "full": cap is not None and value >= cap,
                }
                for label, value, cap in gauges
            ],
        }


class PoolSettingsView(PermissionRequiredMixin, TemplateView):
    permission_required = "customers.manage_pools"
    raise_exception = True
    template_name = "customers/pool_settings.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "pools": list(Pool.objects.prefetch_related("teams").order_by("name")),
        }


class PoolEditView(PermissionRequiredMixin, FormView):
    """An admin creates a pool or changes its rules (a bad number is shown on its field)."""

    permission_required = "customers.manage_pools"
    raise_exception = True
    form_class = PoolForm
    template_name = "customers/pool_form.html"

    def get_form_kwargs(self):
        pool = get_object_or_404(Pool, pk=self.kwargs["pk"]) if "pk" in self.kwargs else Pool()
        return {**super().get_form_kwargs(), "instance": pool}

    def form_valid(self, form):
        try:
            pool = services.pool_save(
                by=self.request.user, pool=form.instance, teams=form.cleaned_data["teams"]
            )
        except services.CustomerError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, _("Pool “%(name)s” saved.") % {"name": pool.name})
        return redirect("customers:pool-settings")


class OwnershipLogView(PermissionRequiredMixin, ListView):
    """Every change of a customer's owner, for admins: filter, page, export (CSV)."""

    permission_required = "customers.manage_pools"
    raise_exception = True
    template_name = "customers/ownership_log.html"
    context_object_name = "changes"
    paginate_by = 50

    def get_queryset(self):
        self.filter_form = OwnershipLogFilterForm(self.request.GET or None)
        rows = OwnershipChange.objects.select_related(
            "customer", "from_user", "to_user", "by", "pool"
        ).only(
            "customer__name",
            "from_user__username",
            "from_user__first_name",
            "from_user__last_name",
            "to_user__username",
            "to_user__first_name",
            "to_user__last_name",
            "by__username",
            "by__first_name",
            "by__last_name",
            "pool__name",
            "how",
            "at",
            "reason",
        )
        return self.filter_form.apply(rows).order_by("-at", "-pk")

    def paginate_queryset(self, queryset, page_size):
        page = paging.paginate(queryset, self.request.GET, page_size)
        return page.paginator, page, page.object_list, page.has_other_pages()

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "csv":
            return self.export()
        return super().get(request, *args, **kwargs)

    def export(self):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="ownership-log.csv"'
        response.write("\ufeff")  # Excel reads UTF-8 with its BOM
        writer = csv.writer(response)
        writer.writerow(
            [
                _("When"),
                _("Customer"),
                _("How"),
                _("From"),
                _("To"),
                _("By"),
                _("Pool"),
                _("Reason"),
            ]
        )
        for change in self.get_queryset().iterator(chunk_size=2000):
            writer.writerow(
                [
                    timezone.localtime(change.at).strftime("%Y-%m-%d %H:%M"),
                    _safe(change.customer.name),
                    change.get_how_display(),
                    change.from_user.display_name if change.from_user else "",
                    change.to_user.display_name if change.to_user else "",
                    change.by.display_name if change.by else _("automatic"),
                    change.pool.name if change.pool else "",
                    _safe(change.reason),
                ]
            )
        return response

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query["format"] = "csv"
        for name in ("page", "after", "before"):
            query.pop(name, None)
        return {
            **super().get_context_data(**kwargs),
            "filter_form": self.filter_form,
            "export_url": f"{reverse('customers:ownership-log')}?{query.urlencode()}",
        }


def _safe(value):
    from ..excel import safe_cell

    return safe_cell(value)
