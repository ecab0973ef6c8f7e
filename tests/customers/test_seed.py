"""Demo data (seed_demo) and volume data (seed_volume)."""

import contextlib
import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from crm_site import bulk_insert, hooks
from customers import pool_demo
from customers.models import (
    Contact,
    Customer,
    FollowUp,
    GradeChange,
    NeedsSurvey,
    Tag,
    Task,
)
from teams.models import Role, Team, User

pytestmark = pytest.mark.django_db


def run(command, **options):
    out = io.StringIO()
    call_command(command, stdout=out, **options)
    return out.getvalue()


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Customer, Contact, FollowUp, Task, NeedsSurvey, GradeChange, Tag, User, Team)
    } | {"history": Customer.history.count()}


# --- seed_demo -------------------------------------------------------------------------------


def test_seed_demo_twice_creates_the_customers_once_and_prints_the_logins():
    first = run("seed_demo")
    after_first = counts()
    second = run("seed_demo")

    assert counts() == after_first
    assert "Demo customers: 60 (60 new)" in first
    assert "Demo customers: 60 (0 new)" in second
    assert "rep_sh1" in second and "demo-pass-2026" in second
    # The 60 demo customers, and the pool's customers and leads (customers/pool_demo.py).
    assert after_first["Customer"] == 60 + len(pool_demo.WAITING) + len(pool_demo.LEADS)
    assert "Pools and leads: 华东公海 with 6 customers waiting, 5 leads to screen" in first


def test_the_demo_customers_look_like_a_sales_team_year():
    # The customers' own demo: later apps' demos add their records (needs surveys too).
    later = [
        fn
        for fn in hooks.get(hooks.DEMO_DATA)
        if not fn.__module__.startswith("customers.") or fn is pool_demo.seed
    ]
    with contextlib.ExitStack() as stack:
        for fn in later:
            stack.enter_context(hooks.unregister_temporarily(hooks.DEMO_DATA, fn))
        run("seed_demo")
    today = timezone.localdate()
    customers = Customer.objects.all()
    assert set(customers.values_list("grade", flat=True)) == {"A", "B", "C"}
    assert len(set(customers.values_list("status", flat=True))) >= 4
    assert len(set(customers.values_list("region", flat=True))) >= 3
    assert len(set(customers.values_list("industry", flat=True))) >= 5
    owners = set(customers.values_list("owner__role", flat=True))
    assert owners == {Role.SALES_REP, Role.SALES_MANAGER}
    tagged = set(Tag.objects.filter(customers__isnull=False).values_list("dimension", flat=True))
    assert tagged == set(Tag.Dimension.values)
    for customer in customers.prefetch_related("contacts"):
        assert 1 <= len(customer.contacts.all()) <= 3
    assert 10 <= customers.overdue(today).count() <= 25
    assert customers.filter(next_followup_due__gte=today).count() >= 35
    followups = FollowUp.objects.all()
    assert followups.filter(occurred_at__lt=timezone.now() - timedelta(days=300)).exists()
    assert followups.filter(is_late=True).exists()
    visits = followups.filter(method=FollowUp.Method.VISIT, latitude__isnull=False)
    assert visits.filter(latitude__range=(30.9, 31.6), longitude__range=(121, 122)).exists()
    assert visits.filter(latitude__range=(22.8, 23.5), longitude__range=(112.9, 113.6)).exists()
    assert visits.filter(latitude__range=(30, 30.6), longitude__range=(119.8, 120.5)).exists()
    assert NeedsSurvey.objects.count() == 2
    open_tasks = Task.objects.open().filter(owner__role=Role.SALES_REP)
    assert open_tasks.count() >= 10
    assert open_tasks.filter(due_date__lt=today).exists()
    assert customers.filter(second_check=Customer.SecondCheck.PENDING).count() == 1
    assert all(c.name_key and c.phone_key for c in customers)


# --- seed_volume -----------------------------------------------------------------------------

TINY = {"customers": 40, "contacts_per": 2, "followups_per": 4, "reps": 6, "teams": 3}
# The suite also runs on SQLite, where seed_volume wants --force (tiny numbers are quick there).
FORCED = {**TINY, "force": True}


