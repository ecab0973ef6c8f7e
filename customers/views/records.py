"""The customer page (360 view), creating and editing a customer, and the A grade's second
check (二次核对)."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView

from crm_site.transitions import InvalidTransition

from .. import cadence, forms, masking, sections, selectors, services, timeline
from ..models import Customer, GradingSettings
from .mixins import CustomerScopeMixin, OneCustomerMixin, _safe_next


def _tag_groups(tags):
    """`[(dimension label, [tags])]` from tags ordered by dimension (Tag's ordering)."""
    groups = {}
    for tag in tags:
        groups.setdefault(tag.get_dimension_display(), []).append(tag)
    return list(groups.items())


class CustomerDetailView(CustomerScopeMixin, DetailView):
    """The 360 view. Runs a constant number of queries whatever the number of contacts,
    follow-ups or tags; apps add sections and timeline events through crm_site/hooks.py
    without this view knowing them."""

    template_name = "customers/customer_detail.html"
    task_rows = 10

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("owner", "owner__team", "industry", "second_check_requested_by")
        )

    def get_context_data(self, **kwargs):
        customer, user = self.object, self.request.user
        can = {
            "edit": user.has_perm("customers.edit_customer", customer),
            "log": user.has_perm("customers.log_followup", customer),
            "survey": user.has_perm("customers.add_survey", customer),
            "share": user.has_perm("customers.share_customer", customer),
            "merge": user.has_perm("customers.merge_customer", customer),
            "confirm": user.has_perm("customers.confirm_second_check", customer),
        }
        today = timezone.localdate()
        rules = GradingSettings.load()
        contacts = list(customer.contacts.all())
        masking.mask_customer(user, customer, contacts)  # a pool customer's, until claimed
        # The timeline reads a feed from every app: the page comes first and the timeline
        # follows from CustomerTimelineView (htmx, on load); "Show older events" (and a
        # browser without JavaScript) reads all of them here.
        full = self.request.GET.get("timeline") == "all"
        # The work first: the customer's open tasks (next actions), soonest first.
        open_tasks, counts = selectors.open_tasks_with_counts(
            customer.tasks.select_related("customer"), today, self.task_rows
        )
        call = next((c.phone for c in contacts if c.phone), "") or customer.phone
        if masking.masks_contacts(user, customer):
            call = ""
        return {
            **super().get_context_data(**kwargs),
            "can": can,
            "today": today,
            "open_tasks": open_tasks,
            "counts": counts,
            "counts_scope": "customer",
            "call_number": call,
            "task_form": forms.TaskForm(user=user, auto_id="task_%s") if can["log"] else None,
            "overdue": customer.is_overdue,
            "tag_groups": _tag_groups(customer.tags.all()),
            "contacts": contacts,
            "shares": list(customer.shares.select_related("user")),
            "share_form": (
                forms.ShareForm(user=user, customer=customer, auto_id="share_%s")
                if can["share"]
                else None
            ),
            "cadence_rules": cadence.help_text(rules),
            "grade_before_a": services.grade_before_a(customer) if can["confirm"] else None,
            "cadence_requirements": (
                selectors.cadence_requirements(customer, rules=rules, today=today)
                if customer.next_followup_due
                else []
            ),
            "sections": sections.sections_for(customer, user),
            "timeline": timeline.events_for(customer, user) if full else None,
            "timeline_older": False,
        }


class CustomerTimelineView(CustomerScopeMixin, DetailView):
    """The customer page's timeline, newest PAGE events (the page loads it with htmx): one
    event more than shown says whether there are older ones."""

    template_name = "customers/customer_detail.html#timeline"

    def get_context_data(self, **kwargs):
        events = timeline.events_for(self.object, self.request.user, limit=timeline.PAGE + 1)
        return {
            **super().get_context_data(**kwargs),
            "timeline": events[: timeline.PAGE],
            "timeline_older": len(events) > timeline.PAGE,
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
        try:
            customer = services.customer_create(
                by=self.request.user,
                owner=form.cleaned_data.get("owner"),
                tags=form.cleaned_data["tags"],
                contacts=[contact] if contact else [],
                save_anyway=form.may_save_anyway() and form.cleaned_data["save_anyway"],
                **form.customer_fields(),
            )
        except services.CustomerError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, _("Customer %(name)s was created.") % {"name": customer})
        if customer.second_check == Customer.SecondCheck.PENDING:
            messages.info(
                self.request,
                _("Grade A waits for a second check by a sales manager or director."),
            )
        return redirect("customers:customer-detail", pk=customer.pk)


