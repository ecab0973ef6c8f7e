"""Audit trails (django-simple-history) as rows a person reads: who changed what, when.

A change's reason is stored untranslated (`gettext_noop`), with its arguments when it has
some (`encode_reason`), and read in the reader's language (`reason_text`)."""

import json

from django.utils.translation import gettext

from . import access
from .models import CalendarDay, Team

# simple-history's history_change_reason column holds 100 characters.
REASON_LENGTH = 100


def encode_reason(message, **args):
    """`message` (marked with gettext_noop) and its %-arguments as one stored reason."""
    if not args:
        return message
    stored = json.dumps([message, args], ensure_ascii=False)
    if len(stored) > REASON_LENGTH:
        return message.split("%(")[0].rstrip(" :(#")  # the words without the arguments
    return stored


def reason_text(stored):
    """A stored reason in the reader's language ("" for none)."""
    if not stored:
        return ""
    if stored.startswith("["):
        try:
            message, args = json.loads(stored)
            return gettext(message) % args
        except (ValueError, TypeError, KeyError):
            return stored
    return gettext(stored)


def _plain(value):
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    return value


def history_rows(obj, *, limit=50, hidden=frozenset(), display=None):
    """Newest first; each row has when, who, kind, the reason and the changed fields.

    `display(field, value)` turns a stored value into what the reader sees (ids into names).
    """
    display = display or (lambda field, value: _plain(value))
    records = list(
        obj.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    rows = []
    for newer, older in zip(records[:limit], [*records[1:], None], strict=False):
        changes = []
        if older is not None:
            for change in newer.diff_against(older).changes:
                if change.field in hidden:
                    continue
                changes.append(
                    {
                        "field": obj._meta.get_field(change.field).verbose_name,
                        "old": display(change.field, change.old),
                        "new": display(change.field, change.new),
                    }
                )
        rows.append(
            {
                "when": newer.history_date,
                "who": newer.history_user,
                "kind": newer.get_history_type_display(),
                "reason": reason_text(newer.history_change_reason),
                "changes": changes,
            }
        )
    return rows


def user_history(user, limit=50):
    team_names = dict(
        Team.objects.filter(pk__in=user.history.values("team_id")).values_list("pk", "name")
    )

    def display(field, value):
        if field == "team" and value:
            return team_names.get(value, value)
        if field == "role" and value:
            return access.role_name(value)
        return _plain(value)

    return history_rows(
        user,
        limit=limit,
        hidden={"id", "date_joined", "is_superuser", "is_staff"},
        display=display,
    )


def calendar_history(year, limit=20):
    """The latest changes to a year's calendar, deleted entries included; each row says what
    the entry was after the change (before it, for a deletion)."""
    records = (
        CalendarDay.history.filter(date__year=year)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )
    return [
        {
            "when": record.history_date,
            "who": record.history_user,
            "kind": record.get_history_type_display(),
            "reason": reason_text(record.history_change_reason),
            "date": record.date,
            "name": record.name,
            "entry_kind": CalendarDay.Kind(record.kind).label,
        }
        for record in records
    ]
