"""What the services share: reading an opportunity again under its lock, and the stage a
move or request names (a Stage or its id, as a kanban posts it)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from ..errors import OpportunityError
from ..models import Opportunity, Stage


def pk_of(value):
    """The primary key of a model instance, or the value itself (an id)."""
    return getattr(value, "pk", value)


def lock_opportunity(opportunity, by):
    """The opportunity locked and read again; one `by` may not see is PermissionDenied (the
    views have answered 404 already)."""
    locked = (
        Opportunity.objects.select_for_update(of=("self",))
        .select_related("stage", "owner", "customer")
        .filter(pk=pk_of(opportunity))
        .first()
    )
    if locked is None:
        raise OpportunityError(_("This opportunity no longer exists."))
    if not Opportunity.objects.visible_to(by).filter(pk=locked.pk).exists():
        raise PermissionDenied
    return locked


def stage_named(to_stage):
    """The stage, active; OpportunityError for one that does not exist or is inactive."""
    stage = Stage.objects.filter(pk=pk_of(to_stage)).first() if pk_of(to_stage) else None
    if stage is None:
        raise OpportunityError(_("This stage does not exist (any more)."))
    if not stage.is_active:
        raise OpportunityError(
            _("The stage “%(stage)s” is no longer in use.") % {"stage": stage.name}
        )
    return stage
