"""Customers changing hands: merge, handover (客户交接) and bulk reassign, through the one way
customers change owner (`_give_customers`)."""

from collections import defaultdict
from typing import NamedTuple

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from simple_history.utils import bulk_update_with_history

from crm_site import hooks
from crm_site.hooks import Moved
from teams import services as team_services
from teams.history import encode_reason
from teams.models import User

from .. import moves, validation
from ..errors import CustomerError
from ..models import Customer, CustomerShare, Handover, Merge, OwnershipChange
from ..permissions import can_merge_customer, manages_customers
from ..selectors import reassign_split
from .common import _apply_keys
from .followups import customer_refresh_cadence


def _share_with_merged_owner(keep, merge):
    """The merged customer's owner keeps working on it: a read-write share (1 if added)."""
    if not merge.owner.is_active or merge.owner_id == keep.owner_id:
        return 0
    share, created = CustomerShare.objects.get_or_create(
        customer=keep, user=merge.owner, defaults={"can_edit": True}
    )
    if created:
        return 1
    if share.can_edit:
        return 0
    share.can_edit = True
    share.save(update_fields=["can_edit"])
    return 1


@transaction.atomic
def customer_merge(*, by, keep, merge, share_with_merged_owner=False):
    """Merge `merge` into `keep`: everything linked to it moves, then it is deleted.

    Runs every CUSTOMER_MERGE hook (customers/moves.py: contacts, follow-ups, tasks, needs
    surveys, tags, shares, grade history and proposals, handover links, earlier merges, empty
    template-1 fields; later apps move their rows the same way) and records a `Merge` (shown
    in the timeline). With `share_with_merged_owner`, the owner of the merged customer becomes
    a read-write colleague of the kept one. A row still pointing at `merge` after the hooks
    stops the merge (CustomerError) and nothing changes.
    """
    if keep.pk == merge.pk:
        raise CustomerError(_("A customer cannot be merged into itself."))
    # Both rows locked in id order, as handover and bulk actions lock theirs, so two of them
    # on the same customers wait for each other instead of deadlocking; everything below
    # reads the rows as they are under the lock. A customer merged away meanwhile is gone.
    locked = {
        c.pk: c
        for c in Customer.objects.select_for_update()
        .filter(pk__in=[keep.pk, merge.pk])
        .order_by("pk")
    }
    if len(locked) != 2:
        raise CustomerError(_("One of the two customers no longer exists."))
    keep, merge = locked[keep.pk], locked[merge.pk]
    visible = Customer.objects.visible_to(by).filter(pk__in=[keep.pk, merge.pk]).count()
    if visible != 2 or not (can_merge_customer(by, keep) and can_merge_customer(by, merge)):
        raise PermissionDenied

    moved = moves.merge_moves(keep=keep, merge=merge, by=by, dry_run=False)
    if share_with_merged_owner:
        shared = _share_with_merged_owner(keep, merge)
        moved = hooks.tally([*moved, Moved("shares", gettext_noop("colleagues"), shared)])
    relation = moves.left_behind(merge)
    if relation is not None:
        raise CustomerError(
            _(
                "Nothing was merged: %(rows)s of %(name)s would be lost, because no merge hook "
                "moves them (%(relation)s)."
            )
            % {
                "rows": relation.related_model._meta.verbose_name_plural,
                "name": merge.name,
                "relation": f"{relation.related_model._meta.label}.{relation.field.name}",
            }
        )

    record = Merge.objects.create(
        kept=keep,
        merged_name=merge.name,
        merged_pk=merge.pk,
        moved=[m.as_json() for m in moved],
        by=by,
    )
    merge._history_user = by
    merge._change_reason = encode_reason(gettext_noop("Merged into customer #%(pk)s"), pk=keep.pk)
    merge.delete()
    _apply_keys(keep)
    keep._history_user = by
    keep._change_reason = encode_reason(
        gettext_noop("Merged with customer #%(pk)s"), pk=record.merged_pk
    )
    keep.save()
    customer_refresh_cadence(customer=keep)
    return record


def _check_receiver(by, to_user):
    """Customers go only to someone `by` may make their owner (`validation.owner`); someone
    beyond `by`'s reach is refused as a permission."""
    with validation.enforce():
        validation.owner(by, to_user)


