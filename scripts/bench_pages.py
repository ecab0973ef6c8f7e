#!/usr/bin/env python
"""Server time and SQL queries of the main pages at volume, each beside a bare "floor" page.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_volume
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py seed_volume
    .venv/bin/python scripts/bench_pages.py            # in process (django.test.Client)
    .venv/bin/python scripts/bench_pages.py --http     # and through a real gunicorn

The floor is what any page costs here: a view this script registers (never in the app's
URLs) that reads the list's 25 rows with one query (`select_related` the owner) and
renders them in a bare table, behind the same middleware (session, user, CSRF, CSP, …).
Each page's median is printed with its ratio to the floor's: the list's target is at most
2.5 × the floor, the director's home 50 ms, the customer page 40 ms with 200 follow-ups.
The machine may be shared, so each page's requests alternate with the floor's and the
ratio compares the two medians of the same stretch of time.

Each page gets a warm-up, then the median of `--runs` requests, and the number of SQL queries
of one request (the floor's: the session, the user, the rows). In process: django.test.Client
with DEBUG off (middleware, view, queries, template; no network). With `--http` the script
also starts gunicorn (one sync worker, the app's WSGI application plus the floor) on a free
port of 127.0.0.1 and times each request from sending it to the last byte received, with the
session cookie of the same login.
Pages: home, the customer list (first page, a filtered page, page 200 by its number, the last
page as "Next" reaches it), the customer page and the quick-log page. The customer page is
the visible customer with the most follow-ups; `--followups N` (default 200) first tops that
customer up to N follow-ups (a write, once: later runs find it); its timeline, which the page
loads right after itself, is a row of its own. `--slowest N` prints each
page's N slowest queries (in process). Delivery: the work list and the visible plan page
with the most phases (12 or more, from the volume data; "not built" without it), for the
sales users and for a delivery user (their own list too). The customer list's satisfaction
filter (after-sales' column and filter on it), for the sales users.
"""

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import time
import types
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm_site.settings.local")
os.environ["DEBUG"] = "false"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.template import engines  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, clear_url_caches, include, path, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from contracts.models import Contract, Instalment  # noqa: E402
from customers.models import Customer, FollowUp  # noqa: E402
from opportunities.models import Opportunity, Quote  # noqa: E402
from teams.models import Role, Team, User  # noqa: E402

PER_PAGE = 25
FLOOR_URL = "/bench/floor/"

# --- the floor: one query, the same 25 rows, no base template ----------------------------------

FLOOR_TEMPLATE = engines["django"].from_string(
    """<!doctype html><html><head><meta charset="utf-8"><title>floor</title></head><body>
<table>{% for c in customers %}<tr><td><a href="/customers/{{ c.pk }}/">{{ c.name }}</a></td>
<td>{{ c.grade }}</td><td>{{ c.get_status_display }}</td><td>{{ c.owner.display_name }}</td>
<td>{{ c.last_followup_at|date:"Y-m-d" }}</td><td>{{ c.next_followup_due|date:"Y-m-d" }}</td>
</tr>{% endfor %}</table></body></html>"""
)


def floor_view(request):
    customers = list(
        Customer.objects.visible_to(request.user)
        .select_related("owner")
        .order_by("-updated_at", "-pk")[:PER_PAGE]
    )
    # No request in the context: no context processors, so no query but the rows'.
    return HttpResponse(FLOOR_TEMPLATE.render({"customers": customers}))


def install_floor():
    """Serve the floor beside the app's URLs, from a URLconf that lives in this script."""
    urls = types.ModuleType("bench_pages_urls")
    urls.urlpatterns = [
        path(FLOOR_URL.strip("/") + "/", floor_view),
        path("", include(settings.ROOT_URLCONF)),
    ]
    sys.modules[urls.__name__] = urls
    settings.ROOT_URLCONF = urls.__name__
    clear_url_caches()


install_floor()
# gunicorn imports this module (`bench_pages:application`) in its worker.
application = get_wsgi_application()


# --- what to measure ---------------------------------------------------------------------------


