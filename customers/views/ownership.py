"""Customers changing hands: merge (find, compare, confirm) and handover (客户交接)."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import FormView, TemplateView

from crm_site import hooks

from .. import cadence, forms, moves, normalize, selectors, services
from ..models import Customer
from .mixins import OneCustomerMixin


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
        likely = selectors.find_duplicates(
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
                selectors.merge_preview(by=self.request.user, keep=keep, merge=merge)
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
    if name == "next_followup_due" and value is not None:
        # The date with what is due then (cadence.py), never a bare date.
        return cadence.due_text(customer.next_followup_for, value, timezone.localdate())
    return "" if value is None else str(value)


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
