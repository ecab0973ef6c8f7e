#!/usr/bin/env python
"""The pools' automatic reclaim (公海回收) at volume: how long one run takes over every owned
customer, and that a second run the same day finds nothing more.

    createdb -h 127.0.0.1 -U postgres -T crm_vol crm_vol_copy     # never write into crm_vol
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_vol_copy
    .venv/bin/python scripts/bench_reclaim.py            # rolled back: repeatable
    .venv/bin/python scripts/bench_reclaim.py --keep     # commits the reclaim

Times, for the same moment `now`: the plan alone (what `pool_reclaim --dry-run` does), the
whole run (warnings, then the reclaim in chunks, each customer locked and read again) and a
second run right after it, with the number of SQL queries of each. Without `--keep` the run
happens inside one transaction that is rolled back at the end, so the script can run again
on the same data. The target (issue 10): the run over 100,000 customers within 30 s.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm_site.settings.local")
os.environ["DEBUG"] = "false"

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from customers.models import Customer, OwnershipChange, Pool  # noqa: E402
from customers.services import reclaim  # noqa: E402

TARGET_S = 30


class _Rollback(Exception):
    pass


def _timed(label, fn):
    with CaptureQueriesContext(connection) as queries:
        started = time.monotonic()
        result = fn()
        elapsed = time.monotonic() - started
    print(f"{label:<34} {elapsed:7.2f} s  {len(queries.captured_queries):6d} queries")
    return result, elapsed


def _run(now):
    return reclaim.customers_reclaim(now=now)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="Commit the reclaim.")
    args = parser.parse_args()

    owned = Customer.objects.filter(owner__isnull=False).count()
    pooled = Customer.objects.filter(pool__isnull=False).count()
    pools = Pool.objects.filter(is_active=True).count()
    print(f"{owned:,} owned customers, {pooled:,} in {pools} active pools")
    now = timezone.now()

    (due, warn, blocked), plan_s = _timed("plan (the dry run)", lambda: reclaim.reclaim_plan(now))
    print(f"  due {len(due):,}, to warn {len(warn):,}, kept by their work {blocked:,}")
    try:
        with transaction.atomic():
            before = OwnershipChange.objects.filter(how=OwnershipChange.How.RECLAIM).count()
            run, run_s = _timed("run (warn and reclaim)", lambda: _run(now))
            print(f"  {run.summary()}")
            again, _again_s = _timed("second run, same day", lambda: _run(now))
            print(f"  {again.summary()}")
            written = (
                OwnershipChange.objects.filter(how=OwnershipChange.How.RECLAIM).count() - before
            )
            once = written == len(run.reclaimed) and not again.reclaimed
            print(f"  reclaim rows written {written:,}: {'once each' if once else 'NOT ONCE'}")
            if not args.keep:
                raise _Rollback
    except _Rollback:
        print("  (rolled back)")
    verdict = "within" if run_s <= TARGET_S else "OVER"
    print(f"The run over {owned:,} customers took {run_s:.1f} s: {verdict} {TARGET_S} s.")
    return 0 if run_s <= TARGET_S and once else 1


if __name__ == "__main__":
    sys.exit(main())
