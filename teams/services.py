"""Every write to users and teams that matters."""

from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from simple_history.utils import update_change_reason

from . import policy
from .models import Team, User


class TeamsError(Exception):
    """A rule of users and teams was broken; the message is for the user."""


# Change reasons are stored untranslated and translated when shown.


def _require_admin(by):
    if not by.has_perm("teams.manage_users"):
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
    user.set_password(password)
    user._change_reason = gettext_noop("Created")
    user.save()
    _sync_group(user)
    return user


@transaction.atomic
def user_update(*, by, user, **fields):
    _require_admin(by)
    user = User.objects.select_for_update().get(pk=user.pk)
    for name, value in fields.items():
        setattr(user, name, value)
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
