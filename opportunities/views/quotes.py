"""Quotes (template 3): an opportunity's versions, the editor of the draft (header and lines,
htmx rows), the page of one version, two versions side by side, and the print view.

Every quote is fetched through `Quote.objects.visible_to(user)` (404 otherwise); what the
user may do with it is `permissions.py`, and the services check it again."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from crm_site.errors import DomainError

from .. import permissions, selectors
from ..errors import InvalidInput
from ..forms.quotes import (
    MAX_LINES,
    QuoteHeaderForm,
    QuoteLineForm,
    line_formset,
    product_choices,
)
from ..models import Opportunity, Quote
from ..services import quotes as quote_services

LINE_PREFIX = "lines"


def opportunity_url(opportunity):
    """The opportunity's page where it exists, else the page of its quotes."""
    try:
        return reverse("opportunities:opportunity-detail", args=[opportunity.pk])
    except NoReverseMatch:
        return reverse("opportunities:quote-create", args=[opportunity.pk])


def visible_quotes(user):
    return Quote.objects.visible_to(user).select_related(
        "opportunity__customer", "opportunity__owner", "opportunity__contact"
    )


def get_quote(request, pk):
    return get_object_or_404(visible_quotes(request.user), pk=pk)


class QuoteCreateView(PermissionRequiredMixin, TemplateView):
    """An opportunity's quote versions; POST makes v1 or the next version (a draft)."""

    permission_required = "opportunities.work_with_opportunities"
    raise_exception = True
    template_name = "opportunities/quote_create.html"

    def opportunity(self):
        opportunities = Opportunity.objects.visible_to(self.request.user).select_related(
            "customer", "owner", "stage"
        )
        return get_object_or_404(opportunities, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        opportunity = self.opportunity()
        versions = list(opportunity.quotes.order_by("-version"))
        return {
            **super().get_context_data(**kwargs),
            "opportunity": opportunity,
            "opportunity_url": opportunity_url(opportunity),
            "versions": versions,
            "can_create": permissions.can_move_opportunity(self.request.user, opportunity)
            and not any(v.is_draft for v in versions),
            "draft": next((v for v in versions if v.is_draft), None),
        }

    def post(self, request, pk):
        opportunity = self.opportunity()
        try:
            quote = quote_services.quote_create(opportunity=opportunity, by=request.user)
        except DomainError as error:
            messages.error(request, str(error))
            return redirect("opportunities:quote-create", pk=opportunity.pk)
        messages.success(request, _("%(version)s created.") % {"version": quote.label})
        return redirect("opportunities:quote-update", pk=quote.pk)


def _actions(user, quote, latest_version):
    """The buttons of a version's page, per the predicates (the services check again)."""
    opportunity_open = permissions.can_move_opportunity(user, quote.opportunity)
    status = quote.status
    return {
        "edit": permissions.can_edit_quote(user, quote),
        "revise": opportunity_open and quote.version == latest_version and not quote.is_draft,
        "review": permissions.can_review_quote(user, quote),
        "director": permissions.can_approve_discount(user, quote),
        "sent": opportunity_open and status == Quote.Status.APPROVED,
        "answer": opportunity_open and status == Quote.Status.SENT,
    }


class QuoteDetailView(PermissionRequiredMixin, TemplateView):
    """One version: header, lines, totals (cost and margin for managers and above), the
    versions of the quote, the review decisions and what the user may do next."""

    permission_required = "opportunities.work_with_opportunities"
    raise_exception = True
    template_name = "opportunities/quote_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        quote = get_quote(self.request, self.kwargs["pk"])
        versions = list(
            quote.opportunity.quotes.only("pk", "version", "status", "total_amount", "opportunity")
        )
        latest = max(v.version for v in versions)
        previous = next((v for v in versions if v.version == quote.version - 1), None)
        return {
            **super().get_context_data(**kwargs),
            "quote": quote,
            "opportunity": quote.opportunity,
            "opportunity_url": opportunity_url(quote.opportunity),
            "lines": list(quote.lines.all()),
            "versions": versions,
            "previous": previous,
            "reviews": list(quote.reviews.select_related("by")),
            "can": _actions(user, quote, latest),
            "sees_costs": permissions.can_see_costs(user),
            "margin_percent": _margin_percent(quote),
        }


def _margin_percent(quote):
    if not quote.amount_before_tax:
        return None
    return round(quote.margin_amount * 100 / quote.amount_before_tax, 1)


class QuoteUpdateView(PermissionRequiredMixin, TemplateView):
    """The draft's editor: header and lines; saving prices every line (pricing.py) and
    stores the totals; the service's messages land on the field or line they are about."""

    permission_required = "opportunities.work_with_opportunities"
    raise_exception = True
    template_name = "opportunities/quote_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        self.quote = get_quote(request, kwargs["pk"])
        if not permissions.can_edit_opportunity(request.user, self.quote.opportunity):
            raise PermissionDenied
        if not permissions.can_edit_quote(request.user, self.quote):
            messages.info(
                request,
                _("%(version)s is read-only (%(status)s): make a new version to change the quote.")
                % {"version": self.quote.label, "status": self.quote.get_status_display()},
            )
            return redirect("opportunities:quote-detail", pk=self.quote.pk)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return {
            **context,
            "quote": self.quote,
            "opportunity": self.quote.opportunity,
            "opportunity_url": opportunity_url(self.quote.opportunity),
            "sees_costs": permissions.can_see_costs(self.request.user),
            "margin_percent": _margin_percent(self.quote),
        }

    def get(self, request, *args, **kwargs):
        header = QuoteHeaderForm(instance=self.quote)
        formset = line_formset(user=request.user, quote=self.quote, prefix=LINE_PREFIX)
        return self.render_to_response(self.get_context_data(form=header, formset=formset))

    def post(self, request, *args, **kwargs):
        user = request.user
        header = QuoteHeaderForm(request.POST, instance=Quote.objects.get(pk=self.quote.pk))
        formset = line_formset(request.POST, user=user, quote=self.quote, prefix=LINE_PREFIX)
        if header.is_valid() and formset.is_valid():
            filled = formset.filled()
            lines = _with_costs_kept(user, self.quote, [form.line() for form in filled])
            values = {field: header.cleaned_data[field] for field in quote_services.HEADER}
            try:
                quote_services.quote_update(quote=self.quote, by=user, lines=lines, **values)
            except InvalidInput as error:
                _place_errors(error, header, filled)
            except DomainError as error:
                header.add_error(None, str(error))
            else:
                messages.success(request, _("%(version)s saved.") % {"version": self.quote.label})
                if request.POST.get("then") == "submit":
                    return redirect("opportunities:quote-detail", pk=self.quote.pk)
                return redirect("opportunities:quote-update", pk=self.quote.pk)
        return self.render_to_response(self.get_context_data(form=header, formset=formset))


def _with_costs_kept(user, quote, lines):
    """A user who does not see costs sends none: a free line keeps the unit cost it had
    (matched by its text), a catalogue line takes the product's."""
    if permissions.can_see_costs(user):
        return lines
    known = {
        line.description.casefold(): line.unit_cost
        for line in quote.lines.all()
        if line.product_id is None
    }
    for line in lines:
        if line.get("product") is None:
            cost = known.get((line.get("description") or "").strip().casefold())
            if cost is not None:
                line["unit_cost"] = cost
    return lines


def _place_errors(error, header, filled):
    for key, found in error.errors.items():
        if key.startswith("line-") and key[5:].isdigit() and int(key[5:]) <= len(filled):
            filled[int(key[5:]) - 1].add_error(None, found)
        elif key in header.fields:
            header.add_error(key, found)
        else:
            header.add_error(None, found)


class QuoteLineRowView(PermissionRequiredMixin, TemplateView):
    """htmx: a blank line numbered after the rows on the form (`add`), the row again with
    a product's name, unit, list price and VAT rate filled in (a product chosen), or
    nothing (`remove`: the row disappears and is not posted)."""

    permission_required = "opportunities.work_with_opportunities"
    raise_exception = True
    template_name = "opportunities/partials/quote_line_row.html"

    def get(self, request, *args, **kwargs):
        if "remove" in request.GET:
            return self.render_to_response({"line": None})
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        get = self.request.GET
        user = self.request.user
        total = get.get(f"{LINE_PREFIX}-TOTAL_FORMS", "")
        adding = "add" in get
        index_text = total if adding else get.get("index", "")
        index = int(index_text) if index_text.isdigit() else 0
        prefix = f"{LINE_PREFIX}-{index}"
        products = product_choices(user)
        initial = {
            name: get.get(f"{prefix}-{name}")
            for name in QuoteLineForm.base_fields
            if get.get(f"{prefix}-{name}") not in (None, "")
        }
        product_id = get.get(f"{prefix}-product", "")
        product = products.filter(pk=product_id).first() if product_id.isdigit() else None
        if product is not None:
            initial.update(
                product=product.pk,
                description=product.name,
                unit=product.unit,
                unit_price=product.list_price,
                vat_rate=product.vat_rate,
                unit_cost=product.unit_cost,
            )
        form = QuoteLineForm(prefix=prefix, initial=initial, user=user, products=products)
        return {
            "line": form if index < MAX_LINES else None,
            "index": index,
            "total": index + 1 if adding else None,
            "prefix": LINE_PREFIX,
            "sees_costs": permissions.can_see_costs(user),
            "max": MAX_LINES,
        }


class QuoteCompareView(PermissionRequiredMixin, TemplateView):
    """Two versions side by side, the changes highlighted (`?with=` the other version;
    the previous one by default)."""

    permission_required = "opportunities.work_with_opportunities"
    raise_exception = True
    template_name = "opportunities/quote_compare.html"

    def get_context_data(self, **kwargs):
        quote = get_quote(self.request, self.kwargs["pk"])
        siblings = Quote.objects.visible_to(self.request.user).filter(
            opportunity_id=quote.opportunity_id
        )
        other_pk = self.request.GET.get("with", "")
        if other_pk.isdigit():
            other = get_object_or_404(siblings, pk=other_pk)
        else:
            other = get_object_or_404(siblings, version=quote.version - 1)
        old, new = sorted([quote, other], key=lambda q: q.version)
        versions = list(siblings.only("pk", "version", "status").order_by("-version"))
        return {
            **super().get_context_data(**kwargs),
            "quote": quote,
            "opportunity": quote.opportunity,
            "opportunity_url": opportunity_url(quote.opportunity),
            "comparison": selectors.quote_comparison(old=old, new=new),
            "versions": versions,
        }


class QuotePrintView(PermissionRequiredMixin, TemplateView):
    """Template 3 on A4, for the customer: never a unit cost or a margin."""

    permission_required = "opportunities.work_with_opportunities"
    raise_exception = True
    template_name = "opportunities/quote_print.html"

    def get_context_data(self, **kwargs):
        quote = get_quote(self.request, self.kwargs["pk"])
        return {
            **super().get_context_data(**kwargs),
            "quote": quote,
            "opportunity": quote.opportunity,
            "lines": list(quote.lines.all()),
        }
