"""The customers' groups in the navbar's global search (crm_site/hooks.py GLOBAL_SEARCH):
customers by name or phone, and contacts by name or phone, among the customers the user
may see."""

from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from crm_site import hooks
from teams import policy, search

from .models import Contact, Customer
from .selectors import customer_search, name_or_phone_q

# The customers a search reaches through their contacts' names or phones, at most.
CONTACT_MATCHES = 500


def customers(*, user, text, limit):
    if not user.has_perm("customers.work_with_customers"):
        return None
    rows = (
        search.ranked(_matching_customers(user, text))
        .select_related("owner")
        .only("pk", "name", "grade", "owner__first_name", "owner__last_name", "owner__username")[
            : limit + 1
        ]
    )
    hits = (
        hooks.SearchHit(
            title=customer.name,
            url=reverse("customers:customer-detail", args=[customer.pk]),
            detail=" · ".join(
                part
                for part in (customer.grade, str(customer.owner) if customer.owner_id else "")
                if part
            ),
        )
        for customer in rows
    )
    more = reverse("customers:customer-list") + "?" + urlencode({"q": text})
    return hooks.SearchGroup.of(
        "customers", _("Customers"), "building", hits, limit=limit, more_url=more
    )


def _matching_customers(user, text):
    if not policy.sees_all(user):
        # A rep's or a manager's customers probe their own contacts (customer_search).
        return customer_search(Customer.objects.visible_to(user), text)
    # Everyone's: the contacts' matches first, through their own trigram indexes, so each
    # table's condition uses its index instead of one OR across a subquery (0.9 s → ms).
    via_contacts = list(
        Contact.objects.filter(name_or_phone_q(text))
        .order_by()
        .values_list("customer_id", flat=True)[:CONTACT_MATCHES]
    )
    return Customer.objects.filter(name_or_phone_q(text) | Q(pk__in=via_contacts))


def contacts(*, user, text, limit):
    if not user.has_perm("customers.work_with_customers"):
        return None
    rows = (
        search.ranked(
            Contact.objects.filter(
                customer__in=Customer.objects.visible_to(user).values("pk")
            ).filter(name_or_phone_q(text))
        )
        .select_related("customer")
        .only("pk", "name", "title", "phone", "customer__name")[: limit + 1]
    )
    hits = (
        hooks.SearchHit(
            title=f"{contact.name} ({contact.title})" if contact.title else contact.name,
            url=reverse("customers:customer-detail", args=[contact.customer_id]) + "#contacts",
            detail=" · ".join(part for part in (contact.customer.name, contact.phone) if part),
        )
        for contact in rows
    )
    more = reverse("customers:customer-list") + "?" + urlencode({"q": text})
    return hooks.SearchGroup.of(
        "contacts", _("Contacts"), "person-lines-fill", hits, limit=limit, more_url=more
    )
