"""The analytics pages of targets, expenses, budgets and scorecards at volume: each page as a
director, a manager and a rep, with the server time (best of --runs) and the query count.

    DATABASE_URL=postgres://…/crm_vol_copy python scripts/bench_analytics_pages.py --runs 3
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm_site.settings.local")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from teams import roles  # noqa: E402
from teams.models import User  # noqa: E402

PAGES = (
    "/analytics/scorecards/?period={month}",
    "/analytics/scorecards/?period={year}",
    "/analytics/expenses/",
    "/analytics/budgets/?period={quarter}",
    "/analytics/targets/split/?period={quarter}",
)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--month", default="2026-11")
    parser.add_argument("--quarter", default="2026-Q4")
    parser.add_argument("--year", default="2026")
    args = parser.parse_args()
    users = {
        "director": User.objects.filter(role__in=roles.SEES_ALL, is_active=True).first(),
        "manager": User.objects.filter(role__in=roles.LEADS_TEAM, team__kind="team").first(),
        "rep": User.objects.filter(role__in=roles.SCORED, is_active=True).first(),
    }
    client = Client(HTTP_HOST="localhost")
    for label, user in users.items():
        client.force_login(user)
        for page in PAGES:
            url = page.format(month=args.month, quarter=args.quarter, year=args.year)
            client.get(url)
            best, count, status = None, 0, 0
            for _ in range(args.runs):
                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    status = client.get(url).status_code
                    took = (time.perf_counter() - start) * 1000
                best = took if best is None else min(best, took)
                count = len(queries)
            print(f"{label:9} {url:45} {status} {best:7.0f} ms {count:3} queries")


if __name__ == "__main__":
    main()
