"""Reads beyond `visible_to()`: the customer search, duplicate search, the merge preview,
the people a form offers (owners, colleagues, handover sources, who may take on work), and a
customer's cadence requirements one by one."""

import re
from collections import defaultdict
from datetime import datetime, time

from django.db.models import Case, Count, Exists, F, Max, OuterRef, Q, Value, When
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from crm_site import hooks
from teams import policy
from teams.models import User

from . import cadence, moves, normalize
from .models import Contact, Customer, FollowUp, GradingSettings, Pool
from .querysets import customer_viewers_q, pool_teams

# Input made only of digits and phone punctuation is also looked up as a phone number.
_PHONE_LIKE = re.compile(r"^\+?[\d\s\-().]+$")
MIN_PHONE_DIGITS = 4
# From this length on PostgreSQL finds a text in a name through an index (bigrams for two
# characters, trigrams beyond: crm_site/lookups.py `icontains_indexed`).
INDEXED_LENGTH = 2
# What a user picker shows of a user.
PICKER_FIELDS = ("pk", "username", "first_name", "last_name")


def name_or_phone_q(text):
    """A customer or contact whose name contains `text`, or, when `text` looks like a phone
    number of at least 4 digits, whose phone holds those digits in any format."""
    matching = Q(name__icontains_indexed=text)
    digits = normalize.phone_key(text)
    if _PHONE_LIKE.match(text) and len(digits) >= MIN_PHONE_DIGITS:
        matching |= Q(phone_key__contains=digits)
    return matching


def customer_search(customers, text):
    """`customers` (already scoped, e.g. `visible_to(user)`) whose name or a contact's name
    contains `text`, or, when `text` is a phone number or part of one (at least 4 digits),
    whose phone or a contact's phone contains its digits in any format. The customer list's
    filter, the quick log's picker and any later search call this; nothing for an empty text.
    """
    text = (text or "").strip()
    if not text:
        return customers.none()
    matching = name_or_phone_q(text)
    contacts = Contact.objects.order_by().filter(matching)
    if customers.query.where and len(text) < INDEXED_LENGTH:
        # Narrowed already (visible_to) and a text no index serves (one character): each of
        # these customers probes its contacts through the customer index.
        found = Exists(contacts.filter(customer=OuterRef("pk")))
    else:
        # Read the matching contacts once, through their name's bigram or trigram index (or
        # phone's), and hash them, instead of probing each customer's contacts: 100k
        # customers for a director (3 s → under 1 s), 20,000 for the pool list (0.3 s → ms).
        found = Q(pk__in=contacts.values("customer_id"))
    return customers.filter(matching | found)


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


# 录入查重: what a match on the create form says matched. An exact name or credit code may not
# be saved twice (validation.not_a_duplicate); the others are near matches, which a user may
# override ("save anyway", recorded on the new customer's timeline).
MATCH_NAME, MATCH_CODE = "name", "credit_code"
MATCH_SIMILAR, MATCH_PHONE, MATCH_CONTACT_PHONE = "similar_name", "phone", "contact_phone"
MATCH_LABELS = {
    MATCH_NAME: _("same name"),
    MATCH_CODE: _("same credit code"),
    MATCH_SIMILAR: _("similar name"),
    MATCH_PHONE: _("same phone"),
    MATCH_CONTACT_PHONE: _("a contact's phone"),
}
EXACT_MATCHES = frozenset({MATCH_NAME, MATCH_CODE})
# A similar name contains the typed name's key: from 3 characters (fewer match too much, and
# the trigram index needs 3).
MIN_SIMILAR_NAME = 3
DUPLICATE_LIMIT = 10