def test_seed_volume_fills_teams_reps_customers_contacts_and_followups():
    output = run("seed_volume", **FORCED)

    assert "Volume data: 40 customers" in output
    assert User.objects.filter(role=Role.SALES_REP).count() == 6
    assert User.objects.filter(role=Role.SALES_MANAGER).count() == 3 + 2  # teams and regions
    assert User.objects.filter(role=Role.DIRECTOR).count() == 1
    assert Team.objects.filter(kind=Team.Kind.TEAM).count() == 3
    assert Team.objects.filter(kind=Team.Kind.TEAM, manager__isnull=True).count() == 0
    assert Customer.objects.count() == 40
    assert Contact.objects.count() == 80
    assert Contact.objects.filter(is_key=True).count() == 40
    assert 40 * 2 <= FollowUp.objects.count() <= 40 * 4 * 20
    assert not Customer.objects.filter(name_key="").exists()
    assert not Customer.objects.filter(phone_key="").exists()
    assert not Customer.objects.filter(next_followup_due__isnull=True).exists()
    assert Customer.objects.overdue(timezone.localdate()).exists()
    # Dates are spread over the past, not the moment of seeding.
    assert Customer.objects.filter(created_at__lt=timezone.now() - timedelta(days=30)).count() == 40
    assert FollowUp.objects.filter(recorded_at__lt=timezone.now() - timedelta(days=1)).exists()
    rep = User.objects.filter(role=Role.SALES_REP).first()
    assert Task.objects.open().filter(owner=rep).exists()


def test_seed_volume_writes_in_batches_not_one_save_per_row():
    saves = []

    def count_save(sender, **kwargs):
        saves.append(sender)

    post_save.connect(count_save, sender=Customer)
    post_save.connect(count_save, sender=FollowUp)
    post_save.connect(count_save, sender=Contact)

    def queries(customers):
        # The customers' own volume: later apps' volume data adds rows per customer.
        later = [
            fn
            for fn in hooks.get(hooks.VOLUME_DATA)
            if not fn.__module__.startswith(("customers.", "teams."))
        ]
        with contextlib.ExitStack() as stack:
            for fn in later:
                stack.enter_context(hooks.unregister_temporarily(hooks.VOLUME_DATA, fn))
            with CaptureQueriesContext(connection) as context, transaction.atomic():
                run("seed_volume", **{**FORCED, "customers": customers})
                transaction.set_rollback(True)
        return len(context.captured_queries)

    try:
        few, many = queries(5), queries(120)
    finally:
        post_save.disconnect(count_save, sender=Customer)
        post_save.disconnect(count_save, sender=FollowUp)
        post_save.disconnect(count_save, sender=Contact)
    assert saves == []
    if connection.vendor == "postgresql":
        # The same queries for 5 and 120 customers: rows go in through COPY, a batch at a
        # time; what is counted is the teams, users, tags and industries (get_or_create each).
        assert few == many
    else:
        # bulk_create batches are capped by SQLite's variable limit: a few more batches for
        # about 1,500 more rows, never a query per row.
        assert many - few <= 20
    assert many < 200


def test_seed_volume_without_copy_uses_bulk_create_and_keeps_its_dates(monkeypatch):
    monkeypatch.setattr(bulk_insert, "use_copy", lambda: False)
    run("seed_volume", **FORCED)
    assert Customer.objects.count() == 40
    assert Contact.objects.count() == 80
    assert Customer.objects.filter(created_at__lt=timezone.now() - timedelta(days=30)).count() == 40
    assert not FollowUp.objects.filter(
        recorded_at__gt=timezone.now() - timedelta(minutes=1)
    ).exists()


def test_seed_volume_refuses_a_database_with_customers_unless_appending():
    run("seed_volume", **FORCED)
    with pytest.raises(CommandError, match="has customers already"):
        run("seed_volume", **FORCED)
    run("seed_volume", **{**FORCED, "customers": 10}, append=True)
    assert Customer.objects.count() == 50
    assert User.objects.filter(role=Role.SALES_REP).count() == 6  # the same reps


def test_seed_volume_refuses_sqlite_without_force(monkeypatch):
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(CommandError, match="PostgreSQL"):
        run("seed_volume", **TINY)
    assert Customer.objects.count() == 0
