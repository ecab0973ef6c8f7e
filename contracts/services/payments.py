"""The payment plan (回款计划), payments and invoices (发票).

    payment_plan_set(*, contract, by, instalments) -> [Instalment]
        instalments: [{"due_date": date, "amount": Decimal | str}, …]
    payment_record(*, instalment, by, received_on, amount, method, reference="", today=None)
        -> Payment
    invoice_record(*, instalment, by, number, kind, amount, issued_on, today=None) -> Invoice

A plan's amounts add up exactly to the contract amount (refused with the difference shown);
it is replaced as a whole until a payment or an invoice is recorded against it. A payment is
partial or whole, never more than what the instalment still owes, dated from the signing day
to today. Each runs under the contract's lock, then the instalment's, so two payments at the
same moment cannot both fit in what is owed."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import validation
from ..errors import ContractError, InvalidInput
from ..models import Instalment, Invoice, Payment
from ..permissions import can_plan_payments, can_record_payments, manages_contract
from .common import lock_contract, pk_of


@transaction.atomic
def payment_plan_set(*, contract, by, instalments):
    contract = lock_contract(contract, by)
    if not can_plan_payments(by, contract):
        if not manages_contract(by, contract):
            raise PermissionDenied
        raise ContractError(
            _("The payment plan of a contract that is “%(status)s” cannot change.")
            % {"status": contract.get_status_display()}
        )
    existing = Instalment.objects.filter(contract=contract)
    if Payment.objects.filter(contract=contract).exists() or (
        Invoice.objects.filter(contract=contract).exists()
    ):
        raise ContractError(
            _("Payments or invoices are recorded against this plan; it cannot be replaced.")
        )
    if not instalments:
        raise InvalidInput({"instalments": [_("A plan has at least one instalment.")]})
    rows, errors = [], []
    for index, data in enumerate(instalments, start=1):
        due = data.get("due_date")
        try:
            amount = validation.money_value(data.get("amount"), "amount")
        except InvalidInput as error:
            errors.append(_("Instalment %(n)s: %(message)s") % {"n": index, "message": str(error)})
            continue
        if due is None:
            errors.append(_("Instalment %(n)s: enter the due date.") % {"n": index})
            continue
        rows.append((due, amount))
    if errors:
        raise InvalidInput({"instalments": errors})
    validation.check_plan([amount for _due, amount in rows], contract.amount)
    existing.delete()
    rows.sort(key=lambda row: row[0])
    return Instalment.objects.bulk_create(
        Instalment(contract=contract, position=position, due_date=due, amount=amount)
        for position, (due, amount) in enumerate(rows, start=1)
    )


def lock_instalment(instalment, by):
    """The instalment's contract locked (lock_contract), then the instalment."""
    row = Instalment.objects.filter(pk=pk_of(instalment)).values("contract_id").first()
    if row is None:
        raise ContractError(_("This instalment no longer exists."))
    contract = lock_contract(row["contract_id"], by)
    locked = Instalment.objects.select_for_update().get(pk=pk_of(instalment))
    locked.contract = contract
    return contract, locked


def _check_date(value, contract, field, today):
    if value is None:
        raise InvalidInput({field: [_("Enter the date.")]})
    if value > today:
        raise InvalidInput({field: [_("The date cannot be in the future.")]})
    if contract.signed_on and value < contract.signed_on:
        raise InvalidInput(
            {
                field: [
                    _("%(date)s is before the contract was signed (%(signed)s).")
                    % {"date": value.isoformat(), "signed": contract.signed_on.isoformat()}
                ]
            }
        )


def _refuse_unless_signed(contract, by):
    if not can_record_payments(by, contract):
        if not manages_contract(by, contract):
            raise PermissionDenied
        raise ContractError(_("Payments and invoices are recorded once the contract is signed."))


@transaction.atomic
def payment_record(*, instalment, by, received_on, amount, method, reference="", today=None):
    contract, instalment = lock_instalment(instalment, by)
    _refuse_unless_signed(contract, by)
    amount = validation.money_value(amount, "amount")
    if method not in Payment.Method.values:
        raise InvalidInput({"method": [_("Choose how it was paid.")]})
    _check_date(received_on, contract, "received_on", today or timezone.localdate())
    paid = Payment.objects.filter(instalment=instalment).aggregate(total=Sum("amount"))["total"]
    paid = paid or validation.ZERO
    validation.check_payment(amount=amount, outstanding=instalment.amount - paid)
    payment = Payment.objects.create(
        instalment=instalment,
        contract=contract,
        received_on=received_on,
        amount=amount,
        method=method,
        reference=(reference or "").strip(),
        recorded_by=by,
    )
    instalment.paid_amount = paid + amount
    instalment.save(update_fields=["paid_amount"])
    return payment


@transaction.atomic
def invoice_record(*, instalment, by, number, kind, amount, issued_on, today=None):
    contract, instalment = lock_instalment(instalment, by)
    _refuse_unless_signed(contract, by)
    number = (number or "").strip()
    if not number:
        raise InvalidInput({"number": [_("Enter the invoice number.")]})
    if Invoice.objects.filter(number=number).exists():
        raise InvalidInput(
            {"number": [_("Invoice %(number)s is recorded already.") % {"number": number}]}
        )
    if kind not in Invoice.Kind.values:
        raise InvalidInput({"kind": [_("Choose the invoice type.")]})
    amount = validation.money_value(amount, "amount")
    _check_date(issued_on, contract, "issued_on", today or timezone.localdate())
    invoiced = instalment.invoices.aggregate(total=Sum("amount"))["total"] or validation.ZERO
    if invoiced + amount > instalment.amount:
        raise InvalidInput(
            {
                "amount": [
                    _(
                        "%(amount)s yuan is more than the %(left)s yuan of this instalment not yet "
                        "invoiced."
                    )
                    % {"amount": f"{amount:,.2f}", "left": f"{instalment.amount - invoiced:,.2f}"}
                ]
            }
        )
    return Invoice.objects.create(
        instalment=instalment,
        contract=contract,
        number=number,
        kind=kind,
        amount=amount,
        issued_on=issued_on,
        recorded_by=by,
    )
