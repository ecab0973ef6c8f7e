"""What the contract pages share: every page starts from the contracts the user may see
(`visible_to`), so another rep's contract is a 404, never fetched and then refused; an action
the user may not take on a contract they see is a 403."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property

from ..models import Contract
from ..permissions import works_with_contracts


def detail_url(contract, anchor=""):
    url = reverse("contracts:contract-detail", args=[getattr(contract, "pk", contract)])
    return f"{url}#{anchor}" if anchor else url


class ContractScopeMixin:
    """`get_queryset()` is the contracts the user sees; only roles that work with contracts
    open the pages at all."""

    def dispatch(self, request, *args, **kwargs):
        if not works_with_contracts(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return Contract.objects.visible_to(self.request.user)


class OneContractMixin(ContractScopeMixin):
    """A page or action about one contract: visible (else 404) and `allowed(user, contract)`
    true (else 403)."""

    @staticmethod
    def allowed(user, contract):
        return True

    @cached_property
    def contract(self):
        visible = self.get_queryset().select_related(
            "customer", "owner", "current_step", "opportunity"
        )
        return get_object_or_404(visible, pk=self.kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        if not works_with_contracts(request.user):
            raise PermissionDenied
        if not self.allowed(request.user, self.contract):
            raise PermissionDenied
        return super(ContractScopeMixin, self).dispatch(request, *args, **kwargs)
