"""The audit trail of a user, as rows a person reads: who changed what, when."""

from .models import Role, Team

_HIDDEN = {"id", "date_joined", "is_superuser", "is_staff"}


def _display(field, value, team_names):
    if value in (None, ""):
        return "—"
    if field == "team":
        return team_names.get(value, value)
    if field == "role":
        return Role(value).label
    if isinstance(value, bool):
        return "✓" if value else "✗"
    return value


def user_history(user, limit=50):
    """Newest first; each row has when, who, the reason and the changed fields."""
    records = list(
        user.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    team_ids = {r.team_id for r in records if r.team_id}
    team_names = dict(Team.objects.filter(pk__in=team_ids).values_list("pk", "name"))
    rows = []
    for newer, older in zip(records, [*records[1:], None], strict=False):
        if len(rows) == limit:
            break
        changes = []
        if older is not None:
            for change in newer.diff_against(older).changes:
                if change.field in _HIDDEN:
                    continue
                label = user._meta.get_field(change.field).verbose_name
                changes.append(
                    {
                        "field": label,
                        "old": _display(change.field, change.old, team_names),
                        "new": _display(change.field, change.new, team_names),
                    }
                )
        rows.append(
            {
                "when": newer.history_date,
                "who": newer.history_user,
                "kind": newer.get_history_type_display(),
                "reason": newer.history_change_reason or "",
                "changes": changes,
            }
        )
    return rows