def pick_users():
    rep = (
        User.objects.filter(role=Role.SALES_REP, is_active=True, username__startswith="vol_rep")
        .annotate(n=Count("customers"))
        .order_by("-n", "username")
        .first()
    ) or User.objects.filter(role=Role.SALES_REP, is_active=True).first()
    # A regional manager: their list goes through the policy's team-subtree filter.
    manager = (
        User.objects.filter(role=Role.SALES_MANAGER, is_active=True, team__kind=Team.Kind.REGION)
        .order_by("username")
        .first()
    )
    director = User.objects.filter(role=Role.DIRECTOR, is_active=True).order_by("username").first()
    aftersales = (
        User.objects.filter(role=Role.AFTERSALES, is_active=True).order_by("username").first()
    )
    # A delivery user on the most contracts' teams (the volume data's), not the lead.
    delivery = (
        User.objects.filter(role=Role.DELIVERY, is_active=True, delivery_lead__isnull=True)
        .annotate(n=Count("delivery_assignments"))
        .order_by("-n", "username")
        .first()
    )
    # The legal user of the contracts' volume data (its LEGAL_WAITING contracts wait for legal).
    legal = User.objects.filter(role=Role.LEGAL, is_active=True).order_by("username")
    legal = legal.filter(username="vol_legal").first() or legal.first()
    return [
        (label, user)
        for label, user in [
            ("rep", rep),
            ("manager", manager),
            ("director", director),
            ("aftersales", aftersales),
            ("delivery", delivery),
            ("legal", legal),
        ]
        if user
    ]


