"""A customer's contacts, and sharing it with colleagues (协作人)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from .. import normalize, validation
from ..models import Contact, CustomerShare
from ..permissions import can_edit_customer, can_share_customer
from .common import _lock_customer


def _require_edit(by, customer):
    if not can_edit_customer(by, customer):
        raise PermissionDenied


@transaction.atomic
def contact_create(*, by, customer, **fields):
    """Add a contact to a customer the user may edit."""
    customer = _lock_customer(customer.pk)
    _require_edit(by, customer)
    contact = Contact(customer=customer, **fields)
    contact.phone_key = normalize.phone_key(contact.phone)
    contact._history_user = by
    contact.save()
    return contact


@transaction.atomic
def contact_update(*, by, contact, **fields):
    contact = Contact.objects.select_for_update().select_related("customer").get(pk=contact.pk)
    _require_edit(by, contact.customer)
    for name, value in fields.items():
        setattr(contact, name, value)
    contact.phone_key = normalize.phone_key(contact.phone)
    contact._history_user = by
    contact.save()
    return contact


@transaction.atomic
def contact_delete(*, by, contact):
    """Delete a contact; follow-ups logged with them stay (their "with whom" is cleared)."""
    contact = Contact.objects.select_for_update().select_related("customer").get(pk=contact.pk)
    _require_edit(by, contact.customer)
    contact._history_user = by
    contact.delete()
    return contact


@transaction.atomic
def customer_share(*, by, customer, user, can_edit=False):
    """Share a customer with a colleague (协作人, `validation.colleague`), read-only or
    read-write; sharing again changes the access."""
    customer = _lock_customer(customer.pk)
    if not can_share_customer(by, customer):
        raise PermissionDenied
    with validation.enforce():
        validation.colleague(customer, user)
    share = CustomerShare.objects.filter(customer=customer, user=user).first()
    if share is None:
        share = CustomerShare(customer=customer, user=user)
    share.can_edit = can_edit
    share._history_user = by
    share.save()
    return share


@transaction.atomic
def customer_unshare(*, by, share):
    share = CustomerShare.objects.select_related("customer").get(pk=share.pk)
    customer = _lock_customer(share.customer_id)
    if not can_share_customer(by, customer):
        raise PermissionDenied
    share._history_user = by
    share.delete()
    return share