def duplicate_matches(
    *, name="", credit_code="", phones=(), exclude_pk=None, limit=DUPLICATE_LIMIT
):
    """Customers among ALL customers (not only visible ones) that may be the company being
    typed, exact matches first: `[(customer, [match keys])]`, one query (the owner and their
    team read along). Callers show only the name, owner and team of what this finds."""
    key = normalize.name_key(name)
    code = normalize.credit_code(credit_code)
    phone_keys = sorted({k for k in (normalize.phone_key(p) for p in phones) if k})
    exact = Q()
    near = Q()
    if key:
        exact |= Q(name_key=key)
        if len(key) >= MIN_SIMILAR_NAME:
            near |= Q(name__icontains=key)
    if code:
        exact |= Q(credit_code=code)
    contact_match = Exists(
        Contact.objects.filter(customer=OuterRef("pk"), phone_key__in=phone_keys)
    )
    if phone_keys:
        near |= Q(phone_key__in=phone_keys) | Q(
            pk__in=Contact.objects.filter(phone_key__in=phone_keys).values("customer_id")
        )
    if not (exact | near):
        return []
    found = Customer.objects.filter(exact | near)
    if exclude_pk:
        found = found.exclude(pk=exclude_pk)
    exact_first = Case(When(exact, then=Value(0)), default=Value(1)) if exact else Value(1)
    rows = (
        found.annotate(exact_first=exact_first, contact_match=contact_match)
        .select_related("owner", "owner__team")
        .order_by("exact_first", "name", "pk")[:limit]
    )
    matches = []
    for customer in rows:
        fields = []
        if key and customer.name_key == key:
            fields.append(MATCH_NAME)
        elif key and key in customer.name.casefold():
            fields.append(MATCH_SIMILAR)
        if code and customer.credit_code == code:
            fields.append(MATCH_CODE)
        if customer.phone_key and customer.phone_key in phone_keys:
            fields.append(MATCH_PHONE)
        if customer.contact_match:
            fields.append(MATCH_CONTACT_PHONE)
        matches.append((customer, fields or [MATCH_SIMILAR]))
    return matches


def duplicate_rows(user, matches):
    """What `user` is shown of `duplicate_matches`: the name, owner and owner's team of each,
    which fields matched, whether it may not be saved again (`exact`), and its id only when
    `user` may see it (the page links it then). One query (which of them are visible)."""
    if not matches:
        return []
    visible = set(
        Customer.objects.visible_to(user)
        .filter(pk__in=[customer.pk for customer, _fields in matches])
        .values_list("pk", flat=True)
    )
    return [
        {
            "name": customer.name,
            "owner": customer.owner.display_name if customer.owner_id else "",
            "team": customer.owner.team.name if customer.owner_id and customer.owner.team else "",
            "pk": customer.pk if customer.pk in visible else None,
            "fields": [str(MATCH_LABELS[f]) for f in fields],
            "exact": bool(EXACT_MATCHES.intersection(fields)),
        }
        for customer, fields in matches
    ]


def merge_preview(*, by, keep, merge):
    """What `customer_merge` would move, for the confirm page: the same hooks, dry."""
    return moves.merge_moves(keep=keep, merge=merge, by=by, dry_run=True)


