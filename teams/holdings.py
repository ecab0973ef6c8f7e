"""What a user still owns, read from the apps that own records (USER_HOLDINGS hooks): the
user list flags an inactive user who still owns records, and deactivating someone who owns
some offers the handover first. Each hook gives a SELECT-list subquery, so a page of users
costs no extra query whatever the number of users or hooks."""

from django.urls import reverse
from django.utils.translation import gettext

from crm_site import hooks


def holdings_for(by):
    """The USER_HOLDINGS of the apps, as `by` sees them."""
    return [h for h in (fn(user=by) for fn in hooks.get(hooks.USER_HOLDINGS)) if h is not None]


def annotate(users, holdings):
    """`users` with `holding_<key>` (a count) for each holding."""
    return users.annotate(**{f"holding_{h.key}": h.count for h in holdings})


def held(member, holdings):
    """What an annotated `member` owns: `[{"label", "count", "handover_url"}]`, the non-zero
    kinds only, in the reader's language."""
    rows = []
    for holding in holdings:
        count = getattr(member, f"holding_{holding.key}", 0) or 0
        if count:
            url = ""
            if holding.handover_url_name:
                url = f"{reverse(holding.handover_url_name)}?from={member.pk}&deactivate=1"
            rows.append({"label": gettext(holding.label), "count": count, "handover_url": url})
    return rows


def mark(members, holdings):
    """Each annotated member of `members` gets `.held` (see `held`); returns the list."""
    members = list(members)
    for member in members:
        member.held = held(member, holdings)
    return members