class CustomerDuplicateCheckView(PermissionRequiredMixin, TemplateView):
    """录入查重 while typing (htmx, from the create form's name, credit code and phones): the
    customers that may be this one, among ALL customers, each with what matched, its name,
    owner and team, and a link only when the user may see it."""

    permission_required = "customers.create_customer"
    raise_exception = True
    template_name = "customers/partials.html#duplicate_check"
    SLOTS = ("duplicate-check", "duplicate-check-contact")

    def get_context_data(self, **kwargs):
        typed = {n: self.request.GET.get(n, "")[:200] for n in self.FIELDS}
        matches = selectors.duplicate_matches(
            name=typed["name"],
            credit_code=typed["credit_code"],
            phones=[typed["phone"], typed["contact_phone"]],
        )
        slot = self.request.GET.get("slot")
        return {
            **super().get_context_data(**kwargs),
            "duplicates": selectors.duplicate_rows(self.request.user, matches),
            "slot": slot if slot in self.SLOTS else self.SLOTS[0],
        }

    FIELDS = ("name", "credit_code", "phone", "contact_phone")


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
        except InvalidTransition as error:
            # The status changed since the form opened, and the move is no longer allowed.
            form.add_error("status", str(error))
            return self.form_invalid(form)
        except services.CustomerError as error:
            messages.error(self.request, str(error))
            return redirect("customers:customer-list")
        messages.success(self.request, _("Changes to %(name)s were saved.") % {"name": customer})
        if (
            customer.second_check == Customer.SecondCheck.PENDING
            and customer.second_check_requested_by_id == self.request.user.pk
        ):
            messages.info(
                self.request,
                _("Grade A waits for a second check by a sales manager or director."),
            )
        return redirect("customers:customer-detail", pk=customer.pk)


class CustomerSecondCheckConfirmView(View):
    """POST only: 二次核对, a manager or director confirms a customer's A grade (with an
    optional comment) or, as `CustomerSecondCheckRejectView`, rejects it with a comment."""

    http_method_names = ["post"]
    reject = False

    def post(self, request, pk):
        customer = get_object_or_404(Customer.objects.visible_to(request.user), pk=pk)
        back = _safe_next(request, reverse("customers:customer-detail", args=[customer.pk]))
        if customer.second_check != Customer.SecondCheck.PENDING:
            messages.info(request, _("This customer is not waiting for a second check."))
            return redirect(back)
        if not request.user.has_perm("customers.confirm_second_check", customer):
            raise PermissionDenied
        comment = request.POST.get("comment", "")
        made_a_by = customer.second_check_requested_by
        try:
            if self.reject:
                customer = services.customer_reject_second_check(
                    by=request.user, customer=customer, comment=comment
                )
            else:
                services.customer_confirm_second_check(
                    by=request.user, customer=customer, comment=comment
                )
        except services.CustomerError as error:
            messages.error(request, str(error))
            return redirect(f"{back}#second-check")
        if self.reject:
            messages.success(
                request,
                _("Grade A of %(name)s is rejected: back to grade %(grade)s.")
                % {"name": customer.name, "grade": customer.grade}
                + (
                    " " + _("%(who)s is told why.") % {"who": made_a_by.display_name}
                    if made_a_by is not None and made_a_by.is_active
                    else ""
                ),
            )
        else:
            messages.success(
                request, _("Grade A of %(name)s is confirmed.") % {"name": customer.name}
            )
        return redirect(back)


class CustomerSecondCheckRejectView(CustomerSecondCheckConfirmView):
    reject = True
