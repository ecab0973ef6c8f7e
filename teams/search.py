"""The navbar's global search: one box that asks every app's GLOBAL_SEARCH hook (customers,
contacts, opportunities, contracts…) for what the user may see, grouped by kind."""

from django.db.models.functions import Length

from crm_site import hooks

MIN_LENGTH = 2
MAX_LENGTH = 60
PER_KIND = 5
# How many matches of a kind are ranked; beyond it, "see all" leads to the list.
RANK_POOL = 200


def clean(text):
    return " ".join((text or "").split())[:MAX_LENGTH]


def search(user, text, *, limit=PER_KIND):
    """The groups that found something, in the hooks' order; nothing for under 2 characters."""
    text = clean(text)
    if len(text) < MIN_LENGTH:
        return []
    groups = (
        provider(user=user, text=text, limit=limit) for provider in hooks.get(hooks.GLOBAL_SEARCH)
    )
    return [group for group in groups if group is not None and group.hits]


def ranked(matches, field="name"):
    """The best of `matches` first: shortest `field` (the closest match), then by `field`.

    The matches are cut to a pool before sorting: sorted as a whole, PostgreSQL walks the
    name index filtering every row (0.3 s for a rare name at 100k customers); a pool lets a
    rare name come from the trigram index and a common one stop after the pool is found."""
    pool = matches.order_by().values("pk")[:RANK_POOL]
    return matches.model._default_manager.filter(pk__in=pool).order_by(Length(field), field, "pk")
