"""Each after-sales rule once: forms, services and the model's validators call these."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SCORES = range(1, 6)


def validate_score(value):
    """A satisfaction score is a whole number from 1 (very unhappy) to 5 (very happy)."""
    if value is None or isinstance(value, bool) or value not in SCORES:
        raise ValidationError(
            _("Satisfaction is a score from 1 to 5, not %(value)s.") % {"value": value},
            code="score",
        )
