"""Who may see whose records: the one visibility policy of the CRM.

Every app's `visible_to(user)` QuerySet method builds its filter here, so the rule lives in
one place:

- director, general manager, admin (and superusers) see everything;
- a sales manager sees the records owned by anyone in their team's subtree (their team and
  every team below it), their own included;
- a sales rep sees the records they own, plus what a caller adds as shared with them;
- legal, delivery and after-sales own no sales records; the apps that give them a reason to
  see some (a contract to approve, a project to deliver) pass it in as `extra`. A later app's
  assignments (a delivery team on a contract) reach the earlier apps' `visible_to` through the
  `ASSIGNED_SIGHT` hook: `assigned_extra(user, kind)`.

A custom role (teams.access) reaches as the built-in role it was copied from, unless the roles
page gives it a data scope of its own (`RoleRecord.data_scope`: own, team subtree, all), which
`reach` and `viewers_q` read.

Whom a record may be handed to or shared with: `assignable_q(user)`, `shareable_q()`.

Who decides for an owner (a quote review, a stage skip, an extension, a contract's first
step) is here too: `approver_for(owner)`, and `approves_for_q(user)` for the queues.
"""

import enum

from django.db.models import Q

from crm_site import lookups  # noqa: F401 - registers `__any_of`

from . import access, roles


class Reach(enum.Enum):
    ALL = "all"
    SUBTREE = "subtree"
    OWN = "own"
    NONE = "none"


_NOTHING = Q(pk__in=[])


def reach(user):
    if not user.is_authenticated or not user.is_active:
        return Reach.NONE
    # A role's data scope (the roles page), else as the built-in role it was copied from.
    scope = access.scope_of(user.role)
    if scope and not user.is_superuser:
        if scope == Reach.SUBTREE.value and not user.team_id:
            return Reach.OWN
        return Reach(scope)
    role = access.base_role(user)
    if user.is_superuser or role in roles.SEES_ALL:
        return Reach.ALL
    if role in roles.LEADS_TEAM and user.team_id:
        return Reach.SUBTREE
    if role in roles.SELLS:
        return Reach.OWN
    return Reach.NONE


def sees_all(user):
    return reach(user) is Reach.ALL


def team_subtree_ids(team_id):
    """Ids of the team and of every team below it (one query over the team table)."""
    from .models import Team

    children = {}
    for pk, parent_id in Team.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, stack = [], [team_id]
    while stack:
        pk = stack.pop()
        found.append(pk)
        stack.extend(children.get(pk, ()))
    return found


def _subtree(user):
    # Cached on the user object: one request asks several querysets and predicates.
    cached = getattr(user, "_policy_subtree", None)
    if cached is None:
        cached = team_subtree_ids(user.team_id)
        user._policy_subtree = cached
    return cached


def reaches_owner(user, owner):
    """True when `user` may see records owned by `owner` (owned_q for one owner)."""
    level = reach(user)
    if level is Reach.ALL:
        return True
    if owner is None or level is Reach.NONE:
        return False
    if owner.pk == user.pk:
        return True
    return level is Reach.SUBTREE and owner.team_id in _subtree(user)


def _team_members(user):
    """The ids of the users of `user`'s team subtree, and `user`, as a subquery."""
    from .models import User

    members = Q(team_id__in=_subtree(user)) | Q(pk=user.pk)
    return User.objects.filter(members).order_by().values("pk")


def owned_q(user, owner_field="owner", extra=None):
    """The filter for records owned through `owner_field` that `user` may see."""
    level = reach(user)
    if level is Reach.ALL:
        return Q()
    if level is Reach.SUBTREE:
        # The owners' ids (an InitPlan), probed through the records' owner index: a filter on
        # the owner's team joined every record to its owner (a manager's list: ~1 s at 100k).
        q = Q(**{f"{owner_field}__any_of": _team_members(user)})
    elif level is Reach.OWN:
        q = Q(**{owner_field: user})
    else:
        q = _NOTHING
    return q | extra if extra is not None else q


def assigned_extra(user, kind):
    """The ids of the records of `kind` ("customer", "contract") that later apps' assignments
    let `user` see (crm_site/hooks.py `ASSIGNED_SIGHT`): a list of lazy one-column querysets
    that `visible_to` adds to its union as the `extra` sight. Empty for who sees all."""
    from crm_site import hooks

    level = reach(user)
    if level is Reach.ALL or not user.is_authenticated or not user.is_active:
        return []
    found = []
    for fn in hooks.get(hooks.ASSIGNED_SIGHT):
        rows = fn(user=user, kind=kind)
        if rows is None:
            continue
        found.extend(rows if isinstance(rows, list | tuple) else [rows])
    return found


