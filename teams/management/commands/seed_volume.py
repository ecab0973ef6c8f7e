"""Volume data for benchmarks: `manage.py seed_volume`. Creates the organisation (defaults: 200
reps in 20 teams), then runs each app's VOLUME_DATA hook (crm_site/hooks.py; customers'
defaults: 100k customers, 200k contacts, about 1M follow-ups), all in one transaction. The
apps add their options through VOLUME_OPTIONS hooks. Use a database of its own."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from crm_site import hooks
from teams import volume


class Command(BaseCommand):
    help = (
        "Fill the database with volume data for benchmarks (bulk inserts; PostgreSQL COPY). "
        f"Benchmark users log in with the password {volume.PASSWORD}."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reps", type=int, default=200)
        parser.add_argument("--teams", type=int, default=20)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--append", action="store_true", help="Add to a database that has volume data already."
        )
        parser.add_argument(
            "--force", action="store_true", help="Run on SQLite although it is slow."
        )
        for add_options in hooks.get(hooks.VOLUME_OPTIONS):
            add_options(parser=parser)

    def handle(self, *args, **options):
        if connection.vendor != "postgresql" and not options["force"]:
            raise CommandError(
                f"seed_volume is meant for PostgreSQL; on {connection.vendor} it is slow. "
                "Point DATABASE_URL at a PostgreSQL database, or add --force."
            )
        if min(options["reps"], options["teams"]) < 1:
            raise CommandError("--reps and --teams must be at least 1.")
        log = self.stdout.write if options["verbosity"] > 0 else lambda _line: None
        started = time.perf_counter()

        def elapsed():
            return f"{time.perf_counter() - started:.1f} s"

        summaries = []
        # One transaction: an app that refuses (CommandError) leaves nothing behind. Work that
        # must follow the commit (VACUUM) goes to transaction.on_commit.
        with transaction.atomic():
            org = volume.organisation(reps=options["reps"], teams=options["teams"])
            log(f"organisation: {org.new_teams} new teams, {org.new_users} new users ({elapsed()})")
            for seed in hooks.get(hooks.VOLUME_DATA):
                summaries.append(seed(options=options, organisation=org, log=log))
        log(f"committed, done in {elapsed()}")
        for summary in filter(None, summaries):
            self.stdout.write(self.style.SUCCESS(summary))
        self.stdout.write(
            self.style.SUCCESS(
                f"Organisation: {org.new_users} new users, {org.new_teams} new teams."
            )
        )
