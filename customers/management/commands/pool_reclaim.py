"""`python manage.py pool_reclaim [--dry-run]`: the pools' automatic reclaim by hand (the same
run as the Celery beat task)."""

import time

from django.core.management.base import BaseCommand

from customers import services


class Command(BaseCommand):
    help = (
        "Return to their pool the customers nobody works (no follow-up for N days or no win "
        "for M days, by the pool's rules per grade) and warn the owners of those due within "
        "the pool's warning days. A second run the same day reclaims nothing more."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only say what would be reclaimed and warned."
        )

    def handle(self, *args, dry_run=False, **options):
        started = time.monotonic()
        run = services.customers_reclaim(dry_run=dry_run)
        elapsed = time.monotonic() - started
        prefix = "Dry run: would have " if dry_run else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix}reclaimed {len(run.reclaimed)}, warned {len(run.warned)} "
                f"({run.new_warnings} new), kept {run.blocked} held by their work, "
                f"in {elapsed:.1f} s."
            )
        )
