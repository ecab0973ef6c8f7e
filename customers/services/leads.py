"""Lead screening (线索筛选): a decision on a lead, with its score. Qualified: the lead becomes
a prospect. Disqualified, with a reason from the admin's list: closed (churned), or sent to
the owner's pool. A lead that is an existing customer is merged into it
(services.customer_merge)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from .. import validation
from ..errors import CustomerError
from ..models import (
    Customer,
    CustomerStatusChange,
    DisqualifyReason,
    LeadScreening,
    OwnershipChange,
    ScreeningSettings,
)
from ..permissions import can_edit_customer, is_admin
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


# --- the admin's lead settings ------------------------------------------------------------


@transaction.atomic
def screening_settings_update(*, by, **weights):
    """Change the screening weights (admins); they add up to 100 (validation). Scores already
    given stay as they were."""
    if not is_admin(by):
        raise PermissionDenied
    with validation.enforce():
        validation.screening_weights(**weights)
    ScreeningSettings.load()
    settings_ = ScreeningSettings.objects.select_for_update().get(pk=1)
    for name, value in weights.items():
        setattr(settings_, name, value)
    settings_._history_user = by
    settings_.save()
    return settings_


@transaction.atomic
def disqualify_reason_save(*, by, reason):
    """Add or change a reason a lead may be disqualified for (admins). A reason used by a
    screening is never deleted: made inactive, it is no longer offered."""
    if not is_admin(by):
        raise PermissionDenied
    reason.label = (reason.label or "").strip()
    if not reason.label:
        raise CustomerError(_("Write the reason."))
    taken = DisqualifyReason.objects.filter(label__iexact=reason.label).exclude(pk=reason.pk)
    if taken.exists():
        raise CustomerError(_("“%(label)s” is already in the list.") % {"label": reason.label})
    reason._history_user = by
    reason.save()
    return reason
