"""Every write to users, teams and the working-day calendar that matters."""

from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from simple_history.utils import update_change_reason

from crm_site.errors import DomainError

from . import access, permissions, policy, roles, validation, workdays
from .models import CalendarDay, RoleChange, RoleGrant, RoleRecord, Team, User


class TeamsError(DomainError):
    """A rule of users and teams was broken; the message is for the user."""


# Change reasons are stored untranslated and translated when shown.


def _require_admin(by):
    if not by.has_perm("teams.manage_users"):
        raise PermissionDenied


def _require_change(by, user):
    # Called on the locked row, so a user made staff since the page loaded is protected too.
    if not permissions.can_change_user(by, user):
        raise PermissionDenied


def _sync_group(user):
    # The role's Group carries the model permissions; a user has exactly one role.
    user.groups.set([Group.objects.get_or_create(name=user.role)[0]])


def _require_role(key, *, current=None):
    """A user's role is an active role record (their current one may stay, even inactive)."""
    entry = access.table().get(key)
    if key != current and (entry is None or not entry.active):
        raise TeamsError(_("Choose an active role."))


def _end_sessions(user):
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()


@transaction.atomic
def user_create(*, by, username, password, role, team=None, **fields):
    _require_admin(by)
    _require_role(role)
    user = User(username=username, role=role, team=team, **fields)
    # A new staff user or superuser is a protected account: only a superuser creates one.
    _require_change(by, user)
    user.set_password(password)
    user._change_reason = gettext_noop("Created")
    user.save()
    _sync_group(user)
    return user


@transaction.atomic
def user_update(*, by, user, **fields):
    _require_admin(by)
    user = User.objects.select_for_update().get(pk=user.pk)
    _require_change(by, user)
    if "role" in fields:
        _require_role(fields["role"], current=user.role)
        refuse_losing_last_admin(user, role=fields["role"])
    for name, value in fields.items():
        setattr(user, name, value)
    # Checked again after the change: granting the staff or superuser flag (to anyone, the
    # admin included) is a superuser's act.
    _require_change(by, user)
    user.save()
    _sync_group(user)
    return user


@transaction.atomic
def user_deactivate(*, by, user):
    """Deactivated users cannot log in; everything they own stays."""
    _require_admin(by)
    if user.pk == by.pk:
        raise TeamsError(_("You cannot deactivate your own account."))
    user = User.objects.select_for_update().get(pk=user.pk)
    _require_change(by, user)
    if not user.is_active:
        raise TeamsError(_("This user is already deactivated."))
    refuse_losing_last_admin(user, active=False)
    user.is_active = False
    user._change_reason = gettext_noop("Deactivated")
    user.save(update_fields=["is_active"])
    _end_sessions(user)
    return user


