"""Field shapes shared by analytics models."""

from decimal import Decimal

from django.db import models


def money_sum():
    """A sum of yuan amounts (to the fen), zero by default."""
    return models.DecimalField(max_digits=18, decimal_places=2, default=Decimal("0.00"))
