"""My agenda (我的日程): each user's dated work from every app in a day, week or month, the
team's for managers, overdue work kept in front on today, and the .ics feed behind a secret,
revocable token."""

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from aftersales.models import Complaint, Revisit
from notifications import agenda
from notifications.models import AgendaFeed
from tests.factories import (
    ContractFactory,
    CustomerFactory,
    InstalmentFactory,
    OpportunityFactory,
    TaskFactory,
)

pytestmark = pytest.mark.django_db

URL = reverse("notifications:agenda")


def _page(client, user, **params):
    client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == 200
    return response


def _titles(response):
    return [item.title for item in response.context["entries"]]


def test_a_reps_week_holds_their_follow_ups_tasks_solutions_and_instalments(client, rep, other_rep):
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    customer = CustomerFactory(
        owner=rep, name="华东机械", next_followup_due=monday + timedelta(days=6)
    )
    TaskFactory(customer=customer, title="寄送报价", due_date=monday + timedelta(days=6))
    OpportunityFactory(
        customer=customer, owner=rep, name="产线升级", solution_due=monday + timedelta(days=6)
    )
    contract = ContractFactory(customer=customer, number="HT2026120007", signed=True)
    InstalmentFactory(contract=contract, position=1, due_date=monday + timedelta(days=6))
    # Another rep's work and next week's work are not in this week.
    CustomerFactory(owner=other_rep, name="别人的客户", next_followup_due=monday)
    CustomerFactory(owner=rep, name="下周的客户", next_followup_due=monday + timedelta(days=7))

    response = _page(client, rep, view="week", date=today.isoformat())

    days = dict(response.context["days"])
    sunday = {item.kind: item.title for item in days[monday + timedelta(days=6)]}
    assert sunday == {
        "followup": "华东机械",
        "task": "寄送报价 · 华东机械",
        "solution": "产线升级 · 华东机械",
        "instalment": "HT2026120007 #1 · 华东机械 · ¥113,000.00",
    }
    assert "别人的客户" not in _titles(response) and "下周的客户" not in _titles(response)
    assert len(response.context["days"]) == 7
    assert reverse("customers:customer-detail", args=[customer.pk]) in response.content.decode()
    assert reverse("contracts:contract-detail", args=[contract.pk]) in response.content.decode()


def test_overdue_work_shows_on_today_with_its_days_overdue(client, rep):
    today = timezone.localdate()
    customer = CustomerFactory(
        owner=rep, name="逾期客户", next_followup_due=today - timedelta(days=40)
    )
    TaskFactory(
        customer=customer,
        title="已完成的任务",
        due_date=today - timedelta(days=2),
        done_at=timezone.now(),
    )
    TaskFactory(customer=customer, title="回电", due_date=today - timedelta(days=3))

    response = _page(client, rep, view="day")

    todays = dict(response.context["days"])[today]
    assert [(item.title, item.overdue_days) for item in todays] == [
        ("逾期客户", 40),
        ("回电 · 逾期客户", 3),
    ]
    assert response.context["overdue_count"] == 2
    assert "40 days overdue" in response.content.decode()


def test_a_past_week_does_not_repeat_what_is_overdue_today(client, rep):
    today = timezone.localdate()
    CustomerFactory(owner=rep, name="逾期客户", next_followup_due=today - timedelta(days=40))
    response = _page(client, rep, view="week", date=(today - timedelta(days=14)).isoformat())
    assert _titles(response) == []


def test_the_month_view_lays_out_whole_weeks(client, rep):
    today = timezone.localdate()
    CustomerFactory(owner=rep, name="本月客户", next_followup_due=today.replace(day=15))
    response = _page(client, rep, view="month", date=today.isoformat())
    weeks = response.context["weeks"]
    assert all(len(week) == 7 for week in weeks)
    assert weeks[0][0][0].weekday() == 0
    assert "本月客户" in _titles(response)


