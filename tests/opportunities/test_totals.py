"""The running totals (models/totals.py) equal grouping the opportunities live, whatever
changed them: the services, a bulk update, raw deletes, a customer's handover. The kanban's
columns and the forecast read from them give the live figures for every role, shares included.
PostgreSQL only: the triggers that keep the totals exist there (elsewhere the pages sum live)."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.db import connection
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from customers.models import CustomerShare
from opportunities import selectors
from opportunities.models import Opportunity, PipelineTotal
from opportunities.services.moves import opportunity_move
from tests.factories import CustomerFactory, OpportunityFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers are PostgreSQL's"),
]


def _totals():
    return {
        (row["owner_id"], row["stage_id"], row["status"]): (row["n"], row["amount"], row["w"])
        for row in PipelineTotal.objects.values("owner_id", "stage_id", "status")
        .annotate(n=Sum("count"), amount=Sum("amount"), w=Sum("weighted_sum"))
        .order_by()
        if row["n"]
    }


def _live():
    from opportunities.selectors import _AMOUNT_X_PROBABILITY

    return {
        (row["owner_id"], row["stage_id"], row["status"]): (row["n"], row["amount"], row["w"])
        for row in Opportunity.objects.values("owner_id", "stage_id", "status")
        .annotate(n=Count("pk"), amount=Sum("expected_amount"), w=Sum(_AMOUNT_X_PROBABILITY))
        .order_by()
    }


def _months():
    """Open by month expected, won by month won (Shanghai), as the totals keep them."""
    zone = timezone.get_current_timezone()
    open_ = {
        (row["owner_id"], row["month"]): row["n"]
        for row in Opportunity.objects.open()
        .values("owner_id", month=TruncMonth("expected_close_date"))
        .annotate(n=Count("pk"))
        .order_by()
    }
    won = {
        (row["owner_id"], timezone.localtime(row["month"]).date()): row["n"]
        for row in Opportunity.objects.won()
        .values("owner_id", month=TruncMonth("closed_at", tzinfo=zone))
        .annotate(n=Count("pk"))
        .order_by()
    }
    kept = {}
    for row in PipelineTotal.objects.filter(count__gt=0).values(
        "owner_id", "status", "month", "count"
    ):
        if row["status"] in ("open", "won"):
            key = (row["status"], row["owner_id"], row["month"])
            kept[key] = kept.get(key, 0) + row["count"]
    return kept, {("open", *k): v for k, v in open_.items()} | {
        ("won", *k): v for k, v in won.items()
    }


def test_the_totals_follow_every_kind_of_write(rep, other_rep, customer, stages):
    other = CustomerFactory(owner=other_rep)
    first = OpportunityFactory(customer=customer, expected_amount=D("123456.78"))
    OpportunityFactory(customer=customer, needs=True, expected_amount=D("0.01"))
    OpportunityFactory(customer=other, proposal=True, expected_amount=D("99999.99"))
    won = OpportunityFactory(
        customer=other,
        won=True,
        expected_amount=D("80000.00"),
        # late on the last day of a month in Shanghai: the month won is that month
        closed_at=timezone.make_aware(timezone.datetime(2026, 11, 30, 23, 30)),
    )
    assert _totals() == _live()

    # the service's move, a field edit, a bulk update, a handover of the owner, a delete
    opportunity_move(opportunity=first, to_stage=stages["needs"], by=rep)
    Opportunity.objects.filter(pk=first.pk).update(expected_amount=D("5.55"), probability=33)
    Opportunity.objects.filter(customer=other).update(owner=rep)
    Opportunity.objects.filter(pk=won.pk).update(
        closed_at=timezone.make_aware(timezone.datetime(2026, 12, 1, 0, 10))
    )
    Opportunity.objects.bulk_create(
        [
            Opportunity(
                customer=customer,
                owner=rep,
                name=f"批量{n}",
                stage=stages["initial"],
                stage_entered_at=timezone.now(),
                expected_amount=D("1000.10") * n,
                expected_close_date=date(2027, 1, 1) + timedelta(days=n * 20),
                probability=10,
            )
            for n in range(1, 6)
        ]
    )
    Opportunity.objects.filter(name="批量2").delete()
    assert _totals() == _live()
    kept, live = _months()
    assert kept == live
    assert ("won", rep.pk, date(2026, 12, 1)) in kept


def test_columns_and_forecast_from_the_totals_equal_the_live_sums_for_each_role(
    rep, other_rep, manager, director, stages
):
    mine = CustomerFactory(owner=rep)
    theirs = CustomerFactory(owner=other_rep)
    shared = CustomerFactory(owner=other_rep)
    CustomerShare.objects.create(customer=shared, user=rep, can_edit=False)
    today = timezone.localdate().replace(day=1)
    for n, customer in enumerate([mine, mine, theirs, shared, shared]):
        OpportunityFactory(
            customer=customer,
            expected_amount=D("10000.05") * (n + 1),
            expected_close_date=today + timedelta(days=35 * n),
            probability=15 + n,
        )
    OpportunityFactory(customer=shared, won=True, expected_amount=D("777.77"))
    OpportunityFactory(customer=mine, won=True, expected_amount=D("333.33"))
    board = [stage for stage in stages.values()]
    start, end = today - timedelta(days=62), today + timedelta(days=250)

    for user in (rep, other_rep, manager, director):
        visible = Opportunity.objects.visible_to(user)
        scope = selectors.totals_scope(user)
        assert selectors.pipeline_columns_from_totals(
            scope=scope, stages=board, shared=scope.shared
        ) == selectors.pipeline_columns(opportunities=visible, stages=board), user
        from_totals = selectors.forecast_rows_by_owner(
            user=user, start=start.replace(day=1), end=end
        )
        live = selectors.forecast_rows(opportunities=visible, start=start.replace(day=1), end=end)
        assert [
            (r.month, r.key, r.open_count, r.expected, r.weighted, r.won_count, r.won)
            for r in from_totals
        ] == [
            (r.month, r.key, r.open_count, r.expected, r.weighted, r.won_count, r.won) for r in live
        ], user
    # the rep sees the shared customer's opportunities beside their own
    rep_columns = selectors.pipeline_columns_from_totals(
        scope=selectors.totals_scope(rep), stages=board, shared=selectors.totals_scope(rep).shared
    )
    assert sum(column.count for column in rep_columns) == 6


def test_the_boards_filtered_columns_from_the_totals_equal_the_live_sums(
    client, rep, other_rep, manager, director, org, stages
):
    from opportunities.filters import OpportunityFilter

    shared = CustomerFactory(owner=other_rep)
    CustomerShare.objects.create(customer=shared, user=rep, can_edit=True)
    for n, customer in enumerate(
        [CustomerFactory(owner=rep), shared, CustomerFactory(owner=other_rep)]
    ):
        OpportunityFactory(customer=customer, expected_amount=D("1234.56") * (n + 1))
        OpportunityFactory(customer=customer, needs=True, expected_amount=D("0.07"), probability=33)
        OpportunityFactory(customer=customer, lost=True)
    board = [stage for stage in stages.values()]
    for user in (rep, manager, director):
        client.force_login(user)
        for query in (
            {},
            {"status": "open"},
            {"stage": stages["needs"].pk},
            {"owner": other_rep.pk},
            {"team": org["team_a"].pk, "status": "open"},
        ):
            response = client.get("/opportunities/board/", query)
            shown = [entry["column"] for entry in response.context["columns"]]
            live = OpportunityFilter(
                query or None, queryset=Opportunity.objects.visible_to(user), user=user
            )
            expected = selectors.pipeline_columns(
                opportunities=live.qs if live.is_valid() else live.queryset, stages=board
            )
            assert shown == expected, (user, query)
