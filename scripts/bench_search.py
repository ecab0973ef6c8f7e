"""The navbar's global search at volume: each text searched as a director and as a rep, with
the server time of the search itself (best of --runs) and its query count.

    DATABASE_URL=postgres://…/crm_vol python scripts/bench_search.py --runs 5
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
from django.test.utils import CaptureQueriesContext  # noqa: E402

from customers.models import Contact, Customer  # noqa: E402
from teams import search  # noqa: E402
from teams.models import User  # noqa: E402
from teams.roles import Role  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    director = User.objects.filter(role=Role.DIRECTOR, is_active=True).order_by("pk").first()
    rep = (
        User.objects.filter(role=Role.SALES_REP, is_active=True, customers__isnull=False)
        .order_by("pk")
        .first()
    )
    customer = Customer.objects.order_by("pk")[Customer.objects.count() // 2]
    contact = Contact.objects.exclude(phone_key="").filter(customer=customer).first()
    texts = {
        "a name's start": customer.name[:4],
        "a name's middle": customer.name[2:5],
        # Two characters: no trigram index serves them (the bigram indexes do).
        "two characters": "科技",
        "two, no match": "不存",
        "a contact's phone": contact.phone_key[-8:] if contact else "13912345678",
        "nothing": "不存在的公司",
        "a contract number": "HT2026",
    }
    print(f"{Customer.objects.count():,} customers; best of {args.runs} runs")
    for user in (director, rep):
        for label, text in texts.items():
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                with CaptureQueriesContext(connection) as queries:
                    groups = search.search(user, text)
                times.append((time.perf_counter() - start) * 1000)
            hits = sum(len(group.hits) for group in groups)
            print(
                f"{user.get_role_display():>6} {label:<18} {text!r:<16} "
                f"{min(times):7.1f} ms  {len(queries)} queries  {hits} hits"
            )


if __name__ == "__main__":
    main()