def handover_preview(*, by, from_user, to_user, customers):
    """What `customers_handover` would move with these customers (open tasks, later apps'
    records), for its confirm step: the same hooks, dry."""
    return moves.handover_moves(
        customer_ids=[c.pk for c in customers],
        from_user=from_user,
        to_user=to_user,
        by=by,
        dry_run=True,
    )


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
    """Whom `user` may pick as a customer's owner (validation.owner: create, edit, bulk
    reassign, handover, import, the list's owner filter): the teams policy's assignable users."""
    return (
        User.objects.filter(policy.assignable_q(user))
        .order_by("first_name", "last_name", "username")
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


def colleague_choices(customer):
    """Whom a customer may be shared with (validation.colleague): the teams policy's shareable
    users, but its owner."""
    return (
        User.objects.filter(policy.shareable_q()).exclude(pk=customer.owner_id).order_by("username")
    )


def people_search(users, text, *, limit=20):
    """At most `limit` of `users` whose username or name contains `text` (李伟 and "John
    Smith" as written), by team then username (the pickers group them by team); none for an
    empty text. For the user pickers."""
    text = (text or "").strip()
    if not text:
        return users.none()
    named = users.annotate(
        family_first=Concat("last_name", "first_name"),
        given_first=Concat("first_name", Value(" "), "last_name"),
    )
    matching = (
        Q(username__icontains=text)
        | Q(family_first__icontains=text)
        | Q(given_first__icontains=text)
    )
    return (
        named.filter(matching)
        .select_related("team")
        .order_by(F("team__name").asc(nulls_last=True), "username")
        .only(*PICKER_FIELDS, "team__name")[:limit]
    )


def task_counts(tasks, today):
    """Open, overdue and due-today counts of `tasks` (already scoped), in one query: the
    numbers above a task list, refreshed in place when a task is marked done or undone."""
    return tasks.filter(done_at__isnull=True).aggregate(
        open=Count("pk"),
        overdue=Count("pk", filter=Q(due_date__lt=today)),
        today=Count("pk", filter=Q(due_date=today)),
    )


def open_tasks_with_counts(tasks, today, limit):
    """The first `limit` open tasks of `tasks` (soonest first) and their counts as
    `task_counts` gives them, in one query (the counts ride on each row as window sums)."""
    from django.db.models import Window

    def over(**condition):
        return Window(Count("pk", filter=Q(**condition) if condition else None))

    rows = list(
        tasks.filter(done_at__isnull=True)
        .annotate(
            open_count=over(),
            overdue_count=over(due_date__lt=today),
            today_count=over(due_date=today),
        )
        .order_by("due_date", "pk")[:limit]
    )
    first = rows[0] if rows else None
    counts = {
        "open": first.open_count if first else 0,
        "overdue": first.overdue_count if first else 0,
        "today": first.today_count if first else 0,
    }
    return rows, counts


def visible_pools(user):
    """The pools whose customers `user` sees (公海): all for those who see all, else their
    teams' (the same teams as `visible_to`)."""
    if policy.sees_all(user):
        return Pool.objects.all()
    teams = pool_teams(user)
    if teams is None:
        return Pool.objects.none()
    return Pool.objects.filter(teams__in=teams).distinct()


def cadence_requirements(customer, *, rules=None, today=None):
    """Each requirement of the customer's cadence (cadence.requirements) on `today`: when it
    was last met, when it is due, how overdue; one query for the follow-ups (and one for the
    rules unless given)."""
    rules = rules or GradingSettings.load()
    today = today or timezone.localdate()
    since = timezone.make_aware(datetime.combine(cadence.window_start(today), time.min))
    stats = customer.followups.aggregate(
        last_contact=Max("occurred_at"),
        last_visit=Max("occurred_at", filter=Q(method=FollowUp.Method.VISIT)),
        last_executive=Max("occurred_at", filter=Q(method=FollowUp.Method.VISIT, executive=True)),
        in_window=Count("pk", filter=Q(occurred_at__gte=since)),
    )

    def day(value):
        return timezone.localdate(value) if value else None

    return cadence.requirements(
        grade=customer.grade,
        rules=rules,
        created=timezone.localdate(customer.created_at),
        today=today,
        last_contact=day(stats["last_contact"]),
        last_visit=day(stats["last_visit"]),
        last_executive=day(stats["last_executive"]),
        contacts_in_window=stats["in_window"],
    )


def reassign_split(customers, to_user):
    """Bulk reassign's rule for which rows it skips: `(moving, skipped)`, skipped as
    `(customer, reason msgid, args)` (a customer already theirs)."""
    moving = [customer for customer in customers if customer.owner_id != to_user.pk]
    skipped = [
        (customer, gettext_noop("already belongs to %(name)s"), {"name": to_user.display_name})
        for customer in customers
        if customer.owner_id == to_user.pk
    ]
    return moving, skipped


def bulk_reassign_preview(*, by, customers, to_user):
    """What bulk reassign would do, for its confirm page: the customers that move (per old
    owner), what moves along with them (the CUSTOMER_HANDOVER hooks, dry) and the rows it
    skips with why."""
    moving, skipped = reassign_split(customers, to_user)
    per_owner = defaultdict(list)
    for customer in moving:
        per_owner[customer.owner_id].append(customer.pk)
    owners = User.objects.in_bulk([pk for pk in per_owner if pk is not None])
    along = hooks.tally(
        moved
        for owner_id, pks in per_owner.items()
        if owner_id is not None
        for moved in moves.handover_moves(
            customer_ids=pks, from_user=owners[owner_id], to_user=to_user, by=by, dry_run=True
        )
    )
    return {
        "moving": moving,
        "skipped": skipped,
        "owners": [
            {"owner": owners.get(owner_id), "count": len(pks)}
            for owner_id, pks in per_owner.items()
        ],
        "along": hooks.describe(along),
    }
