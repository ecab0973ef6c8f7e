"""What happens to a version after the editor, each a POST that calls one service and
redirects (POST/redirect/GET): a new version, submit for review (方案评审), the manager's
decision, the director's discount approval, sent, accepted, declined.

A refusal by the rules comes back as a message on the version's page; an action the user may
not take at all is 403 (the service raises PermissionDenied), a quote they do not see 404."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View

from crm_site.errors import DomainError

from ..forms.quotes import DecisionForm
from ..services import quotes as quote_services
from .quotes import get_quote


class QuoteActionView(PermissionRequiredMixin, View):
    permission_required = "opportunities.work_with_opportunities"
    raise_exception = True
    then = "opportunities:quote-detail"

    def act(self, quote, request):
        """Call the service: (the quote it returns, the message for the user)."""
        raise NotImplementedError

    def post(self, request, pk):
        quote = get_quote(request, pk)
        try:
            result, done = self.act(quote, request)
        except DomainError as error:
            messages.error(request, str(error))
            return redirect("opportunities:quote-detail", pk=quote.pk)
        messages.success(request, done % {"version": result.label})
        return redirect(self.then, pk=result.pk)


class QuoteReviseView(QuoteActionView):
    then = "opportunities:quote-update"

    def act(self, quote, request):
        new = quote_services.quote_create(opportunity=quote.opportunity, by=request.user)
        return new, _("%(version)s created from the latest version.")


class QuoteSubmitView(QuoteActionView):
    def act(self, quote, request):
        quote = quote_services.quote_submit(quote=quote, by=request.user)
        return quote, _("%(version)s went to the manager for review.")


class _DecisionView(QuoteActionView):
    service = None

    def act(self, quote, request):
        form = DecisionForm(request.POST)
        if not form.is_valid():
            raise DomainError(_("Choose to approve or to reject."))
        approve = form.cleaned_data["approve"]
        quote = self.service(
            quote=quote, by=request.user, approve=approve, comment=form.cleaned_data["comment"]
        )
        if approve:
            return quote, _("%(version)s approved.")
        return quote, _("%(version)s rejected.")


class QuoteReviewView(_DecisionView):
    service = staticmethod(quote_services.quote_review_decide)


class QuoteDirectorView(_DecisionView):
    service = staticmethod(quote_services.quote_director_decide)


class QuoteSentView(QuoteActionView):
    def act(self, quote, request):
        quote = quote_services.quote_mark_sent(quote=quote, by=request.user)
        return quote, _("%(version)s marked as sent to the customer.")


class QuoteAcceptedView(QuoteActionView):
    def act(self, quote, request):
        quote = quote_services.quote_mark_accepted(quote=quote, by=request.user)
        return quote, _("%(version)s marked as accepted by the customer.")


class QuoteDeclinedView(QuoteActionView):
    def act(self, quote, request):
        quote = quote_services.quote_mark_declined(
            quote=quote, by=request.user, comment=request.POST.get("comment", "")
        )
        return quote, _("%(version)s marked as declined by the customer.")
