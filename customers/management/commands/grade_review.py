"""`python manage.py grade_review [--as-of YYYY-MM-DD]`: the quarterly grade review by hand."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from customers import grading, services


class Command(BaseCommand):
    help = (
        "Propose grade changes where the computed grade differs from the current one, for "
        "the quarter that ended before today (or the quarter of --as-of). A second run for "
        "the same quarter proposes nothing new."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--as-of",
            help="The last day of the period reviewed (YYYY-MM-DD); default: the last quarter end.",
        )

    def handle(self, *args, as_of=None, **options):
        if as_of:
            try:
                day = date.fromisoformat(as_of)
            except ValueError as error:
                raise CommandError(f"--as-of must be a date like 2026-03-31: {error}") from error
        else:
            day = grading.last_quarter_end(timezone.localdate())
        made = services.grade_review_propose(as_of=day)
        self.stdout.write(
            self.style.SUCCESS(
                f"Grade review {grading.quarter_label(day)} (as of {day:%Y-%m-%d}): "
                f"{made} proposal{'s' if made != 1 else ''} made."
            )
        )