@transaction.atomic
def user_reactivate(*, by, user):
    _require_admin(by)
    user = User.objects.select_for_update().get(pk=user.pk)
    _require_change(by, user)
    if user.is_active:
        raise TeamsError(_("This user is already active."))
    user.is_active = True
    user._change_reason = gettext_noop("Reactivated")
    user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def user_reset_password(*, by, user, password):
    _require_admin(by)
    user = User.objects.select_for_update().get(pk=user.pk)
    _require_change(by, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    # The password itself is not in the history; the row says it was reset, and by whom.
    update_change_reason(user, gettext_noop("Password reset"))
    _end_sessions(user)
    return user


def _check_parent(team, parent):
    if policy.would_create_cycle(team, parent):
        raise TeamsError(_("A team cannot be placed under itself or one of its own sub-teams."))


@transaction.atomic
def team_create(*, by, name, kind, parent=None, manager=None):
    if not by.has_perm("teams.manage_teams"):
        raise PermissionDenied
    return Team.objects.create(name=name, kind=kind, parent=parent, manager=manager)


@transaction.atomic
def team_update(*, by, team, **fields):
    if not by.has_perm("teams.manage_teams"):
        raise PermissionDenied
    team = Team.objects.select_for_update().get(pk=team.pk)
    if "parent" in fields:
        _check_parent(team, fields["parent"])
    for name, value in fields.items():
        setattr(team, name, value)
    team.save()
    return team


def sessions_clear_expired():
    """Delete expired sessions; returns how many were removed."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


# The working-day calendar. Every change gives `teams.workdays` a new version on commit.


def _require_settings_admin(by):
    if not by.has_perm("teams.manage_settings"):
        raise PermissionDenied


def _check(days, kind, *, exclude_pk=None):
    try:
        validation.check_calendar_days(days, kind, exclude_pk=exclude_pk)
    except ValidationError as error:
        raise TeamsError(" ".join(error.messages)) from error


@transaction.atomic
def calendar_days_add(*, by, first, last=None, kind, name, note=""):
    """List each day from `first` through `last` (or `first` alone) as `kind`."""
    _require_settings_admin(by)
    try:
        days = validation.check_range(first, last or first)
    except ValidationError as error:
        raise TeamsError(" ".join(error.messages)) from error
    _check(days, kind)
    rows = []
    try:
        # A savepoint: another admin adding the same date at the same moment loses cleanly.
        with transaction.atomic():
            for day in days:
                row = CalendarDay(date=day, kind=kind, name=name, note=note)
                row._history_user = by
                row.save()
                rows.append(row)
    except IntegrityError as error:
        raise TeamsError(_("Someone listed one of these dates a moment ago.")) from error
    workdays.calendar_changed()
    return rows


def _locked_day(day):
    try:
        return CalendarDay.objects.select_for_update().get(pk=day.pk)
    except CalendarDay.DoesNotExist as error:
        raise TeamsError(_("This entry was deleted a moment ago.")) from error


@transaction.atomic
def calendar_day_update(*, by, day, **fields):
    _require_settings_admin(by)
    day = _locked_day(day)
    for name, value in fields.items():
        setattr(day, name, value)
    _check([day.date], day.kind, exclude_pk=day.pk)
    day._history_user = by
    try:
        with transaction.atomic():
            day.save()
    except IntegrityError as error:
        raise TeamsError(_("Someone listed this date a moment ago.")) from error
    workdays.calendar_changed()
    return day


@transaction.atomic
def calendar_day_delete(*, by, day):
    _require_settings_admin(by)
    day = _locked_day(day)
    day._history_user = by
    day.delete()
    workdays.calendar_changed()


# --- roles and their capabilities (the roles page; teams.access) ---------------------------


def _require_roles_admin(by):
    if not by.has_perm("teams.manage_roles"):
        raise PermissionDenied


def _role_admins(table):
    """The active users whose role lets them manage roles (superusers aside)."""
    keys = [key for key, e in table.items() if e.active and ROLES_KEY in e.capabilities]
    return User.objects.filter(is_active=True, is_superuser=False, role__in=keys)


ROLES_KEY = "administration.roles"


def _refuse_losing_last_admin(before, after, *, message):
    """`before` and `after` are {role key: RoleEntry-like with .capabilities/.active}: refuse a
    change that leaves no active user able to manage roles while one could."""
    if _role_admins(before).exists() and not _role_admins(after).exists():
        raise TeamsError(message)


class _Entry:
    def __init__(self, active, capabilities):
        self.active = active
        self.capabilities = frozenset(capabilities)


def _current(records):
    grants = {}
    for role_id, capability in RoleGrant.objects.filter(role__in=records).values_list(
        "role_id", "capability"
    ):
        grants.setdefault(role_id, set()).add(capability)
    return {r.key: _Entry(r.active, grants.get(r.pk, set())) for r in records}


@transaction.atomic
def role_grants_save(*, by, wanted):
    """Save the roles page: `wanted` is {role key: set of capability keys} for the roles the
    page showed. One transaction; each change is recorded (RoleChange). Removing a capability
    removes those that need it, granting one grants what it needs; both are said in the
    returned messages. Refused (nothing saved): a capability no installed app declares, a
    change leaving no active user who may manage roles."""
    _require_roles_admin(by)
    declared = access.declared()
    records = list(RoleRecord.objects.select_for_update().filter(key__in=wanted).order_by("pk"))
    if len(records) != len(wanted):
        raise TeamsError(_("A role on the page no longer exists; reload the page."))
    before = _current(list(RoleRecord.objects.all()))
    notes, changes, after = [], [], dict(before)
    for record in records:
        held = before[record.key].capabilities
        unknown = set(wanted[record.key]) - declared.keys()
        if unknown:
            raise TeamsError(
                _("These capabilities belong to no installed app and cannot be granted: %s")
                % ", ".join(sorted(unknown))
            )
        target = set(wanted[record.key])
        # Removing a capability takes what depends on it along (view → edit, export…).
        for key in held - target:
            dropped = access.dependants(key) & target
            if dropped:
                target -= dropped
                notes.append(
                    _("%(role)s: without “%(what)s”, also removed: %(also)s.")
                    % {
                        "role": access.role_name(record.key),
                        "what": declared[key].label,
                        "also": "、".join(str(declared[k].label) for k in sorted(dropped)),
                    }
                )
        for key in target - held:
            needed = access.requirements(key) - target
            if needed:
                target |= needed
                notes.append(
                    _("%(role)s: “%(what)s” needs, so also granted: %(also)s.")
                    % {
                        "role": access.role_name(record.key),
                        "what": declared[key].label,
                        "also": "、".join(str(declared[k].label) for k in sorted(needed)),
                    }
                )
        # Grants of an absent app's capabilities stay as they are (not shown, not changed).
        kept = held - declared.keys()
        after[record.key] = _Entry(record.active, target | kept)
        for key in sorted(target - held):
            changes.append((record, key, True))
        for key in sorted((held - target) & declared.keys()):
            changes.append((record, key, False))
    _refuse_losing_last_admin(
        before,
        after,
        message=_("No active user could manage roles any more: keep “%(what)s” for an admin role.")
        % {"what": declared[ROLES_KEY].label},
    )
    for record, key, granted in changes:
        if granted:
            RoleGrant.objects.create(role=record, capability=key)
        else:
            RoleGrant.objects.filter(role=record, capability=key).delete()
    RoleChange.objects.bulk_create(
        RoleChange(role=record, capability=key, granted=granted, by=by)
        for record, key, granted in changes
    )
    if changes:
        access.roles_changed()
    return changes, notes


def _refuse_duplicate_name(name_zh, name_en, *, exclude=None):
    taken = RoleRecord.objects.filter(
        Q(name_zh__iexact=name_zh.strip()) | Q(name_en__iexact=name_en.strip())
    )
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise TeamsError(_("A role with this name already exists."))


def _new_key():
    number = RoleRecord.objects.filter(builtin=False).count() + 1
    while RoleRecord.objects.filter(key=f"custom_{number}").exists():
        number += 1
    return f"custom_{number}"


@transaction.atomic
def role_copy(*, by, source, name_zh, name_en):
    """A custom role: a copy of `source`'s capabilities, in its place in the organisation."""
    _require_roles_admin(by)
    name_zh, name_en = name_zh.strip(), name_en.strip()
    if not name_zh or not name_en:
        raise TeamsError(_("Give the role a name in both languages."))
    _refuse_duplicate_name(name_zh, name_en)
    role = RoleRecord.objects.create(
        key=_new_key(),
        name_zh=name_zh,
        name_en=name_en,
        base=source.base,
        data_scope=source.data_scope,
        builtin=False,
        copied_from=source,
    )
    RoleGrant.objects.bulk_create(
        RoleGrant(role=role, capability=key)
        for key in source.grants.values_list("capability", flat=True)
    )
    RoleChange.objects.create(
        role=role, capability="", granted=True, by=by, note=gettext_noop("Created as a copy")
    )
    access.roles_changed()
    return role


@transaction.atomic
def role_rename(*, by, role, name_zh, name_en):
    _require_roles_admin(by)
    role = RoleRecord.objects.select_for_update().get(pk=role.pk)
    if role.builtin:
        raise TeamsError(_("A built-in role keeps its name."))
    name_zh, name_en = name_zh.strip(), name_en.strip()
    if not name_zh or not name_en:
        raise TeamsError(_("Give the role a name in both languages."))
    _refuse_duplicate_name(name_zh, name_en, exclude=role)
    role.name_zh, role.name_en = name_zh, name_en
    role.save(update_fields=["name_zh", "name_en"])
    RoleChange.objects.create(
        role=role, capability="", granted=True, by=by, note=gettext_noop("Renamed")
    )
    access.roles_changed()
    return role


@transaction.atomic
def role_set_active(*, by, role, active):
    """Deactivate a custom role no active user holds, or activate it again. Built-in roles are
    never deactivated (nor deleted)."""
    _require_roles_admin(by)
    role = RoleRecord.objects.select_for_update().get(pk=role.pk)
    if role.builtin and not active:
        raise TeamsError(_("A built-in role cannot be deactivated."))
    if not active and User.objects.filter(role=role.key, is_active=True).exists():
        raise TeamsError(_("Active users hold this role: give them another role first."))
    if role.active == active:
        return role
    role.active = active
    role.save(update_fields=["active"])
    RoleChange.objects.create(
        role=role,
        capability="",
        granted=active,
        by=by,
        note=gettext_noop("Activated") if active else gettext_noop("Deactivated"),
    )
    access.roles_changed()
    return role


def refuse_losing_last_admin(user, *, role=None, active=True):
    """Before `user`'s role or activity changes: refuse when they are the last active user who
    may manage roles and would no longer be."""
    table = access.table()
    entry = table.get(user.role)
    if entry is None or not entry.active or ROLES_KEY not in entry.capabilities:
        return
    new = table.get(role or user.role)
    if active and new is not None and new.active and ROLES_KEY in new.capabilities:
        return
    others = _role_admins(table).exclude(pk=user.pk)
    if not user.is_superuser and user.is_active and not others.exists():
        raise TeamsError(_("This is the last active user who may manage roles: keep them so."))


@transaction.atomic
def role_set_scope(*, by, role, scope):
    """The sales records a role sees (RoleRecord.Scope; blank: as its base role). Only the
    sales side has one: legal, delivery and after-sales see what their assignments give them."""
    _require_roles_admin(by)
    role = RoleRecord.objects.select_for_update().get(pk=role.pk)
    if scope not in RoleRecord.Scope.values:
        raise TeamsError(_("Choose one of the data scopes offered."))
    if scope and role.base not in roles.SALES_ROLES:
        raise TeamsError(
            _("%(role)s sees what its assignments give it: it has no data scope to set.")
            % {"role": access.role_name(role.key)}
        )
    if role.data_scope == scope:
        return role
    role.data_scope = scope
    role.save(update_fields=["data_scope"])
    RoleChange.objects.create(role=role, capability=f"scope:{scope}", granted=True, by=by)
    access.roles_changed()
    return role
