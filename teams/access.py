"""Roles × capabilities as data: what each role may do, read by every app's predicates.

- A capability is declared by the app it belongs to (`hooks.CAPABILITIES`, a
  `hooks.Capability`); `declared()` lists them. An absent app declares nothing, so nothing of
  it can be granted, and a grant left in the table for it is ignored.
- A role is a `RoleRecord` (the eight built-in ones of teams/roles.py, and the custom ones admins
  copy from them); its grants are `RoleGrant` rows. `sync()` (a migration and post_migrate)
  creates the built-in roles and gives a capability seen for the first time to the built-in
  roles of its `default`, so the built-in roles do exactly what the old role groupings let
  them do until an admin changes them.
- `has_capability(user, capability)` reads the user's role's grants from a table every process
  keeps, keyed by a version token in the Django cache: `RoleAccessMiddleware` compares the
  token once at the start of each request (one cache read), and a change (`roles_changed()`)
  gives a new token, so every user's next request uses it, in every process, with no restart.
  Loading the table is one query; an unchanged table costs none.
- `base_role(user)`: the built-in role a custom role was copied from (itself for a built-in
  one). Where a role sits in the organisation (whose records it sees, whether it may own
  customers, which approval step is its) follows the base role: `roles.has_role` asks it.
"""

import logging
import time
import uuid
from dataclasses import dataclass
from typing import NamedTuple

from django.core.cache import cache
from django.db import transaction
from django.utils import translation

from crm_site import hooks

from .roles import Role

logger = logging.getLogger(__name__)

VERSION_KEY = "teams:roles:version"
# Outside a request (Celery tasks, commands) a process compares versions at most this often.
RECHECK_SECONDS = 2


def declared():
    """Every capability the installed apps declare, by key, in the apps' order."""
    found = {}
    for fn in hooks.get(hooks.CAPABILITIES):
        for capability in fn():
            found[capability.key] = capability
    return found


def areas():
    """[(area, area label, [capabilities])] in the apps' order: the roles page's column groups."""
    grouped = {}
    for capability in declared().values():
        grouped.setdefault(capability.area, (capability.area_label, []))[1].append(capability)
    return [(area, label, caps) for area, (label, caps) in grouped.items()]


def dependants(key):
    """The keys that need `key`, directly or through another: removing it removes them."""
    caps = declared()
    found, todo = set(), [key]
    while todo:
        current = todo.pop()
        for capability in caps.values():
            if current in capability.requires and capability.key not in found:
                found.add(capability.key)
                todo.append(capability.key)
    return found


def requirements(key):
    """The keys `key` needs, directly or through another: granting it grants them."""
    caps = declared()
    found, todo = set(), [key]
    while todo:
        capability = caps.get(todo.pop())
        for needed in capability.requires if capability else ():
            if needed not in found:
                found.add(needed)
                todo.append(needed)
    return found


@dataclass(frozen=True)
class RoleEntry:
    key: str
    base: str
    name_zh: str
    name_en: str
    builtin: bool
    active: bool
    capabilities: frozenset
    scope: str = ""  # RoleRecord.Scope; blank: as the base role

    @property
    def name(self):
        if self.builtin and self.key in Role.values:
            return str(Role(self.key).label)
        if (translation.get_language() or "").startswith("zh"):
            return self.name_zh
        return self.name_en


def load():
    """The roles and their grants as stored now: {key: RoleEntry}, one query."""
    from .models import RoleRecord

    rows = RoleRecord.objects.values_list(
        "key", "base", "name_zh", "name_en", "builtin", "active", "data_scope", "grants__capability"
    ).order_by("pk")
    collected = {}
    for key, base, name_zh, name_en, builtin, active, scope, capability in rows:
        entry = collected.setdefault(key, [base, name_zh, name_en, builtin, active, scope, set()])
        if capability:
            entry[6].add(capability)
    return {
        key: RoleEntry(key, base, name_zh, name_en, builtin, active, frozenset(caps), scope)
        for key, (base, name_zh, name_en, builtin, active, scope, caps) in collected.items()
    }


class _Loaded(NamedTuple):
    version: str | None
    table: dict
    checked: float


_loaded = None


