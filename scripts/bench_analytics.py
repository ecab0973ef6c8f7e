"""The KPI dashboard's server time and query count at volume, for a director (the company, a
whole year) and for the rep with the most contracts (the same year).

    DATABASE_URL=postgres://…/crm_vol_copy .venv/bin/python scripts/bench_analytics.py \
        [--year 2026] [--runs 3]

Runs the page through Django's test client in this process (no network), after one warm-up
request; prints the best and the median of the runs and the number of queries."""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm_site.settings.local")


def main():
    import django

    django.setup()
    from django.db import connections
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from analytics.router import read_alias, replica_reads
    from teams.models import User
    from teams.roles import Role

    parser = argparse.ArgumentParser()
    parser.add_argument("--year", type=int, default=timezone.localdate().year)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--slowest", type=int, default=0, help="print the N slowest queries")
    args = parser.parse_args()
    with replica_reads():
        alias = read_alias()
    director = User.objects.filter(role=Role.DIRECTOR, is_active=True).first()
    rep = (
        User.objects.filter(role=Role.SALES_REP, is_active=True)
        .annotate(n=Count("contracts"))
        .order_by("-n")
        .first()
    )
    params = {"period": "year", "month": f"{args.year}-01"}
    for label, user in (("director, company", director), ("rep", rep)):
        client = Client(SERVER_NAME="localhost")
        client.force_login(user)
        client.get("/analytics/", params)  # warm-up (sessions, caches, plans)
        times, queries = [], 0
        for _ in range(args.runs):
            with CaptureQueriesContext(connections[alias]) as captured:
                started = time.perf_counter()
                response = client.get("/analytics/", params)
                times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"HTTP {response.status_code}")
            queries = len(captured.captured_queries)
        for query in sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[
            : args.slowest
        ]:
            print(f"  {float(query['time']) * 1000:7.0f} ms  {query['sql'][:160]}")
        print(
            f"{label:<18} {user.username:<12} year {args.year}: best {min(times):.0f} ms, "
            f"median {statistics.median(times):.0f} ms, {queries} queries on '{alias}'"
        )


if __name__ == "__main__":
    main()