def test_a_manager_reads_the_teams_agenda_and_a_rep_only_their_own(client, rep, manager, other_rep):
    today = timezone.localdate()
    CustomerFactory(owner=rep, name="团队成员的客户", next_followup_due=today)
    CustomerFactory(owner=other_rep, name="其他团队的客户", next_followup_due=today)

    mine = _page(client, manager, view="day")
    team = _page(client, manager, view="day", scope="team")
    assert _titles(mine) == []
    assert _titles(team) == ["团队成员的客户"]
    assert rep.get_full_name() in team.content.decode() or rep.username in team.content.decode()

    # A rep asking for a team agenda gets their own.
    CustomerFactory(owner=manager, name="经理的客户", next_followup_due=today)
    as_rep = _page(client, rep, view="day", scope="team")
    assert as_rep.context["scope"] == "mine" and _titles(as_rep) == ["团队成员的客户"]
    assert b'id="agenda-team"' not in as_rep.content


def _complaint(customer, handler, due):
    resolve_by = timezone.make_aware(datetime.combine(due, time(18)))
    return Complaint.objects.create(
        customer=customer,
        subject=f"投诉{customer.pk}",
        description="—",
        channel=Complaint.Channel.PHONE,
        category=Complaint.Category.SERVICE,
        severity=Complaint.Severity.MEDIUM,
        received_at=timezone.now(),
        handler=handler,
        respond_by=timezone.now() + timedelta(hours=48),
        resolve_by=resolve_by,
    )


def test_the_agenda_runs_a_constant_number_of_queries(client, rep, django_assert_max_num_queries):
    today = timezone.localdate()

    def count():
        client.force_login(rep)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, {"view": "month"}).status_code == 200
        return len(queries)

    customer = CustomerFactory(owner=rep, next_followup_due=today)
    TaskFactory(customer=customer, due_date=today)
    few = count()
    for n in range(20):
        extra = CustomerFactory(owner=rep, next_followup_due=today + timedelta(days=n % 5))
        TaskFactory(customer=extra, due_date=today - timedelta(days=n))
        contract = ContractFactory(customer=extra, signed=True)
        InstalmentFactory(contract=contract, position=1, due_date=today + timedelta(days=n % 7))
        _complaint(extra, rep, today + timedelta(days=n % 9))
        Revisit.objects.create(
            customer=extra,
            kind=Revisit.Kind.QUARTERLY,
            period="2026Q4",
            due_date=today + timedelta(days=n % 3),
            assignee=rep,
        )
    assert count() == few


def test_a_bad_date_or_view_falls_back_to_this_week(client, rep):
    response = _page(client, rep, view="year", date="2026-02-30")
    assert response.context["period"].view == "week"
    assert response.context["period"].anchor == timezone.localdate()


# --- the .ics feed ---------------------------------------------------------------------------


def _feed(client, token):
    client.logout()
    return client.get(reverse("notifications:agenda-feed", args=[token]))


def test_the_feed_serves_the_agenda_as_icalendar_without_a_login(client, rep):
    today = timezone.localdate()
    customer = CustomerFactory(
        owner=rep, name="日历客户", next_followup_due=today + timedelta(days=2)
    )
    TaskFactory(customer=customer, title="上门演示", due_date=today + timedelta(days=1))
    client.force_login(rep)
    client.post(reverse("notifications:agenda-feed-token"))
    token = AgendaFeed.objects.get(user=rep).token

    response = _feed(client, token)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    unfolded = body.replace("\r\n ", "")
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert "SUMMARY:Follow-up due: 日历客户" in unfolded
    assert "SUMMARY:Task: 上门演示 · 日历客户" in unfolded
    assert f"DTSTART;VALUE=DATE:{today + timedelta(days=1):%Y%m%d}" in body
    assert f"/customers/{customer.pk}/" in unfolded
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def test_a_wrong_revoked_or_replaced_token_or_a_deactivated_user_gets_nothing(client, rep):
    client.force_login(rep)
    client.post(reverse("notifications:agenda-feed-token"))
    first = AgendaFeed.objects.get(user=rep).token
    assert _feed(client, first).status_code == 200
    assert _feed(client, first[:-1] + ("x" if first[-1] != "x" else "y")).status_code == 404

    client.force_login(rep)
    client.post(reverse("notifications:agenda-feed-token"))
    second = AgendaFeed.objects.get(user=rep).token
    assert second != first
    assert _feed(client, first).status_code == 404
    assert _feed(client, second).status_code == 200

    rep.is_active = False
    rep.save()
    assert _feed(client, second).status_code == 404
    rep.is_active = True
    rep.save()

    client.force_login(rep)
    response = client.post(reverse("notifications:agenda-feed-token"), {"revoke": "1"}, follow=True)
    assert "no longer works" in response.content.decode()
    assert not AgendaFeed.objects.filter(user=rep).exists()
    assert _feed(client, second).status_code == 404


