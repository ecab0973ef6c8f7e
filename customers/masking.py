"""Whose phone numbers and e-mails a reader sees masked (138****1234): the one rule, applied by
every page, search and export that can show a customer in a pool (公海).

A customer waiting in a pool has no owner; reps (and their managers) see it to decide whether
to claim it, but its contacts' numbers and addresses stay masked until someone claims it.
Those who see every customer (directors, the general manager, admins) administer the pools and
see them whole.
"""

from teams import policy


def masks_contacts(user, customer):
    """True when `user` sees `customer`'s phone numbers and e-mails masked (None, a reader
    unknown, sees them masked)."""
    return customer.pool_id is not None and (user is None or not policy.sees_all(user))


def mask_phone(value):
    """138****1234: the first three and last four digits of a number long enough to keep them
    apart, otherwise only the last two."""
    if not value:
        return value
    text = "".join(ch for ch in value if not ch.isspace())
    if len(text) >= 9:
        return f"{text[:3]}****{text[-4:]}"
    return "*" * max(len(text) - 2, 2) + text[-2:]


def mask_email(value):
    """z***@example.com"""
    if not value:
        return value
    local, _at, domain = value.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def mask_customer(user, customer, contacts=()):
    """Mask, in place, what `user` may not read of `customer` and its `contacts` (objects only
    shown, never saved). Returns whether anything was masked."""
    if not masks_contacts(user, customer):
        return False
    if "phone" not in customer.get_deferred_fields():  # a list row leaves it unread
        customer.phone = mask_phone(customer.phone)
    for name in ("key_contact_phone",):  # the list's annotation
        if getattr(customer, name, None):
            setattr(customer, name, mask_phone(getattr(customer, name)))
    for contact in contacts:
        contact.phone = mask_phone(contact.phone)
        contact.email = mask_email(contact.email)
        contact.wechat = mask_phone(contact.wechat) if contact.wechat else contact.wechat
    customer.contacts_masked = True
    return True


def mask_rows(user, customers):
    """`mask_customer` for a page of rows (their prefetched contacts, if any, too)."""
    if user is not None and policy.sees_all(user):
        return
    for customer in customers:
        if customer.pool_id is None:
            continue
        cache = getattr(customer, "_prefetched_objects_cache", {})
        mask_customer(user, customer, cache.get("contacts", ()))
