"""After approval: signed (date and the signed copy), in delivery, completed; cancelled by a
manager with a reason. Signing moves the opportunity to won when it is not yet."""

from contextlib import ExitStack, contextmanager
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from contracts.errors import ContractError, InvalidInput, InvalidTransition
from contracts.models import Attachment, Contract
from contracts.services import contracts, lifecycle
from crm_site import hooks
from opportunities.models import Opportunity
from tests.contracts.test_attachments import EXE, PDF
from tests.contracts.test_contracts import HEADER
from tests.factories import ContractFactory, OpportunityFactory, QuoteFactory

pytestmark = pytest.mark.django_db


def scan(content=PDF, name="盖章合同.pdf"):
    return SimpleUploadedFile(name, content)


@pytest.fixture
def approved(customer, steps):
    return ContractFactory(customer=customer, approved=True)


def test_signing_records_the_date_and_the_signed_copy(rep, approved):
    today = timezone.localdate()
    lifecycle.contract_sign(contract=approved, by=rep, signed_on=today, signed_copy=scan())
    approved.refresh_from_db()
    assert (approved.status, approved.signed_on) == (Contract.Status.SIGNED, today)
    copy = approved.attachments.get()
    assert (copy.kind, copy.file_type) == (Attachment.Kind.SIGNED_COPY, "pdf")
    change = approved.status_changes.first()
    assert (change.from_status, change.to_status, change.by) == ("approved", "signed", rep)


def test_signing_moves_the_opportunity_to_won(rep, customer, steps):
    opportunity = OpportunityFactory(customer=customer, negotiation=True)
    quote = QuoteFactory(opportunity=opportunity, accepted=True)
    contract = contracts.contract_create_from_quote(quote=quote, by=rep, **HEADER)
    Contract.objects.filter(pk=contract.pk).update(status=Contract.Status.APPROVED)
    lifecycle.contract_sign(
        contract=contract, by=rep, signed_on=timezone.localdate(), signed_copy=scan()
    )
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.WON
    assert opportunity.expected_amount == quote.total_amount


def test_signing_leaves_a_won_opportunity_as_it_is(rep, customer, steps):
    opportunity = OpportunityFactory(customer=customer, won=True)
    contract = ContractFactory(customer=customer, opportunity=opportunity, approved=True)
    changes = opportunity.stage_changes.count()
    lifecycle.contract_sign(
        contract=contract, by=rep, signed_on=timezone.localdate(), signed_copy=scan()
    )
    assert opportunity.stage_changes.count() == changes


@pytest.mark.parametrize(
    ("signed_on", "copy", "field", "message"),
    [
        (None, "pdf", "signed_on", "Enter the date"),
        (1, "pdf", "signed_on", "cannot be in the future"),
        (0, None, "signed_copy", "Upload the signed copy"),
        (0, "exe", "file", "is not a PDF"),
    ],
)
def test_bad_signing_input_changes_nothing(rep, approved, signed_on, copy, field, message):
    day = None if signed_on is None else timezone.localdate() + timedelta(days=signed_on)
    upload = {"pdf": scan(), "exe": scan(EXE), None: None}[copy]
    with pytest.raises(InvalidInput) as refused:
        lifecycle.contract_sign(contract=approved, by=rep, signed_on=day, signed_copy=upload)
    assert message in refused.value.errors[field][0]
    approved.refresh_from_db()
    assert approved.status == Contract.Status.APPROVED and approved.signed_on is None
    assert not approved.attachments.exists()


@pytest.mark.parametrize("status", ["draft", "in_approval", "signed", "cancelled"])
def test_only_an_approved_contract_is_signed(rep, customer, steps, status):
    contract = ContractFactory(customer=customer, status=status)
    with pytest.raises(InvalidTransition, match="cannot change to “Signed”"):
        lifecycle.contract_sign(
            contract=contract, by=rep, signed_on=timezone.localdate(), signed_copy=scan()
        )
    contract.refresh_from_db()
    assert contract.status == status


@contextmanager
def completion_checks(*fns):
    """Only `fns` as the later apps' completion checks (crm_site/hooks.py) for the block."""
    with ExitStack() as stack:
        for fn in hooks.get(hooks.CONTRACT_COMPLETION_CHECKS):
            stack.enter_context(hooks.unregister_temporarily(hooks.CONTRACT_COMPLETION_CHECKS, fn))
        for fn in fns:
            stack.enter_context(hooks.register_temporarily(hooks.CONTRACT_COMPLETION_CHECKS, fn))
        yield


def test_signed_then_in_delivery_then_completed(rep, customer, steps):
    contract = ContractFactory(customer=customer, signed=True)
    with pytest.raises(InvalidTransition):
        lifecycle.contract_complete(contract=contract, by=rep)
    lifecycle.contract_start_delivery(contract=contract, by=rep)
    with completion_checks():
        lifecycle.contract_complete(contract=contract, by=rep)
    contract.refresh_from_db()
    assert contract.status == Contract.Status.COMPLETED
    assert list(contract.status_changes.values_list("to_status", flat=True)) == [
        "completed",
        "in_delivery",
    ]


def test_a_completion_check_refuses_and_nothing_changes(rep, customer, steps):
    contract = ContractFactory(customer=customer, in_delivery=True)

    def not_accepted(*, contract):
        return "验收未通过"

    with completion_checks(not_accepted), pytest.raises(ContractError, match="验收未通过"):
        lifecycle.contract_complete(contract=contract, by=rep)
    contract.refresh_from_db()
    assert contract.status == Contract.Status.IN_DELIVERY
    assert not contract.status_changes.exists()


def test_another_rep_cannot_move_it(other_rep, customer, steps):
    contract = ContractFactory(customer=customer, signed=True)
    with pytest.raises(PermissionDenied):
        lifecycle.contract_start_delivery(contract=contract, by=other_rep)


@pytest.mark.parametrize("status", ["draft", "approved", "signed"])
def test_a_manager_cancels_with_a_reason(manager, customer, steps, status):
    contract = ContractFactory(customer=customer, status=status)
    lifecycle.contract_cancel(contract=contract, by=manager, reason="客户预算取消")
    contract.refresh_from_db()
    assert (contract.status, contract.cancel_reason) == (Contract.Status.CANCELLED, "客户预算取消")
    assert contract.status_changes.first().reason == "客户预算取消"


def test_cancelling_needs_a_manager_a_reason_and_a_status_that_allows_it(
    rep, manager, other_rep, customer, steps
):
    contract = ContractFactory(customer=customer, approved=True)
    with pytest.raises(PermissionDenied):
        lifecycle.contract_cancel(contract=contract, by=rep, reason="不要了")
    with pytest.raises(InvalidInput, match="Say why"):
        lifecycle.contract_cancel(contract=contract, by=manager, reason=" ")
    contract.refresh_from_db()
    assert contract.status == Contract.Status.APPROVED
    completed = ContractFactory(customer=customer, completed=True)
    with pytest.raises(InvalidTransition):
        lifecycle.contract_cancel(contract=completed, by=manager, reason="x")