def busiest_customer(user, wanted):
    """The visible customer with the most follow-ups, topped up to `wanted` of them."""
    visible = Customer.objects.visible_to(user).values("pk")
    row = (
        FollowUp.objects.filter(customer__in=visible)
        .values("customer")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    pk, count = row["customer"], row["n"]
    if wanted and count < wanted:
        customer = Customer.objects.get(pk=pk)
        last = FollowUp.objects.filter(customer=customer).order_by("occurred_at").first()
        start = timezone.now() - timedelta(days=wanted + 1)
        FollowUp.objects.bulk_create(
            FollowUp(
                customer=customer,
                author_id=customer.owner_id,
                contact_id=last.contact_id if last else None,
                method=FollowUp.Method.VISIT if n % 3 == 0 else FollowUp.Method.PHONE,
                occurred_at=start + timedelta(days=n),
                summary=f"bench follow-up {n}",
            )
            for n in range(wanted - count)
        )
        print(f"(added {wanted - count} follow-ups to customer {pk} for the customer page)")
        count = wanted
    return pk, count


def pages_for(user, followups):
    list_url = reverse("customers:customer-list")
    count = Customer.objects.visible_to(user).count()
    last_page = max((count + PER_PAGE - 1) // PER_PAGE, 1)
    deep = min(200, last_page)
    customer_pk, n = busiest_customer(user, followups)
    pages = [
        ("floor (25 rows, 1 query)", FLOOR_URL),
        ("home", reverse("home")),
        ("list, first page", list_url),
        ("list, grade=A & overdue", f"{list_url}?grade=A&overdue=true"),
        ("list, satisfaction: unhappy", f"{list_url}?satisfaction=low"),
        ("list, satisfaction: no score", f"{list_url}?satisfaction=none"),
        (f"list, page {deep} of {last_page}", f"{list_url}?page={deep}"),
        *keyset_pages(user, list_url, last_page),
        (
            f"customer page ({n} follow-ups)",
            reverse("customers:customer-detail", args=[customer_pk]),
        ),
        # What the page loads right after itself (htmx): its timeline from every app.
        ("customer page's timeline", reverse("customers:customer-timeline", args=[customer_pk])),
    ]
    pages.append(("quick-log page", reverse("customers:quick-log")))
    pool_url = reverse("customers:pool-list")
    pages += [
        ("pool list (公海)", pool_url),
        ("pool list, grade=C", f"{pool_url}?grade=C"),
        ("pool list, search", f"{pool_url}?q={quote('科技')}"),
    ]
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


# --- the contracts ----------------------------------------------------------------------------


def _contract_url(name, *args):
    try:
        return reverse(f"contracts:{name}", args=args)
    except NoReverseMatch:
        return None


def contract_pages(user, label):
    """(label, url or None) of the contract pages for `user`: the list and a contract page
    (the contract with the most instalments), the approval inbox for legal, the receivables
    for the others."""
    visible = Contract.objects.visible_to(user)
    count = visible.count()
    pages = [(f"contracts: list, first page ({count:,} visible)", _contract_url("contract-list"))]
    busiest = (
        Instalment.objects.filter(contract__in=visible.values("pk"))
        .values("contract")
        .annotate(n=Count("pk"))
        .order_by("-n", "contract")
        .first()
    )
    if busiest:
        pages.append(
            (
                f"contracts: contract page ({busiest['n']} instalments)",
                _contract_url("contract-detail", busiest["contract"]),
            )
        )
    if label == "legal":
        waiting = Contract.objects.waiting_for(user).count()
        pages.append(
            (f"contracts: approval inbox ({waiting:,} waiting)", _contract_url("approval-inbox"))
        )
    else:
        owed = Instalment.objects.visible_to(user).unpaid().count()
        pages.append((f"contracts: receivables ({owed:,} unpaid)", _contract_url("receivables")))
    return pages


# --- delivery ----------------------------------------------------------------------------------


def delivery_pages(user):
    """(label, url or None) of the delivery list and of a visible plan page with 12 phases or
    more (None until the volume data has made one)."""
    from delivery.models import Phase

    plans = (
        Phase.objects.filter(plan__contract__in=Contract.objects.visible_to(user).values("pk"))
        .values("plan__contract")
        .annotate(n=Count("pk"))
        .filter(n__gte=12)
        .order_by("-n", "plan__contract")
    )
    biggest = plans.first()
    plan_url = reverse("delivery:project", args=[biggest["plan__contract"]]) if biggest else None
    label = f"delivery: plan page ({biggest['n']} phases)" if biggest else "delivery: plan page"
    return [
        ("delivery: list, first page", reverse("delivery:project-list") + "?scope=all"),
        (label, plan_url),
    ]


def keyset_pages(user, list_url, last_page):
    """The last page as "Next" reaches it (crm_site/paging.py's cursor), when the list has one."""
    try:
        from crm_site import paging
    except ImportError:  # before keyset paging
        return []
    rows = Customer.objects.visible_to(user).order_by("-updated_at", "-pk").only("updated_at")
    before_last = rows[(last_page - 1) * PER_PAGE - 1]
    cursor = paging.encode_cursor(before_last, paging.sort_keys(rows))
    return [(f"list, page {last_page} by Next", f"{list_url}?page={last_page}&after={cursor}")]


# --- after-sales -------------------------------------------------------------------------------


def complaint_pages(user):
    """(label, url) of the complaint list for `user` (aftersales/views/complaints.py)."""
    from aftersales.models import Complaint

    url = reverse("aftersales:complaint-list")
    count = Complaint.objects.visible_to(user).count()
    deep = min(200, max((count + PER_PAGE - 1) // PER_PAGE, 1))
    return [
        (f"complaints: list, first page ({count:,} visible)", url),
        ("complaints: list, open & late", f"{url}?state=open&breached=true"),
        (f"complaints: list, page {deep}", f"{url}?page={deep}"),
    ]


# --- in process --------------------------------------------------------------------------------


def alternate(get, url, runs):
    """Medians of `url` and of the floor, their requests alternating: (page, floor) ms."""
    for _ in range(2):  # warm-up: caches, the connection, the planner
        get(url)
        get(FLOOR_URL)
    page, floor = [], []
    for _ in range(runs):
        for target, times in ((url, page), (FLOOR_URL, floor)):
            started = time.perf_counter()
            get(target)
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(page), statistics.median(floor)


def measure_client(client, url, runs):
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    captured = list(context.captured_queries)  # read now: each request resets the log
    return response.status_code, captured, *alternate(client.get, url, runs)


# --- through gunicorn --------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """One sync worker serving this module's `application` on a free local port."""

    def __init__(self):
        self.port = free_port()
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen(  # noqa: S603
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--chdir",
                str(Path(__file__).parent),
                "--log-level",
                "warning",
                "bench_pages:application",
            ],
            env=env,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit("gunicorn did not start")

    def get(self, url, cookie):
        connection_ = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        started = time.perf_counter()
        connection_.request(
            "GET",
            url,
            headers={"Host": "localhost", "Cookie": cookie, "Accept-Language": "zh-hans"},
        )
        response = connection_.getresponse()
        response.read()
        elapsed = (time.perf_counter() - started) * 1000
        connection_.close()
        return response.status, elapsed

    def measure(self, url, cookie, runs):
        return alternate(lambda target: self.get(target, cookie), url, runs)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


# --- the report --------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--slowest", type=int, default=0)
    parser.add_argument("--http", action="store_true", help="also time through gunicorn")
    parser.add_argument("--followups", type=int, default=200)
    parser.add_argument("--only", default="", help="only the pages whose name contains this")
    parser.add_argument("--no-opportunities", action="store_true", help="only the customers pages")
    parser.add_argument(
        "--user",
        choices=["rep", "manager", "director", "aftersales", "delivery", "legal"],
        help="only this user",
    )
    args = parser.parse_args()

    if settings.DEBUG:
        raise SystemExit("DEBUG must be off for a benchmark")
    print(
        f"database: {connection.settings_dict['NAME']} · {Customer.objects.count():,} customers, "
        f"{FollowUp.objects.count():,} follow-ups, {Opportunity.objects.count():,} opportunities, "
        f"{Quote.objects.count():,} quotes · DEBUG={settings.DEBUG} · median of {args.runs}"
    )
    print()
    server = Gunicorn() if args.http else None
    try:
        header = "| user | page | status | queries | in process ms | floor ms | × floor |"
        if server:
            header += " gunicorn ms | floor ms | × floor |"
        print(header)
        print("|---|---|---:|---:|---:|---:|---:|" + ("---:|---:|---:|" if server else ""))
        for label, user in pick_users():
            if user is None or (args.user and label != args.user):
                continue
            report_user(label, user, args, server)
    finally:
        if server:
            server.stop()


def report_user(label, user, args, server):
    client = Client(SERVER_NAME="localhost", headers={"accept-language": "zh-hans"})
    client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    if label == "aftersales":  # sees only the customers assigned to them
        count = Customer.objects.visible_to(user).count()
        pages = [("floor (25 rows, 1 query)", FLOOR_URL), *complaint_pages(user)]
    elif label == "delivery":  # their contracts' customers; the delivery pages
        count = Customer.objects.visible_to(user).count()
        pages = [("floor (25 rows, 1 query)", FLOOR_URL), *delivery_pages(user)]
        pages.insert(2, ("delivery: list, mine", reverse("delivery:project-list")))
    elif label == "legal":  # legal works with contracts only
        count, pages = Customer.objects.visible_to(user).count(), []
        pages += contract_pages(user, label)
    else:
        count, pages = pages_for(user, args.followups)
        if not args.no_opportunities:
            pages += opportunity_pages(user) + complaint_pages(user) + contract_pages(user, label)
            pages += delivery_pages(user)
    for page, url in pages:
        if args.only not in page:
            continue
        if url is None:
            print(f"| {label} ({count:,} customers) | {page} | not built | | | | |")
            continue
        status, captured, median, floor = measure_client(client, url, args.runs)
        line = (
            f"| {label} ({count:,} customers) | {page} | {status} | {len(captured)} "
            f"| {median:.1f} | {floor:.1f} | {median / floor:.2f} |"
        )
        if server:
            over_http, floor_http = server.measure(url, cookie, args.runs)
            line += f" {over_http:.1f} | {floor_http:.1f} | {over_http / floor_http:.2f} |"
        print(line, flush=True)
        for query in sorted(captured, key=lambda q: -float(q["time"]))[: args.slowest]:
            print(f"|   | {float(query['time']) * 1000:.1f} ms: {query['sql'][:300]} | | | | | |")


if __name__ == "__main__":
    main()
