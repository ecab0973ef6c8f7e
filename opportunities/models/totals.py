"""Running sums of the opportunities, so that the kanban's column totals and the forecast read
a few thousand rows instead of every opportunity.

`PipelineTotal` holds, per owner, stage, status and month (the expected close month; for a
won deal the month it was won, in the site's time zone), how many opportunities there are,
their expected amount and Σ amount × probability. On PostgreSQL statement triggers on the
opportunity table keep it (migration 0007): every insert, update and delete, bulk ones and
raw SQL included, adds its new rows and takes away its old ones in the same transaction, so
it equals grouping the opportunities live (tests/opportunities/test_totals.py proves it).
Elsewhere (SQLite) nothing fills it and the pages group the opportunities live
(`selectors.totals_available`)."""

from django.conf import settings
from django.db import models

from .stages import Stage


class PipelineTotal(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    stage = models.ForeignKey(
        Stage, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    status = models.CharField(max_length=4)
    month = models.DateField()
    count = models.IntegerField(default=0)
    amount = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    weighted_sum = models.DecimalField(max_digits=22, decimal_places=2, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "stage", "status", "month"], name="pipeline_total_key"
            )
        ]
        indexes = [models.Index(fields=["status", "month"], name="pipeline_total_month")]

    def __str__(self):
        return f"{self.owner_id}/{self.stage_id}/{self.status}/{self.month}: {self.count}"
