#!/usr/bin/env python
"""Server time and SQL queries of the customer and opportunity pages at volume, for a rep and
a director.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_volume
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py seed_volume
    .venv/bin/python scripts/bench_pages.py

Each page is requested through django.test.Client with DEBUG off: a warm-up, then the median
of 20 requests (the server time: middleware, view, queries and template, no network), and
the number of SQL queries of one request. Pages: the customer list (first page, a filtered
page, a deep page), the customer page of the visible customer with the most follow-ups, and
the quick-log page; then the opportunities (`opportunity_pages`): the list (first page, a
filtered page, a deep page), the kanban, the visible opportunity with the most quote versions
(ten in the volume data), its latest quote and the forecast. A page whose URL name does not
exist yet is reported as "not built". Targets: each list and the kanban within 100 ms, the
forecast within 300 ms (TARGETS), and a constant number of queries.
`--slowest N` also prints each page's N slowest queries (then EXPLAIN ANALYZE them by hand).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm_site.settings.local")
os.environ["DEBUG"] = "false"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from customers.models import Customer, FollowUp  # noqa: E402
from opportunities.models import Opportunity, Quote  # noqa: E402
from teams.models import Role, User  # noqa: E402

PER_PAGE = 25
TARGET_MS = 100
# Server time targets (ms) by the start of a page's label; the others have none.
TARGETS = {
    "list": TARGET_MS,
    "opportunities: list": 100,
    "opportunities: kanban": 100,
    "opportunities: forecast": 300,
}


def target_ms(page):
    return max((ms for start, ms in TARGETS.items() if page.startswith(start)), default=None)


def pick_users():
    rep = (
        User.objects.filter(role=Role.SALES_REP, is_active=True, username__startswith="vol_rep")
        .annotate(n=Count("customers"))
        .order_by("-n", "username")
        .first()
    ) or User.objects.filter(role=Role.SALES_REP, is_active=True).first()
    director = User.objects.filter(role=Role.DIRECTOR, is_active=True).order_by("username").first()
    return [("rep", rep), ("director", director)]


def busiest_customer(user):
    """The visible customer with the most follow-ups."""
    visible = Customer.objects.visible_to(user).values("pk")
    row = (
        FollowUp.objects.filter(customer__in=visible)
        .values("customer")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    return row["customer"], row["n"]


def pages_for(user):
    list_url = reverse("customers:customer-list")
    count = Customer.objects.visible_to(user).count()
    last_page = max((count + PER_PAGE - 1) // PER_PAGE, 1)
    deep = min(200, last_page)
    customer_pk, followups = busiest_customer(user)
    pages = [
        ("list, first page", list_url),
        ("list, grade=A & overdue", f"{list_url}?grade=A&overdue=true"),
        (f"list, page {deep} of {last_page}", f"{list_url}?page={deep}"),
        (
            f"customer page ({followups} follow-ups)",
            reverse("customers:customer-detail", args=[customer_pk]),
        ),
    ]
    try:
        pages.append(("quick-log page", reverse("customers:quick-log")))
    except NoReverseMatch:
        pages.append(("quick-log page", None))
    return count, pages


# --- the opportunities -------------------------------------------------------------------------


def _url(name, *args):
    """The page's URL, or None while its URL name does not exist (not built yet)."""
    try:
        return reverse(f"opportunities:{name}", args=args)
    except NoReverseMatch:
        return None


def opportunity_pages(user):
    """(label, url or None) of the opportunity pages for `user`."""
    visible = Opportunity.objects.visible_to(user)
    count = visible.count()
    last_page = max((count + PER_PAGE - 1) // PER_PAGE, 1)
    deep = min(200, last_page)
    most = (
        Quote.objects.filter(opportunity__in=visible.values("pk"))
        .values("opportunity")
        .annotate(n=Count("pk"))
        .order_by("-n", "opportunity")
        .first()
    )
    list_url = _url("opportunity-list")
    pages = [
        (f"opportunities: list, first page ({count:,} visible)", list_url),
        (
            "opportunities: list, open & grade=A & amount ≥ 100,000",
            list_url and f"{list_url}?status=open&grade=A&amount_min=100000&o=-amount",
        ),
        (
            f"opportunities: list, page {deep} of {last_page}",
            list_url and f"{list_url}?page={deep}",
        ),
        ("opportunities: kanban", _url("opportunity-board")),
    ]
    if most is not None:
        latest = Quote.objects.filter(opportunity=most["opportunity"]).order_by("-version").first()
        pages += [
            (
                f"opportunities: opportunity page ({most['n']} quote versions)",
                _url("opportunity-detail", most["opportunity"]),
            ),
            (f"opportunities: quote page ({latest.label})", _url("quote-detail", latest.pk)),
        ]
    pages.append(("opportunities: forecast", _url("forecast")))
    return pages


def measure(client, url, runs, slowest):
    client.get(url)  # warm-up: caches, the connection, the planner
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    captured = list(context.captured_queries)  # read now: each request resets the log
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    queries = sorted(captured, key=lambda q: -float(q["time"]))[:slowest]
    return response.status_code, statistics.median(times), min(times), len(captured), queries


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--slowest", type=int, default=0)
    args = parser.parse_args()

    if settings.DEBUG:
        raise SystemExit("DEBUG must be off for a benchmark")
    print(
        f"database: {connection.settings_dict['NAME']} · {Customer.objects.count():,} customers, "
        f"{FollowUp.objects.count():,} follow-ups, {Opportunity.objects.count():,} opportunities, "
        f"{Quote.objects.count():,} quotes · DEBUG={settings.DEBUG} · median of {args.runs}"
    )
    print()
    print("| user | visible customers | page | status | median ms | min ms | queries |")
    print("|---|---:|---|---:|---:|---:|---:|")
    slow_lists = []
    for label, user in pick_users():
        client = Client(SERVER_NAME="localhost", headers={"accept-language": "zh-hans"})
        client.force_login(user)
        count, pages = pages_for(user)
        pages += opportunity_pages(user)
        for page, url in pages:
            if url is None:
                print(f"| {label} ({user.username}) | {count:,} | {page} | not built | | | |")
                continue
            status, median, fastest, queries, slow = measure(client, url, args.runs, args.slowest)
            target = target_ms(page)
            if target is not None and median > target:
                slow_lists.append(f"{label}: {page} ({median:.0f} ms, target {target} ms)")
            print(
                f"| {label} ({user.username}) | {count:,} | {page} | {status} | {median:.1f} "
                f"| {fastest:.1f} | {queries} |"
            )
            for query in slow:
                print(
                    f"|   | | {float(query['time']) * 1000:.1f} ms: {query['sql'][:300]} | | | | |"
                )
    print()
    if slow_lists:
        print("Over the target: " + "; ".join(slow_lists))
    else:
        print("Every page with a target is within it.")


if __name__ == "__main__":
    main()