def users_q(user):
    level = reach(user)
    if level is Reach.ALL:
        return Q()
    if level is Reach.SUBTREE:
        return Q(team_id__in=_subtree(user)) | Q(pk=user.pk)
    if user.is_authenticated:
        return Q(pk=user.pk)
    return _NOTHING


def assignable_q(user):
    """The users `user` may hand sales records to: active sales owners (`roles.OWNER_ROLES`)
    within their reach (`users_q`: themselves for a rep, their teams for a manager, everyone
    for who sees all). The owner pickers search these."""
    return users_q(user) & Q(is_active=True, role__in=access.keys_based_on(roles.OWNER_ROLES))


def shareable_q():
    """The users a record may be shared with (协作人): active reps and managers of any team."""
    return Q(is_active=True, role__in=access.keys_based_on(roles.SHARE_ROLES))


def teams_q(user):
    level = reach(user)
    if level is Reach.ALL:
        return Q()
    if level is Reach.SUBTREE:
        return Q(pk__in=_subtree(user))
    if user.is_authenticated and user.team_id:
        return Q(pk=user.team_id)
    return _NOTHING


def would_create_cycle(team, new_parent):
    """True when `new_parent` is the team itself or one of its descendants."""
    if new_parent is None or team.pk is None:
        return False
    return new_parent.pk in team_subtree_ids(team.pk)


def viewers_q(owner, extra=None):
    """The active users who may see a record owned by `owner` (the reverse of owned_q).

    Everyone who sees all, the owner, and the sales managers of the owner's team or of any
    team above it; `extra` adds the users a caller shares the record with.
    """
    from .models import Team

    parents = dict(Team.objects.values_list("pk", "parent_id"))
    ancestors, team_id = [], owner.team_id
    while team_id is not None and team_id not in ancestors:
        ancestors.append(team_id)
        team_id = parents.get(team_id)
    q = (
        Q(is_superuser=True)
        | Q(role__in=access.keys_with_scope(Reach.ALL.value, roles.SEES_ALL))
        | Q(pk=owner.pk)
        | Q(
            role__in=access.keys_with_scope(Reach.SUBTREE.value, roles.LEADS_TEAM),
            team_id__in=ancestors,
        )
    )
    if extra is not None:
        q |= extra
    return q & Q(is_active=True)


# --- who decides for an owner ------------------------------------------------------------------


def _team_table():
    """{team id: (parent id, the id of its manager if active, else None)} in one query."""
    from .models import Team

    return {
        pk: (parent_id, manager_id if manager_active else None)
        for pk, parent_id, manager_id, manager_active in Team.objects.values_list(
            "pk", "parent_id", "manager_id", "manager__is_active"
        )
    }


def _managers_up(team_id, table):
    """The active managers from `team_id` up to the root, nearest first, each once."""
    found, seen = [], set()
    while team_id is not None and team_id not in seen:
        seen.add(team_id)
        parent_id, manager_id = table.get(team_id, (None, None))
        if manager_id is not None and manager_id not in found:
            found.append(manager_id)
        team_id = parent_id
    return found


def approver_for(owner):
    """The manager who decides for `owner`: the active manager (Team.manager) of the owner's
    team, else of the next team up that has one; never the owner themself. None when no team
    up the tree has another manager. Two queries."""
    from .models import User

    if owner is None or owner.team_id is None:
        return None
    for manager_id in _managers_up(owner.team_id, _team_table()):
        if manager_id != owner.pk:
            return User.objects.filter(pk=manager_id).first()
    return None


def approves_for_q(user, owner_field="owner"):
    """The filter for records whose owner's approver (`approver_for`) is `user`: the queue of
    what waits for them. `owner_field` is the path to the owner (None: users themselves).
    One query over the team table."""
    if not user.is_authenticated or not user.is_active:
        return _NOTHING
    team = f"{owner_field}__team_id" if owner_field else "team_id"
    owner = owner_field or "pk"
    whole_teams, their_managers = [], _NOTHING
    for team_id in (table := _team_table()):
        managers = _managers_up(team_id, table)
        if managers[:1] == [user.pk]:
            whole_teams.append(team_id)  # everyone in it but `user`
        elif managers[1:2] == [user.pk]:
            # The team's own manager, owning a record, is decided for by the next one up.
            their_managers |= Q(**{team: team_id, owner: managers[0]})
    return (Q(**{f"{team}__in": whole_teams}) & ~Q(**{owner: user.pk})) | their_managers
