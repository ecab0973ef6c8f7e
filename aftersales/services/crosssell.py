"""Opportunities after-sales work brings: a second need heard in a revisit or a complaint
(source "after-sales"), and a renewal proposed 90 days before a contract's warranty or term
ends. The opportunity goes to the customer's owner (only sellers own opportunities), made by
opportunities' own service; `CrossSell` links it to where it came from, and its description
names the record."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from contracts.models import Contract
from crm_site.errors import DomainError
from opportunities.models import Source
from opportunities.services.opportunities import opportunity_create

from .. import warranty
from ..errors import AftersalesError
from ..models import CrossSell
from ..permissions import can_handle, can_serve

RENEWAL_DAYS = 90


@transaction.atomic
def cross_sell_create(
    *, by, name, expected_amount, expected_close_date, record=None, complaint=None, note=""
):
    """A second need from `record` or `complaint`: an opportunity for the customer's owner."""
    source = record or complaint
    if source is None or (record is not None and complaint is not None):
        raise ValueError("an after-sales opportunity comes from one record or one complaint")
    customer = source.customer
    allowed = can_handle(by, complaint) if complaint is not None else can_serve(by, customer)
    if not allowed:
        raise PermissionDenied
    owner = customer.owner
    if owner is None or not owner.is_active:
        raise AftersalesError(_("The customer has no active owner to take the opportunity."))
    origin = (
        _("From complaint %(number)s") % {"number": complaint.number}
        if complaint is not None
        else _("From after-sales record of %(date)s") % {"date": record.date.isoformat()}
    )
    description = f"{origin} ({by.display_name})" + (f"\n{note}" if note else "")
    try:
        opportunity = opportunity_create(
            by=owner,
            customer=customer,
            name=name,
            expected_amount=expected_amount,
            expected_close_date=expected_close_date,
            source=Source.AFTERSALES,
            description=description,
        )
    except DomainError as error:
        raise AftersalesError(str(error)) from None
    CrossSell.objects.create(
        opportunity=opportunity,
        kind=CrossSell.Kind.CROSS_SELL,
        record=record,
        complaint=complaint,
        proposed_by=by,
    )
    return opportunity


def renewal_date(contract):
    """The earlier of the warranty's and the term's end."""
    return min(contract.end_date, warranty.end_of(contract))


def propose_renewals(*, today):
    """A renewal opportunity for each signed contract whose warranty or term ends within
    RENEWAL_DAYS, once per contract (the beat task, daily). Returns how many it proposed."""
    horizon = today + timedelta(days=RENEWAL_DAYS)
    done = CrossSell.objects.filter(kind=CrossSell.Kind.RENEWAL).values("contract_id")
    contracts = (
        Contract.objects.filter(status__in=Contract.SIGNED_STATES, owner__is_active=True)
        .exclude(pk__in=done)
        .select_related("customer", "owner")
    )
    made = 0
    for contract in contracts.iterator(chunk_size=500):
        ends = renewal_date(contract)
        if not today <= ends <= horizon:
            continue
        try:
            with transaction.atomic():
                opportunity = opportunity_create(
                    by=contract.owner,
                    customer=contract.customer,
                    name=(_("Renewal: %(title)s") % {"title": contract.title})[:200],
                    expected_amount=contract.amount,
                    expected_close_date=ends,
                    source=Source.EXISTING,
                    description=_("Contract %(number)s ends on %(date)s.")
                    % {"number": contract.number, "date": ends.isoformat()},
                )
                CrossSell.objects.create(
                    opportunity=opportunity, kind=CrossSell.Kind.RENEWAL, contract=contract
                )
        except (DomainError, PermissionDenied, IntegrityError):
            continue  # the owner may no longer edit it, or a stage checklist blocks: skip
        made += 1
    return made
