"""Lead screening (线索筛选): a decision on a lead, with its score. Qualified: the lead becomes
a prospect. Disqualified, with a reason from the admin's list: closed (churned), or sent to
the owner's pool. A lead that is an existing customer is merged into it
(services.customer_merge)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from ..errors import CustomerError
from ..models import (
    Customer,
    CustomerStatusChange,
    LeadScreening,
    OwnershipChange,
    ScreeningSettings,
)
from ..permissions import can_edit_customer
from .common import _change_status, _lock_customer
from .pools import PoolError, _put_in_pool, pool_for


@transaction.atomic
def lead_screen(
    *,
    by,
    customer,
    industry_fit,
    size,
    budget,
    decision_chain,
    decision,
    reason=None,
    note="",
    to_pool=False,
):
    customer = _lock_customer(customer.pk)
    if not can_edit_customer(by, customer):
        raise PermissionDenied
    if customer.status != Customer.Status.LEAD or hasattr(customer, "screening"):
        raise CustomerError(
            _("%(name)s is not a lead waiting for screening.") % {"name": customer.name}
        )
    disqualified = decision == LeadScreening.Decision.DISQUALIFIED
    if disqualified and reason is None:
        raise CustomerError(_("Choose why the lead is disqualified."))
    marks = {"industry": industry_fit, "size": size, "budget": budget, "decision": decision_chain}
    screening = LeadScreening.objects.create(
        customer=customer,
        industry_fit=industry_fit,
        size=size,
        budget=budget,
        decision_chain=decision_chain,
        score=ScreeningSettings.load().score(**marks),
        decision=decision,
        reason=reason if disqualified else None,
        note=note,
        by=by,
    )
    code = CustomerStatusChange.Reason.SCREENING
    if not disqualified:
        _change_status(customer, Customer.Status.PROSPECT, by=by, reason=code, comment=note)
    elif to_pool:
        pool = pool_for(customer.owner)
        if pool is None:
            raise PoolError(_("No pool takes this team's customers: close the lead instead."))
        _put_in_pool(
            [customer],
            {customer.pk: pool},
            by=by,
            how=OwnershipChange.How.RETURN,
            reasons={customer.pk: str(reason)},
        )
    else:
        _change_status(customer, Customer.Status.CHURNED, by=by, reason=code, comment=str(reason))
    return screening