def test_the_agenda_page_shows_the_feed_address_only_to_its_owner(client, rep, other_rep):
    client.force_login(rep)
    client.post(reverse("notifications:agenda-feed-token"))
    token = AgendaFeed.objects.get(user=rep).token
    assert token in _page(client, rep).content.decode()
    assert token not in _page(client, other_rep).content.decode()


def test_long_lines_fold_without_splitting_a_character():
    line = "SUMMARY:" + "跟进到期：" * 30
    folded = agenda._fold(line)
    parts = folded.split("\r\n ")
    assert "".join(parts) == line
    assert all(len(part.encode()) <= 75 for part in parts)
    assert len(parts[0].encode()) <= 75 and all(len(p.encode()) <= 74 for p in parts[1:])


def test_the_agenda_is_in_the_navbar(client, rep):
    response = _page(client, rep)
    assert b'href="/notifications/agenda/"' in response.content


def test_complaints_due_and_revisits_are_on_the_handlers_agenda(client, aftersales, rep):
    today = timezone.localdate()
    customer = CustomerFactory(owner=rep, name="华东精密")
    late = _complaint(customer, aftersales, today - timedelta(days=2))
    soon = _complaint(customer, aftersales, today + timedelta(days=1))
    _complaint(customer, aftersales, today + timedelta(days=30))  # next month
    closed = _complaint(customer, aftersales, today)
    Complaint.objects.filter(pk=closed.pk).update(status=Complaint.Status.CLOSED)
    revisit = Revisit.objects.create(
        customer=customer,
        kind=Revisit.Kind.QUARTERLY,
        period="2026Q4",
        due_date=today + timedelta(days=1),
        assignee=aftersales,
    )
    # A revisit whose customers task is open shows as that task, once.
    task = TaskFactory(customer=customer, owner=aftersales, title="季度回访", due_date=today)
    Revisit.objects.create(
        customer=customer,
        kind=Revisit.Kind.ANNIVERSARY,
        period="2026",
        due_date=today,
        assignee=aftersales,
        task=task,
    )

    response = _page(client, aftersales, view="day", date=today.isoformat())
    on_today = {(item.kind, item.title, item.url) for item in response.context["entries"]}
    assert on_today == {
        (
            "complaint",
            f"{late.number} {late.subject} · 华东精密",
            f"/aftersales/complaints/{late.pk}/",
        ),
        ("task", "季度回访 · 华东精密", f"/customers/{customer.pk}/"),
    }
    tomorrow = _page(client, aftersales, view="day", date=(today + timedelta(days=1)).isoformat())
    entries = {item.kind: item for item in tomorrow.context["entries"]}
    assert set(entries) == {"complaint", "revisit"}
    assert entries["complaint"].title.startswith(soon.number)
    assert entries["revisit"].title == "华东精密 · 2026Q4"
    assert entries["revisit"].url.endswith(f"?customer={customer.pk}&revisit={revisit.pk}")
    # The rep does not handle them: not on the rep's agenda.
    assert _titles(_page(client, rep, view="week", date=today.isoformat())) == []
