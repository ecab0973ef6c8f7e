"""Assigning after-sales staff to customers: by hand, or by region for the customers nobody
assigned by hand."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from customers.models import Customer
from teams import roles

from ..errors import AftersalesError
from ..models import AftersalesAssignment, RegionAssignment
from ..permissions import assigns_aftersales


def _check_staff(user):
    if user is None or not user.is_active or user.role not in roles.WORKS_AFTERSALES:
        raise AftersalesError(_("Only an active after-sales user can be assigned."))


@transaction.atomic
def assign_customer(*, by, customer, user):
    """`user` serves `customer` from now on (a hand assignment: region rules leave it)."""
    if not assigns_aftersales(by):
        raise PermissionDenied
    _check_staff(user)
    assignment, _created = AftersalesAssignment.objects.update_or_create(
        customer=customer, defaults={"user": user, "by_hand": True, "assigned_by": by}
    )
    return assignment


@transaction.atomic
def unassign_customer(*, by, customer):
    if not assigns_aftersales(by):
        raise PermissionDenied
    AftersalesAssignment.objects.filter(customer=customer).delete()


@transaction.atomic
def region_set(*, by, region, user):
    """The after-sales user of `region` (None: no rule), applied at once to its customers
    nobody assigned by hand. Returns how many customers it assigned."""
    if not assigns_aftersales(by):
        raise PermissionDenied
    if region not in Customer.Region.values:
        raise AftersalesError(_("Choose a region from the list."))
    if user is None:
        RegionAssignment.objects.filter(region=region).delete()
        AftersalesAssignment.objects.filter(customer__region=region, by_hand=False).delete()
        return 0
    _check_staff(user)
    RegionAssignment.objects.update_or_create(region=region, defaults={"user": user})
    return regions_apply(region=region, by=by)


def regions_apply(*, region=None, by=None):
    """Give each region rule's user the customers of its region without a hand assignment
    (new customers, or a rule that changed). Idempotent; returns how many rows changed."""
    rules = RegionAssignment.objects.all()
    if region is not None:
        rules = rules.filter(region=region)
    changed = 0
    for rule in rules:
        changed += (
            AftersalesAssignment.objects.filter(customer__region=rule.region, by_hand=False)
            .exclude(user=rule.user)
            .update(user=rule.user, assigned_by=by)
        )
        missing = Customer.objects.filter(region=rule.region, aftersales_assignment__isnull=True)
        new = [
            AftersalesAssignment(customer_id=pk, user=rule.user, by_hand=False, assigned_by=by)
            for pk in missing.values_list("pk", flat=True).iterator()
        ]
        AftersalesAssignment.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
        changed += len(new)
    return changed
