"""Refresh the KPI dashboard's summaries now (what the worker does every five minutes), or
rebuild them from scratch with --full (the first build, and what runs nightly)."""

from django.core.management.base import BaseCommand

from ...services import summaries


class Command(BaseCommand):
    help = "Refresh the KPI summaries (--full: rebuild them all)."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="rebuild every summary")

    def handle(self, *args, full=False, **options):
        done = summaries.rebuild() if full else summaries.refresh()
        if done is None:
            self.stdout.write("The summaries need PostgreSQL: nothing was built.")
        elif done.get("busy"):
            self.stdout.write("Another refresh is running: nothing was done.")
        else:
            self.stdout.write(f"Summaries as of {done['as_of']} ({done})")