def _version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def table(*, recheck=RECHECK_SECONDS):
    """{role key: RoleEntry} in force; read from the database only when it changed."""
    global _loaded
    loaded = _loaded
    now = time.monotonic()
    if loaded is not None and now - loaded.checked < recheck:
        return loaded.table
    try:
        version = _version()
    except Exception:  # noqa: BLE001 - a cache outage must not stop every page
        logger.warning("access: the cache is unavailable; serving this process's roles")
        if loaded is not None:
            return loaded.table
        version = None
    if loaded is not None and version is not None and loaded.version == version:
        _loaded = loaded._replace(checked=now)
        return loaded.table
    current = load()
    _loaded = _Loaded(version, current, now)
    return current


def refresh():
    """At the start of a request: compare the version now (one cache read)."""
    table(recheck=0)


def _new_version():
    global _loaded
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    _loaded = None


def roles_changed():
    """Every process reads the roles again: this one at once, and every process once the
    transaction commits (the rows it then reads are the committed ones)."""
    _new_version()
    transaction.on_commit(_new_version)


def snapshot():
    """For tests: the process's copy and the version as they are now (see `restore`)."""
    return _loaded


def restore(state):
    """For tests: put back a `snapshot()` (the database rolls back, the cache does not)."""
    global _loaded
    if state is None:
        _loaded = None
        cache.delete(VERSION_KEY)
        return
    _loaded = state
    cache.set(VERSION_KEY, state.version, timeout=None)


class RoleAccessMiddleware:
    """Each request reads the roles as they are when it starts."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refresh()
        return self.get_response(request)


# --- questions the apps ask -------------------------------------------------------------------


def entry(key):
    return table().get(key)


def role_name(key):
    found = entry(key)
    if found is not None:
        return found.name
    return str(Role(key).label) if key in Role.values else key


def base_of(key):
    """The built-in role `key` was copied from (itself for a built-in role)."""
    found = entry(key)
    return found.base if found is not None else key


def base_role(user):
    return base_of(user.role)


def keys_based_on(role_set):
    """Every role key whose base is in `role_set` (a grouping of teams/roles.py): for queries
    such as `User.objects.filter(role__in=...)`."""
    keys = {key for key, found in table().items() if found.base in role_set}
    return frozenset(keys | set(role_set))


def scope_of(key):
    """The data scope a role sets instead of its base role's ("" for none: as the base)."""
    found = entry(key)
    return found.scope if found is not None else ""


def keys_with_scope(scope, role_set):
    """The role keys that see as `scope`: those that set it, and those that set none and whose
    base role is in `role_set` (the grouping that gave the built-in roles that reach)."""
    return frozenset(
        key
        for key, found in table().items()
        if found.scope == scope or (not found.scope and found.base in role_set)
    ) | (frozenset(role_set) - table().keys())


def capabilities_of(key):
    """The capabilities the role `key` holds that an installed app declares."""
    found = entry(key)
    if found is None or not found.active:
        return frozenset()
    return found.capabilities & declared().keys()


def has_capability(user, capability):
    """True when `user` is active and their role holds `capability` (a hooks.Capability or its
    key); superusers hold every capability."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    key = capability if isinstance(capability, str) else capability.key
    found = entry(user.role)
    return found is not None and found.active and key in found.capabilities


def role_choices(*, include=None):
    """(key, name) of the active roles, for forms; `include` keeps a user's inactive role."""
    return [(key, found.name) for key, found in table().items() if found.active or key == include]


# --- seeding -------------------------------------------------------------------------------


def sync(apps=None):
    """Create the built-in roles that are missing and give every capability seen for the first
    time to the built-in roles of its `default`. Idempotent; run by a migration and after
    every migrate (and so after a test database is flushed)."""
    if apps is None:
        from django.apps import apps
    record_model = apps.get_model("teams", "RoleRecord")
    grant_model = apps.get_model("teams", "RoleGrant")
    known_model = apps.get_model("teams", "KnownCapability")
    records = {r.key: r for r in record_model.objects.all()}
    for role in Role:
        if role.value in records:
            continue
        with translation.override("zh-hans"):
            name_zh = str(role.label)
        with translation.override("en"):
            name_en = str(role.label)
        records[role.value] = record_model.objects.create(
            key=role.value, name_zh=name_zh, name_en=name_en, base=role.value, builtin=True
        )
    known = set(known_model.objects.values_list("key", flat=True))
    new = [capability for key, capability in declared().items() if key not in known]
    grants = [
        grant_model(role=records[role], capability=capability.key)
        for capability in new
        for role in capability.default
        if role in records
    ]
    grant_model.objects.bulk_create(grants, ignore_conflicts=True)
    known_model.objects.bulk_create([known_model(key=c.key) for c in new], ignore_conflicts=True)
    _new_version()
