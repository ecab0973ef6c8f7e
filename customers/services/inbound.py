"""Inbound leads (来访线索): a manager or customer service enters a lead for a team and it goes
to one of the team's reps, by round robin or to the one with the fewest open leads, skipping
deactivated reps and those at their pool's holding cap. The assignment is one OwnershipChange
("inbound lead assigned"); the manager changes it as any owner change (edit form, bulk
reassign)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from teams import roles
from teams.models import User

from ..errors import CustomerError
from ..models import Customer, InboundRouting, OwnershipChange
from ..permissions import manages_customers
from .pools import holdings, pool_for
from .records import customer_create


def pick_rep(candidates, *, method, last_id=None, loads=None):
    """The rep who gets the next lead: `candidates` (ids, in a stable order) are those who may
    take one; round robin takes the first after `last_id`, least load the fewest open leads
    (`loads`: {id: count}), the first in order on a tie. None when there is no candidate."""
    if not candidates:
        return None
    if method == InboundRouting.Method.LEAST_LOAD:
        loads = loads or {}
        return min(candidates, key=lambda pk: (loads.get(pk, 0), candidates.index(pk)))
    after = [pk for pk in candidates if last_id is not None and pk > last_id]
    return after[0] if after else candidates[0]


def _candidates(team):
    """The team's active reps not at their pool's holding cap, with their open leads."""
    reps = list(
        User.objects.filter(team=team, is_active=True, role__in=roles.OWNER_ROLES)
        .exclude(role__in=roles.LEADS_TEAM)
        .annotate(
            open_leads=Count(
                "customers",
                filter=Q(
                    customers__status=Customer.Status.LEAD,
                    customers__screening__isnull=True,
                ),
            )
        )
        .order_by("pk")
    )
    pool = pool_for(reps[0]) if reps else None
    if pool is not None and pool.cap_total is not None:
        reps = [rep for rep in reps if holdings(rep)["total"] < pool.cap_total]
    return reps


@transaction.atomic
def inbound_lead_create(*, by, team, contacts=(), **fields):
    """Enter an inbound lead for `team` and assign it by the team's routing."""
    if not manages_customers(by):
        raise PermissionDenied
    routing, _created = InboundRouting.objects.select_for_update().get_or_create(team=team)
    routing = InboundRouting.objects.select_for_update().get(pk=routing.pk)
    reps = _candidates(team)
    chosen = pick_rep(
        [rep.pk for rep in reps],
        method=routing.method,
        last_id=routing.last_user_id,
        loads={rep.pk: rep.open_leads for rep in reps},
    )
    if chosen is None:
        raise CustomerError(
            _("No rep of %(team)s can take a lead now (all inactive or at their cap).")
            % {"team": team}
        )
    owner = next(rep for rep in reps if rep.pk == chosen)
    fields.setdefault("status", Customer.Status.LEAD)
    fields.setdefault("lead_source", Customer.LeadSource.INBOUND)
    customer = customer_create(by=by, owner=owner, contacts=contacts, **fields)
    Customer.objects.filter(pk=customer.pk).update(owner_since=timezone.now())
    OwnershipChange.objects.create(
        customer=customer,
        to_user=owner,
        how=OwnershipChange.How.LEAD,
        by=by,
        at=timezone.now(),
        reason=routing.get_method_display(),
    )
    routing.last_user = owner
    routing.save(update_fields=["last_user"])
    return customer
