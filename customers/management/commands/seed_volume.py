"""Volume data for benchmarks: `manage.py seed_volume` (defaults: 100k customers, 200k contacts,
about 1M follow-ups, 200 reps in 20 teams). Use a database of its own."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from customers import volume
from customers.models import Customer


class Command(BaseCommand):
    help = (
        "Fill the database with volume data for benchmarks (bulk inserts; PostgreSQL COPY). "
        f"Benchmark users log in with the password {volume.PASSWORD}."
    )

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=100_000)
        parser.add_argument("--contacts-per", type=int, default=2)
        parser.add_argument("--followups-per", type=int, default=10)
        parser.add_argument("--reps", type=int, default=200)
        parser.add_argument("--teams", type=int, default=20)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--append", action="store_true", help="Add to a database that has customers already."
        )
        parser.add_argument(
            "--force", action="store_true", help="Run on SQLite although it is slow."
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql" and not options["force"]:
            raise CommandError(
                f"seed_volume is meant for PostgreSQL; on {connection.vendor} it is slow. "
                "Point DATABASE_URL at a PostgreSQL database, or add --force."
            )
        if Customer.objects.exists() and not options["append"]:
            raise CommandError(
                "This database has customers already. Use a database of its own for volume "
                "data, or add --append."
            )
        if min(options["customers"], options["reps"], options["teams"]) < 1:
            raise CommandError("--customers, --reps and --teams must be at least 1.")
        if min(options["contacts_per"], options["followups_per"]) < 0:
            raise CommandError("--contacts-per and --followups-per cannot be negative.")
        counts = volume.seed(
            customers=options["customers"],
            contacts_per=options["contacts_per"],
            followups_per=options["followups_per"],
            reps=options["reps"],
            teams=options["teams"],
            seed=options["seed"],
            log=self.stdout.write if options["verbosity"] > 0 else lambda _line: None,
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Volume data: {counts.customers:,} customers ({counts.overdue:,} overdue), "
                f"{counts.contacts:,} contacts, {counts.followups:,} follow-ups, "
                f"{counts.tags:,} tags on customers, {counts.shares:,} shares, "
                f"{counts.tasks:,} open tasks; {counts.users} new users, {counts.teams} new teams."
            )
        )
