"""Scorecard weights (the director; all saved together or none) and teamwork ratings (the
rep's manager)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from opportunities.validation import to_decimal

from .. import permissions, validation
from ..errors import InvalidInput, NotAllowed
from ..models import ScorecardWeight, TeamworkRating


def weights_set(*, by, values):
    """`values`: {metric: weight in percent} for every metric, summing to 100."""
    if not permissions.can_set_weights(by):
        raise NotAllowed(_("Only the sales director sets the scorecard weights."))
    validation.weights(values)
    with transaction.atomic():
        existing = {row.metric: row for row in ScorecardWeight.objects.select_for_update()}
        for metric, value in values.items():
            weight = to_decimal(value)
            row = existing.get(metric) or ScorecardWeight(metric=metric)
            if row.pk and row.weight == weight:
                continue
            row.weight, row.set_by, row._history_user = weight, by, by
            row.save()


def rating_set(*, by, rep, period, rating, comment=""):
    if not permissions.can_rate(by, rep):
        raise NotAllowed(_("Only the rep's manager rates their teamwork."))
    try:
        validation.rating(rating)
    except ValidationError as error:
        raise InvalidInput({"rating": error.messages}) from None
    with transaction.atomic():
        row = (
            TeamworkRating.objects.select_for_update()
            .filter(rep=rep, granularity=period.granularity, period_start=period.start)
            .first()
        )
        if row is None:
            row = TeamworkRating(
                rep=rep,
                granularity=period.granularity,
                period_start=period.start,
                period_end=period.end,
            )
        row.rating, row.comment, row.rated_by = rating, comment.strip()[:300], by
        row._history_user = by
        row.save()
    return row
