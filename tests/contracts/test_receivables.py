"""The receivables page (应收账款): ageing buckets, totals per bucket, team and owner, filters,
who sees which rows, the Excel export, and a constant number of queries."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from contracts.receivables import bucket_of
from customers import services
from customers.models import ExportLog
from teams.roles import Role
from tests.factories import ContractFactory, CustomerFactory
from tests.factories.contracts import InstalmentFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("contracts:receivables")
EXPORT = reverse("contracts:receivables-export")


@pytest.mark.parametrize(
    ("days_past_due", "bucket"),
    [
        (-30, "current"),
        (0, "current"),
        (1, "d1_30"),
        (30, "d1_30"),
        (31, "d31_60"),
        (60, "d31_60"),
        (61, "d61_90"),
        (90, "d61_90"),
        (91, "d90_plus"),
        (400, "d90_plus"),
    ],
)
def test_ageing_buckets(days_past_due, bucket):
    assert bucket_of(days_past_due).key == bucket


def _due(days_past_due):
    return timezone.localdate() - timedelta(days=days_past_due)


@pytest.fixture
def owed(rep, other_rep, steps):
    """rep's signed contract with an instalment in each bucket (one partly paid, one paid),
    other_rep's with one 45 days overdue, and a draft's instalment (not a receivable)."""
    mine = ContractFactory(customer=CustomerFactory(owner=rep, name="甲方客户"), signed=True)
    theirs = ContractFactory(
        customer=CustomerFactory(owner=other_rep, name="乙方客户"), signed=True
    )
    draft = ContractFactory(customer=CustomerFactory(owner=rep, name="草稿客户"))
    rows = {
        "current": InstalmentFactory(contract=mine, due_date=_due(-10), amount=Decimal("1000.00")),
        "d1_30": InstalmentFactory(
            contract=mine,
            due_date=_due(1),
            amount=Decimal("2000.00"),
            paid_amount=Decimal("500.00"),
        ),
        "d61_90": InstalmentFactory(contract=mine, due_date=_due(90), amount=Decimal("3000.00")),
        "d90_plus": InstalmentFactory(contract=mine, due_date=_due(91), amount=Decimal("4000.00")),
        "paid": InstalmentFactory(
            contract=mine,
            due_date=_due(50),
            amount=Decimal("9999.00"),
            paid_amount=Decimal("9999.00"),
        ),
        "theirs": InstalmentFactory(contract=theirs, due_date=_due(45), amount=Decimal("7000.00")),
        "draft": InstalmentFactory(contract=draft, due_date=_due(45), amount=Decimal("8000.00")),
    }
    return rows


@pytest.mark.parametrize(
    ("who", "status", "totals"),
    [
        # not due, 1-30, 31-60, 61-90, >90
        ("rep", 200, ["1,000.00", "1,500.00", "0.00", "3,000.00", "4,000.00"]),
        ("manager", 200, ["1,000.00", "1,500.00", "0.00", "3,000.00", "4,000.00"]),
        ("other_rep", 200, ["0.00", "0.00", "7,000.00", "0.00", "0.00"]),
        ("director", 200, ["1,000.00", "1,500.00", "7,000.00", "3,000.00", "4,000.00"]),
        ("general_manager", 200, ["1,000.00", "1,500.00", "7,000.00", "3,000.00", "4,000.00"]),
        ("delivery", 403, None),
        ("aftersales", 403, None),
    ],
)
def test_totals_per_bucket_for_each_role(request, client, owed, who, status, totals):
    client.force_login(request.getfixturevalue(who))
    response = client.get(PAGE)
    assert response.status_code == status
    if totals is not None:
        summary = response.context["summary"]
        assert [f"{amount:,.2f}" for amount in summary.total.cells] == totals


def test_rows_oldest_first_with_days_and_totals_per_team_and_owner(
    client, director, rep, other_rep, owed, org
):
    client.force_login(director)
    response = client.get(PAGE)
    rows = response.context["rows"]
    assert [r.pk for r in rows] == [
        owed[k].pk for k in ("d90_plus", "d61_90", "theirs", "d1_30", "current")
    ]
    assert [r.days_past_due for r in rows] == [91, 90, 45, 1, -10]
    summary = response.context["summary"]
    assert [(team.name, t.total) for team, t in summary.teams] == [
        ("Team A", Decimal("9500.00")),
        ("Team C", Decimal("7000.00")),
    ]
    assert [(owner, t.overdue) for owner, t in summary.owners] == [
        (rep, Decimal("8500.00")),
        (other_rep, Decimal("7000.00")),
    ]
    page = response.content.decode()
    assert "16,500.00" in page  # the total outstanding
    assert "乙方客户" in page and "草稿客户" not in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("bucket=d61_90", {"d61_90"}),
        ("bucket=current", {"current"}),
        ("q=乙方", {"theirs"}),
        ("owner={other_rep}", {"theirs"}),
        ("team={team_a}", {"current", "d1_30", "d61_90", "d90_plus"}),
        ("team={east}", {"current", "d1_30", "d61_90", "d90_plus"}),
    ],
)
def test_filters(client, director, other_rep, org, owed, query, expected):
    client.force_login(director)
    query = query.format(other_rep=other_rep.pk, team_a=org["team_a"].pk, east=org["east"].pk)
    response = client.get(f"{PAGE}?{query}")
    names = {row.pk: name for name, row in owed.items()}
    assert {names[r.pk] for r in response.context["rows"]} == expected


@pytest.mark.parametrize("query", ["bucket=d999", "team=999999", "owner=abc"])
def test_a_bad_filter_is_explained_and_shows_everything(client, director, owed, query):
    client.force_login(director)
    response = client.get(f"{PAGE}?{query}")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert 'id="filter-errors"' in response.content.decode()
    assert response.context["page_obj"].paginator.count == 5


def test_a_manager_cannot_filter_to_another_team(client, manager, org, owed):
    client.force_login(manager)
    response = client.get(f"{PAGE}?team={org['team_c'].pk}")
    assert "team" in response.context["form"].errors
    assert {r.contract.owner.username for r in response.context["rows"]} == {"rep"}


def test_export_writes_the_visible_rows_formula_safe(client, manager, owed, rep):
    owed["current"].contract.customer.name = '=HYPERLINK("http://x")'
    owed["current"].contract.customer.save()
    client.force_login(manager)
    response = client.get(f"{EXPORT}?bucket=current")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Contract number", "Contract title", "Customer")
    assert len(rows) == 2
    assert rows[1][2] == '\'=HYPERLINK("http://x")'
    assert rows[1][9] == 1000 and rows[1][11] == "Not yet due"


def test_export_refused_for_a_role_without_contracts(client, delivery, owed):
    client.force_login(delivery)
    assert client.get(EXPORT).status_code == 403


@pytest.mark.parametrize(
    ("language", "headers"),
    [
        ("zh-hans", ("合同编号", "合同名称", "客户")),
        ("en", ("Contract number", "Contract title", "Customer")),
    ],
)
def test_export_headers_are_in_the_readers_language(client, manager, owed, language, headers):
    client.force_login(manager)
    response = client.get(EXPORT, HTTP_ACCEPT_LANGUAGE=language)
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert next(sheet.iter_rows(values_only=True))[:3] == headers
    assert sheet.freeze_panes == "A2"


def _queued(client, user, query=""):
    """Ask for an export too large to download at once; returns the response and its log."""
    response = client.get(f"{EXPORT}?{query}")
    return response, ExportLog.objects.filter(user=user).order_by("-pk").first()


def _sheet_rows(content):
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def test_a_large_export_is_queued_written_by_a_worker_and_downloaded_by_its_requester(
    client, director, rep, owed, monkeypatch, sent_tasks
):
    monkeypatch.setattr("contracts.receivables_export.DIRECT_ROWS", 2)
    client.force_login(director)
    response, log = _queued(client, director, f"owner={rep.pk}&page=2")
    # Too many for one request: queued, and the requester follows it on its page.
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:export-detail", args=[log.pk])
    assert (log.kind, log.query, log.status, log.total) == (
        "receivables",
        f"owner={rep.pk}",
        "queued",
        4,
    )
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "应收账款导出" in page and "匹配：4 期未收款项" in page
    assert reverse("contracts:receivables") + f"?owner={rep.pk}" in page  # back to the list

    # A double click queues nothing more.
    assert _queued(client, director, f"owner={rep.pk}")[1] == log

    assert services.customers_export_write(log_id=log.pk) == 4
    log.refresh_from_db()
    assert (log.status, log.row_count) == ("done", 4)
    download = client.get(reverse("customers:export-download", args=[log.pk]))
    assert download["Content-Disposition"].startswith('attachment; filename="receivables-')
    rows = _sheet_rows(b"".join(download.streaming_content))
    assert len(rows) == 5 and {row[3] for row in rows[1:]} == {rep.display_name}

    # Only its requester sees or downloads it.
    client.force_login(rep)
    assert client.get(reverse("customers:export-detail", args=[log.pk])).status_code == 404
    assert client.get(reverse("customers:export-download", args=[log.pk])).status_code == 404
    assert log.pk not in [
        e.pk for e in client.get(reverse("customers:export-list")).context["exports"]
    ]


def test_a_queued_export_holds_only_what_its_requester_sees(client, rep, owed, monkeypatch):
    monkeypatch.setattr("contracts.receivables_export.DIRECT_ROWS", 2)
    client.force_login(rep)
    _response, log = _queued(client, rep)
    assert log.total == 4  # the rep's four unpaid instalments, not the other rep's
    services.customers_export_write(log_id=log.pk)
    download = client.get(reverse("customers:export-download", args=[log.pk]))
    rows = _sheet_rows(b"".join(download.streaming_content))[1:]
    assert len(rows) == 4
    assert {row[0] for row in rows} == {owed["current"].contract.number}


def test_a_queued_export_fails_when_its_requester_lost_the_right(client, rep, owed, monkeypatch):
    monkeypatch.setattr("contracts.receivables_export.DIRECT_ROWS", 2)
    client.force_login(rep)
    _response, log = _queued(client, rep)
    rep.role = Role.DELIVERY
    rep.save(update_fields=["role"])
    assert services.customers_export_write(log_id=log.pk) == 0
    log.refresh_from_db()
    assert log.status == "failed" and not log.file


@pytest.mark.parametrize("many", [False, True])
def test_queries_do_not_grow_with_rows(
    client, director, rep, other_rep, steps, django_assert_num_queries, many
):
    for owner in (rep, other_rep) if many else (rep,):
        for _ in range(3 if many else 1):
            contract = ContractFactory(customer=CustomerFactory(owner=owner), signed=True)
            InstalmentFactory(contract=contract, due_date=_due(40), amount=Decimal("10.00"))
            InstalmentFactory(contract=contract, due_date=_due(-5), amount=Decimal("10.00"))
    client.force_login(director)
    # session, the user with their team, totals by owner, the owners, count, rows, teams (the
    # filter)
    with django_assert_num_queries(7):
        assert client.get(PAGE).status_code == 200
