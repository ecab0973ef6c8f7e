#!/usr/bin/env python
"""Time a queued customer export the way the Celery worker writes it.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_volume
    .venv/bin/python scripts/bench_export.py                 # the director: every customer
    .venv/bin/python scripts/bench_export.py --query grade=A

Queues an export for the first active director (or --user) with the list's query string,
then runs the worker's service (services.customers_export_write) in this process and prints
the rows, the seconds, rows per second, the file's size and this process's peak memory. The
export's log and file are deleted afterwards, so the database is left as it was.
"""

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm_site.settings.local")
os.environ.setdefault("DEBUG", "false")  # DEBUG would keep every SQL query in memory

import django  # noqa: E402

django.setup()

from customers import services  # noqa: E402
from customers.models import Customer, ExportLog  # noqa: E402
from teams.models import Role, User  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--user", help="username (default: the first active director)")
    parser.add_argument("--query", default="", help="the list's query string, e.g. grade=A")
    args = parser.parse_args()

    users = User.objects.filter(is_active=True)
    user = (
        users.get(username=args.user)
        if args.user
        else users.filter(role=Role.DIRECTOR).order_by("username").first()
    )
    total = Customer.objects.visible_to(user).count()
    log = ExportLog.objects.create(
        user=user, query=args.query, total=total, status=ExportLog.Status.QUEUED
    )
    try:
        started = time.perf_counter()
        rows = services.customers_export_write(log_id=log.pk)
        seconds = time.perf_counter() - started
        log.refresh_from_db()
        size = log.file.size
        print(f"user {user.username} · query {args.query!r} · status {log.status}")
        print(
            f"{rows:,} rows in {seconds:.1f} s ({rows / seconds:,.0f} rows/s), "
            f"file {size / 1_048_576:.1f} MB, peak memory "
            f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
        )
    finally:
        log.refresh_from_db()
        if log.file:
            log.file.delete(save=False)
        log.delete()


if __name__ == "__main__":
    main()
