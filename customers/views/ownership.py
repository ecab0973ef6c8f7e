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
from django.utils.translation import ngettext, pgettext
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
    """客户交接: pick a user (?from=<id>), their customers and the receiver; a first POST shows
    what will happen (how many customers, what moves along, to whom) and the second, confirmed,
    hands over. With `?deactivate=1` (from deactivating a user who owns customers: 离职交接)
    the user is deactivated in the same transaction, for whom may do both. After a handover
    nothing is pre-selected."""

    permission_required = "customers.manage_customers"
    raise_exception = True
    template_name = "customers/handover_form.html"

    def offers_deactivate(self, from_user, data):
        user = self.request.user
        # `deactivate=1` from the deactivation page, then `leave=1` while the form goes on
        # (the box may be unticked: the offer stays).
        asked = data.get("deactivate") in ("1", "on") or data.get("leave") == "1"
        return (
            asked
            and from_user.is_active
            and from_user.pk != user.pk
            and user.has_perm("teams.manage_users")
            and user.has_perm("teams.change_account", from_user)
        )

    def get(self, request, *args, **kwargs):
        source = forms.HandoverSourceForm(
            request.GET if "from" in request.GET else None, user=request.user
        )
        form = None
        if source.is_valid():
            from_user = source.cleaned_data["from"]
            form = forms.HandoverForm(
                user=request.user,
                from_user=from_user,
                offer_deactivate=self.offers_deactivate(from_user, request.GET),
            )
        # Back from a handover: the rest of the list waits for a new choice.
        none_checked = request.GET.get("done") == "1"
        return self.render_to_response(
            self.get_context_data(source=source, form=form, none_checked=none_checked)
        )

    def post(self, request, *args, **kwargs):
        source = forms.HandoverSourceForm(request.POST, user=request.user)
        if not source.is_valid():
            return self.render_to_response(self.get_context_data(source=source, form=None))
        from_user = source.cleaned_data["from"]
        form = forms.HandoverForm(
            request.POST,
            user=request.user,
            from_user=from_user,
            offer_deactivate=self.offers_deactivate(from_user, request.POST),
        )
        if not form.is_valid() or "change" in request.POST:
            return self.render_to_response(self.get_context_data(source=source, form=form))
        if request.POST.get("confirmed") != "1":
            return self.render_to_response(
                self.get_context_data(source=source, form=form, confirm=self.preview(form))
            )
        deactivate = form.cleaned_data.get("deactivate", False)
        service = (
            services.customers_handover_and_deactivate
            if deactivate
            else services.customers_handover
        )
        try:
            handover = service(
                by=request.user,
                from_user=from_user,
                to_user=form.cleaned_data["to_user"],
                customers=form.cleaned_data["customers"],
                note=form.cleaned_data["note"],
            )
        except services.CustomerError as error:
            form.add_error(None, str(error))
            return self.render_to_response(self.get_context_data(source=source, form=form))
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
        if deactivate:
            messages.success(
                request,
                _("%(name)s was deactivated and can no longer log in; their records stay.")
                % {"name": from_user},
            )
            return redirect("teams:user-detail", pk=from_user.pk)
        return redirect(f"{reverse('customers:handover')}?from={from_user.pk}&done=1")

    def preview(self, form):
        """The confirm step: what the handover will do, counted by the same hooks, dry."""
        customers = list(form.cleaned_data["customers"])
        to_user = form.cleaned_data["to_user"]
        return {
            "count": len(customers),
            "names": pgettext("between items of a list", ", ").join(c.name for c in customers[:10]),
            "more": max(len(customers) - 10, 0),
            "to_user": to_user,
            "moves": hooks.describe(
                selectors.handover_preview(
                    by=self.request.user,
                    from_user=form.from_user,
                    to_user=to_user,
                    customers=customers,
                )
            ),
            "deactivate": form.cleaned_data.get("deactivate", False),
            "keeps": form.fields["customers"].queryset.count() - len(customers),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context.get("form")
        if form is not None:
            # Everything is checked the first time (and in 离职交接); after a refused POST,
            # what was checked; after a handover, nothing.
            if form.is_bound:
                checked = {str(pk) for pk in form.data.getlist("customers")}
            elif context.get("none_checked"):
                checked = set()
            else:
                checked = None
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
                selectors.handover_preview(
                    by=self.request.user,
                    from_user=form.from_user,
                    to_user=None,
                    customers=customers,
                )
            )
        return context
