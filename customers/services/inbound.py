"""Inbound leads (来访线索): a manager or customer service (the admin role) enters a lead for a
team, or imports a file of them, and each goes to one of the team's reps, by round robin or to
the one with the fewest open leads, skipping deactivated reps and those at their pool's
holding cap. The assignment is one OwnershipChange ("inbound lead assigned"); the manager
changes it as any owner change (edit form, bulk reassign). Admins choose each team's method.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from teams import policy, roles
from teams.models import Team, User

from .. import excel
from ..errors import CustomerError
from ..models import Contact, Customer, ImportLog, InboundRouting, OwnershipChange
from ..permissions import enters_inbound_leads, is_admin
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


def _check_enterer(by, team):
    """Managers enter leads for the teams they lead, customer service (admins) for any."""
    if not enters_inbound_leads(by):
        raise PermissionDenied
    if not Team.objects.filter(policy.teams_q(by), pk=team.pk).exists():
        raise PermissionDenied


@transaction.atomic
def inbound_lead_create(*, by, team, contacts=(), **fields):
    """Enter an inbound lead for `team` and assign it by the team's routing."""
    _check_enterer(by, team)
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
    # Entered as it comes, even under a name the CRM has: merged when screened.
    customer = customer_create(
        by=by, owner=owner, contacts=contacts, same_name_allowed=True, **fields
    )
    Customer.objects.filter(pk=customer.pk).update(owner_since=timezone.now())
    OwnershipChange.objects.create(
        customer=customer,
        to_user=owner,
        how=OwnershipChange.How.LEAD,
        by=by,
        at=timezone.now(),
        reason=routing.get_method_display(),
    )
    # An UPDATE: the turn moves with every lead, the method's history only with its changes.
    InboundRouting.objects.filter(pk=routing.pk).update(last_user=owner)
    return customer


INBOUND_IMPORT_MAX_ROWS = 500


@transaction.atomic
def inbound_leads_import(*, by, team, rows, filename=""):
    """Enter the leads of a checked import file for `team`, each assigned by the team's routing
    as if entered one after the other (so round robin and least load share the file out): all
    or nothing. `rows` are `excel.ImportRow`s read with `routed=True` (no owner, status lead).
    Returns the ImportLog."""
    _check_enterer(by, team)
    rows = list(rows)
    if not rows:
        raise CustomerError(_("The file has no customer rows."))
    if len(rows) > INBOUND_IMPORT_MAX_ROWS:
        raise CustomerError(
            _("A file holds at most %(max)s inbound leads; split it into several files.")
            % {"max": INBOUND_IMPORT_MAX_ROWS}
        )
    duplicates = excel.duplicate_problems(rows)
    if duplicates:
        first = duplicates[0]
        raise CustomerError(
            _("Nothing was imported. Row %(row)s: %(message)s")
            % {"row": first.row, "message": first.message}
        )
    contact_count = 0
    for row in rows:
        fields = dict(row.customer)
        if row.grade_given:
            fields["grade_source"] = Customer.GradeSource.MANUAL
        contacts = [Contact(is_key=True, **row.contact)] if row.contact else []
        contact_count += len(contacts)
        try:
            inbound_lead_create(by=by, team=team, contacts=contacts, tags=row.tags, **fields)
        except CustomerError as error:
            raise CustomerError(
                _("Nothing was imported. Row %(row)s: %(message)s")
                % {"row": row.row, "message": error}
            ) from error
    return ImportLog.objects.create(
        user=by, filename=filename[:200], customer_count=len(rows), contact_count=contact_count
    )


@transaction.atomic
def inbound_routing_save(*, by, methods):
    """Set how each team's inbound leads are shared out (admins): `methods` {Team: method}."""
    if not is_admin(by):
        raise PermissionDenied
    for team, method in methods.items():
        if method not in InboundRouting.Method.values:
            raise CustomerError(
                _("Choose round robin or least load for %(team)s.") % {"team": team}
            )
        routing = InboundRouting.objects.select_for_update().filter(team=team).first()
        if routing is None:
            # A team without a row routes by the default: only a change is recorded.
            routing = InboundRouting(team=team)
        if routing.method == method:
            continue
        routing.method = method
        routing._history_user = by
        routing.save()
