"""Every write to users, teams and the working-day calendar that matters."""

from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from simple_history.utils import update_change_reason

from crm_site.errors import DomainError

from . import permissions, policy, validation, workdays
from .models import CalendarDay, Team, User


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


def _end_sessions(user):
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()


@transaction.atomic
def user_create(*, by, username, password, role, team=None, **fields):
    _require_admin(by)
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