def _give_customers(customers, to_user, *, by, reason, how, note=""):
    """The one way customers get an owner (edit form, bulk reassign, handover, a claim or an
    assignment from the pool): `customers`, locked by the caller, go to `to_user` (with history
    rows and one OwnershipChange each), leave their pool if they were in one, each old owner's
    open work on them goes along (the CUSTOMER_HANDOVER hooks, once per old owner: customers'
    open tasks, later apps' records), and `to_user` needs no share on what they own. Returns
    the `Moved` counts of the hooks."""
    by_old_owner = defaultdict(list)
    for customer in customers:
        if customer.owner_id is not None:
            by_old_owner[customer.owner_id].append(customer.pk)
    old_owners = User.objects.in_bulk(by_old_owner)
    moved = hooks.tally(
        m
        for owner_id, pks in by_old_owner.items()
        for m in moves.handover_moves(
            customer_ids=pks, from_user=old_owners[owner_id], to_user=to_user, by=by, dry_run=False
        )
    )
    now = timezone.now()
    changes = [
        OwnershipChange(
            customer=customer,
            from_user_id=customer.owner_id,
            to_user=to_user,
            pool_id=customer.pool_id,
            how=how,
            by=by,
            at=now,
            reason=note[:300],
        )
        for customer in customers
    ]
    for customer in customers:
        customer.owner, customer.owner_since, customer.updated_at = to_user, now, now
        customer.pool, customer.pooled_at = None, None
    bulk_update_with_history(
        customers,
        Customer,
        ["owner", "owner_since", "pool", "pooled_at", "updated_at"],
        default_user=by,
        default_change_reason=reason,
    )
    OwnershipChange.objects.bulk_create(changes)
    CustomerShare.objects.filter(customer__in=customers, user=to_user).delete()
    return moved


@transaction.atomic
def customers_handover(*, by, from_user, to_user, customers=None, note=""):
    """客户交接: move all (None) or the given customers of `from_user` to `to_user`.

    Only customers `from_user` owns and `by` manages (`managed_by`: ownership reach, never a
    share) move; `from_user`'s open work on them moves too (CUSTOMER_HANDOVER hooks: customers'
    open tasks, later apps' records). A customer merged away while this waited for its lock is
    no longer there and is not handed over. Recorded as a Handover with what moved (it shows
    on each customer's timeline).
    """
    if not manages_customers(by):
        raise PermissionDenied
    if not User.objects.visible_to(by).filter(pk=from_user.pk).exists():
        raise PermissionDenied
    if from_user.pk == to_user.pk:
        raise CustomerError(_("Choose someone else to receive the customers."))
    _check_receiver(by, to_user)
    moving = Customer.objects.managed_by(by).filter(owner=from_user)
    if customers is not None:
        moving = moving.filter(pk__in=[getattr(c, "pk", c) for c in customers])
    # Locked in id order, as a merge locks its two: the rows read here are the ones moved.
    moving = list(moving.select_for_update(of=("self",)).order_by("pk"))
    if not moving:
        raise CustomerError(
            _("%(name)s has none of these customers to hand over.") % {"name": from_user}
        )
    moved = _give_customers(
        moving,
        to_user,
        by=by,
        reason=gettext_noop("Customer handover"),
        how=OwnershipChange.How.HANDOVER,
        note=note,
    )
    handover = Handover.objects.create(
        from_user=from_user,
        to_user=to_user,
        by=by,
        moved=[m.as_json() for m in moved],
        note=note,
    )
    handover.customers.set([customer.pk for customer in moving])
    return handover


@transaction.atomic
def customers_handover_and_deactivate(*, by, from_user, to_user, customers=None, note=""):
    """离职交接: hand over `from_user`'s customers (as `customers_handover`), then deactivate
    them (teams' `user_deactivate`: only an admin may), in one transaction: when either is
    refused, nothing changes."""
    if not by.has_perm("teams.manage_users"):
        raise PermissionDenied
    handover = customers_handover(
        by=by, from_user=from_user, to_user=to_user, customers=customers, note=note
    )
    try:
        team_services.user_deactivate(by=by, user=from_user)
    except team_services.TeamsError as error:
        raise CustomerError(str(error)) from error
    return handover


def _bulk_scope(by, customers):
    """Lock the selected customers (in id order); every one must be a customer `by` may move
    (`managed_by`: ownership reach, not merely shared with them), or the whole action is
    refused and nothing changes."""
    if not manages_customers(by):
        raise PermissionDenied
    pks = {getattr(customer, "pk", customer) for customer in customers}
    if not pks:
        raise CustomerError(_("Select at least one customer."))
    found = list(
        Customer.objects.managed_by(by)
        .filter(pk__in=pks)
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    if len(found) != len(pks):
        if Customer.objects.filter(pk__in=pks).count() != len(pks):
            # Merged away since the list was shown: nothing to refuse, say what happened.
            raise CustomerError(
                _("Some of the selected customers no longer exist; nothing was changed.")
            )
        raise PermissionDenied
    return found


class BulkResult(NamedTuple):
    """What a bulk action did: the customers it changed, and each one it skipped with why
    (a msgid, read in the reader's language, and its arguments)."""

    changed: list
    skipped: list  # [(customer, reason msgid, args)]

    @property
    def count(self):
        return len(self.changed)


@transaction.atomic
def customers_bulk_reassign(*, by, customers, to_user):
    """Give the selected customers to `to_user`. As in a handover, each old owner's open work
    on them moves too (the CUSTOMER_HANDOVER hooks, once per old owner). Returns a
    BulkResult: the customers that changed owner, and those skipped (already theirs)."""
    found = _bulk_scope(by, customers)
    _check_receiver(by, to_user)
    moving, skipped = reassign_split(found, to_user)
    if not moving:
        return BulkResult([], skipped)
    _give_customers(
        moving,
        to_user,
        by=by,
        reason=gettext_noop("Bulk reassign"),
        how=OwnershipChange.How.REASSIGN,
    )
    return BulkResult(moving, skipped)
