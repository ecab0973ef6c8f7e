"""The customer list's own writes: tags in bulk and saved views."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from simple_history.utils import bulk_update_with_history

from teams.history import encode_reason

from ..errors import CustomerError
from ..models import Customer, ListColumns, SavedView
from .ownership import BulkResult, _bulk_scope


@transaction.atomic
def customers_bulk_tag(*, by, customers, tag, add):
    """Add `tag` to (or remove it from) the selected customers; the customers' history records
    who did it. Returns a BulkResult: those changed, and those skipped (already tagged, or
    without the tag to remove)."""
    found = _bulk_scope(by, customers)
    through = Customer.tags.through
    tagged = set(
        through.objects.filter(customer__in=found, tag=tag).values_list("customer_id", flat=True)
    )
    if add:
        changed = [customer for customer in found if customer.pk not in tagged]
        skipped = [
            (c, gettext_noop("already has the tag %(tag)s"), {"tag": tag.name})
            for c in found
            if c.pk in tagged
        ]
        through.objects.bulk_create(
            [through(customer_id=customer.pk, tag_id=tag.pk) for customer in changed],
            ignore_conflicts=True,
        )
    else:
        changed = [customer for customer in found if customer.pk in tagged]
        skipped = [
            (c, gettext_noop("does not have the tag %(tag)s"), {"tag": tag.name})
            for c in found
            if c.pk not in tagged
        ]
        through.objects.filter(customer__in=changed, tag=tag).delete()
    if changed:
        now = timezone.now()
        for customer in changed:
            customer.updated_at = now
        message = (
            gettext_noop("Tag added: %(tag)s") if add else gettext_noop("Tag removed: %(tag)s")
        )
        reason = encode_reason(message, tag=tag.name)
        bulk_update_with_history(
            changed, Customer, ["updated_at"], default_user=by, default_change_reason=reason
        )
    return BulkResult(changed, skipped)


@transaction.atomic
def saved_view_create(
    *,
    by,
    name,
    query,
    list=SavedView.List.CUSTOMERS,
    is_default=False,
    shared=False,  # noqa: A002
):
    """Name the current filter of a list (the customer list unless `list` says another) so
    `by` gets it back in one click. A default view replaces `by`'s previous default of that
    list; a shared one shows to `by`'s team."""
    name = name.strip()
    mine = SavedView.objects.select_for_update().filter(user=by, list=list)
    if mine.filter(name=name).exists():
        raise CustomerError(
            _("You already have a saved view called “%(name)s”. Choose another name.")
            % {"name": name}
        )
    if is_default:
        mine.filter(is_default=True).update(is_default=False)
    return SavedView.objects.create(
        user=by, list=list, name=name, query=query, is_default=is_default, shared=shared
    )


def list_columns_save(*, by, shown, optional, list_name="customers"):
    """Remember which of the `optional` columns `by` hides on a list."""
    hidden = [name for name in optional if name not in set(shown)]
    ListColumns.objects.update_or_create(user=by, list_name=list_name, defaults={"hidden": hidden})
    return hidden


def saved_view_delete(*, by, saved_view):
    if saved_view.user_id != by.pk:
        raise PermissionDenied
    saved_view.delete()
