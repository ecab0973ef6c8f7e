"""Reads beyond `visible_to()`: duplicate search, the merge preview, and the people a form
offers (owners, handover sources, who may take on work on a customer)."""

from django.db.models import Count, Q

from teams.models import User

from . import moves, normalize
from .models import Customer
from .permissions import OWNER_ROLES
from .querysets import customer_viewers_q


def find_duplicates(*, name="", credit_code="", phone="", exclude_pk=None):
    """Customers among ALL customers (not only visible ones) that look like the same company.

    Callers show only the name and owner of what this finds.
    """
    keys = Q()
    if normalize.name_key(name):
        keys |= Q(name_key=normalize.name_key(name))
    if normalize.credit_code(credit_code):
        keys |= Q(credit_code=normalize.credit_code(credit_code))
    if normalize.phone_key(phone):
        keys |= Q(phone_key=normalize.phone_key(phone)) | Q(
            contacts__phone_key=normalize.phone_key(phone)
        )
    if not keys:
        return Customer.objects.none()
    found = Customer.objects.filter(keys)
    if exclude_pk:
        found = found.exclude(pk=exclude_pk)
    return found.select_related("owner").distinct()


def merge_preview(*, by, keep, merge):
    """What `customer_merge` would move, for the confirm page: the same hooks, dry."""
    return moves.merge_moves(keep=keep, merge=merge, by=by, dry_run=True)


def handover_sources(user):
    """Users in `user`'s scope, active or deactivated, who own customers `user` may move."""
    return (
        User.objects.visible_to(user)
        .annotate(
            customer_count=Count(
                "customers", filter=Q(customers__in=Customer.objects.managed_by(user))
            )
        )
        .filter(customer_count__gt=0)
        .order_by("-is_active", "username")
    )


def owner_choices(user):
    """Whom `user` may pick as a customer's owner (filter, bulk reassign, handover, import):
    the colleagues who may own customers, within `user`'s reach."""
    return (
        User.objects.visible_to(user)
        .active()
        .filter(role__in=OWNER_ROLES)
        .order_by("first_name", "last_name", "username")
        # Only what a name needs: a director's list loads hundreds of these.
        .only("pk", "username", "first_name", "last_name", "is_active", "role", "team")
    )


def people_for(user, customer):
    """Whom `user` may give work on `customer` to: themselves, the customer's owner, and for
    managers anyone in their scope; always someone who sees the customer."""
    return (
        (User.objects.visible_to(user) | User.objects.filter(pk=customer.owner_id))
        .filter(customer_viewers_q(customer))
        .distinct()
        .order_by("last_name", "first_name", "username")
    )
