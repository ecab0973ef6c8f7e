"""A contract's moves from its page, each a small POST through one service (POST/redirect/
GET): submit for approval, sign (a page: the date and the signed copy), into delivery,
completed, cancel (a page: the reason), and adding an attachment. A refusal is a message on
the contract page (or the form again with its errors); nothing changes."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from crm_site.errors import DomainError

from .. import permissions
from ..errors import InvalidInput
from ..forms import AttachmentForm, CancelForm, SignForm, add_service_errors
from ..models import Contract
from ..services import approval, contracts, lifecycle
from .mixins import OneContractMixin, detail_url


class _Move(OneContractMixin, View):
    """POST only: call `service`, say `done`, back to the contract page."""

    http_method_names = ["post"]
    allowed = staticmethod(permissions.manages_contract)
    done = ""

    def call(self, contract, user):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        try:
            self.call(self.contract, request.user)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, self.done % {"number": self.contract.number})
        return redirect(detail_url(self.contract))


class ContractSubmitView(_Move):
    def call(self, contract, user):
        self.done = _("Contract %(number)s submitted for approval.")
        approval.contract_submit(
            contract=contract, by=user, version=self.request.POST.get("version") or None
        )


class ContractStartDeliveryView(_Move):
    def call(self, contract, user):
        self.done = _("Contract %(number)s is in delivery.")
        lifecycle.contract_start_delivery(contract=contract, by=user)


class ContractCompleteView(_Move):
    def call(self, contract, user):
        self.done = _("Contract %(number)s is completed.")
        lifecycle.contract_complete(contract=contract, by=user)


class _FormPage(OneContractMixin, TemplateView):
    """A page with one form about the contract (`contracts/action_form.html`)."""

    template_name = "contracts/action_form.html"
    form_class = None
    heading = ""
    button = ""
    confirm = ""
    multipart = False

    def get_form(self, data=None, files=None):
        return self.form_class(data, files)

    def refused(self):
        """A message when the contract's state refuses the action (None: allowed)."""
        return None

    def get(self, request, *args, **kwargs):
        refused = self.refused()
        if refused:
            messages.error(request, refused)
            return redirect(detail_url(self.contract))
        return self.render_to_response(self.get_context_data(form=self.get_form()))

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST, request.FILES)
        if form.is_valid():
            try:
                done = self.save(form)
            except InvalidInput as error:
                add_service_errors(form, error.errors)
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, done)
                return redirect(detail_url(self.contract, self.anchor))
        return self.render_to_response(self.get_context_data(form=form), status=200)

    anchor = ""

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "contract": self.contract,
            "heading": self.heading,
            "button": self.button,
            "confirm": self.confirm,
            "multipart": self.multipart,
        }


def _manages_or_403(user, contract):
    return permissions.manages_contract(user, contract)


class ContractSignView(_FormPage):
    form_class = SignForm
    multipart = True
    allowed = staticmethod(_manages_or_403)

    @property
    def heading(self):
        return _("Mark as signed")

    @property
    def button(self):
        return _("Mark as signed")

    @property
    def confirm(self):
        return _("Mark this contract as signed? This cannot be undone.")

    def refused(self):
        if not permissions.can_sign_contract(self.request.user, self.contract):
            return _("Only an approved contract is signed; this one is “%(status)s”.") % {
                "status": self.contract.get_status_display()
            }
        return None

    def save(self, form):
        lifecycle.contract_sign(
            contract=self.contract,
            by=self.request.user,
            signed_on=form.cleaned_data["signed_on"],
            signed_copy=form.cleaned_data["signed_copy"],
        )
        return _("Contract %(number)s signed.") % {"number": self.contract.number}


class ContractCancelView(_FormPage):
    form_class = CancelForm

    @staticmethod
    def allowed(user, contract):
        return permissions.roles.has_role(
            user, permissions.roles.CANCELS_CONTRACTS
        ) and permissions.policy.reaches_owner(user, contract.owner)

    @property
    def heading(self):
        return _("Cancel the contract")

    @property
    def button(self):
        return _("Cancel the contract")

    @property
    def confirm(self):
        return _("Cancel this contract? This cannot be undone; its number is not reused.")

    def refused(self):
        if not permissions.can_cancel_contract(self.request.user, self.contract):
            return _("A contract that is “%(status)s” cannot be cancelled.") % {
                "status": self.contract.get_status_display()
            }
        return None

    def save(self, form):
        lifecycle.contract_cancel(
            contract=self.contract, by=self.request.user, reason=form.cleaned_data["reason"]
        )
        return _("Contract %(number)s cancelled.") % {"number": self.contract.number}


class AttachmentAddView(_FormPage):
    form_class = AttachmentForm
    multipart = True
    anchor = "attachments"
    allowed = staticmethod(_manages_or_403)

    @property
    def heading(self):
        return _("Add an attachment")

    @property
    def button(self):
        return _("Upload")

    def refused(self):
        if self.contract.status == Contract.Status.IN_APPROVAL:
            return _("A contract in approval cannot be edited.")
        if self.contract.status == Contract.Status.CANCELLED:
            return _("This contract is cancelled.")
        return None

    def save(self, form):
        attachment = contracts.attachment_add(
            contract=self.contract,
            by=self.request.user,
            upload=form.cleaned_data["file"],
            kind=form.cleaned_data["kind"],
        )
        return _("%(name)s added.") % {"name": attachment.name}
