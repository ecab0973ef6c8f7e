"""The list and the project page run a constant number of queries: pinned at one row and at
many (a plan of 12 phases with notes, changes and acceptances)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from delivery.services import changes, plan
from delivery.services.assignment import delivery_assign
from tests.factories import ContractFactory

from .conftest import accept, add_phase

pytestmark = pytest.mark.django_db


def count(client, url):
    client.get(url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("who", ["delivery", "lead", "director", "rep"])
def test_the_list_runs_the_same_queries_for_1_and_20_contracts(
    request, client, assigned, customer, lead, delivery, who
):
    client.force_login(request.getfixturevalue(who))
    url = reverse("delivery:project-list") + "?scope=all"
    one = count(client, url)
    for _ in range(19):
        contract = ContractFactory(customer=customer, signed=True)
        delivery_assign(contract=contract, by=lead, owner=delivery, members=[])
        add_phase(contract, delivery)
    assert count(client, url) == one
    assert one <= 12


def note(contract, by, weeks_ago=0):
    plan.progress_note_add(
        contract=contract,
        by=by,
        week_of=timezone.localdate() - timedelta(weeks=weeks_ago),
        body="完成数据迁移",
    )


def change(contract, by, phases):
    return changes.change_request_create(
        contract=contract,
        by=by,
        title="增加报表",
        description="新增三张报表",
        schedule_days=5,
        phases=phases,
        shift_phases=True,
        customer_name="王建国",
        customer_title="信息部经理",
        customer_confirmed_on=timezone.localdate(),
    )


@pytest.mark.parametrize("who", ["delivery", "lead", "rep"])
def test_the_project_page_runs_the_same_queries_for_1_and_12_phases(
    request, client, assigned, delivery, lead, who
):
    """One of each (phase, note, change, acceptance), then a plan of 12 phases with four
    notes, three changes and two acceptances: the same count, for the owner, the lead (who
    decides the changes) and the rep."""
    client.force_login(request.getfixturevalue(who))
    url = reverse("delivery:project", args=[assigned.pk])
    first = add_phase(assigned, delivery, name="阶段 1")
    plan.phase_start(phase=first, by=delivery)
    note(assigned, delivery)
    change(assigned, delivery, [first])
    accept(assigned, delivery, result="fail", items=["报表错误"])
    one = count(client, url)
    phases = [first]
    for n in range(2, 13):
        phases.append(add_phase(assigned, delivery, name=f"阶段 {n}", start=n * 10, days=9))
    for week in range(1, 4):
        note(assigned, delivery, week)
    for _ in range(2):
        last = change(assigned, delivery, phases[5:8])
    changes.change_request_approve(change=last, by=lead)
    accept(assigned, delivery, result="conditional", items=["补充手册", "培训记录"])
    response = client.get(url)
    assert len(response.context["timeline"].bars) == 12
    assert count(client, url) == one
    assert one <= 20


def test_the_home_panel_lists_my_late_phases_and_this_weeks_ends(client, assigned, delivery, rep):
    today = timezone.localdate()
    late = add_phase(assigned, delivery, name="数据迁移", start=0, days=3)  # ended long ago
    ending = plan.phase_save(
        contract=assigned,
        by=delivery,
        name="用户培训",
        start_date=today,
        end_date=today + timedelta(days=6 - today.weekday()),  # this Sunday
    )
    client.force_login(delivery)
    page = client.get(reverse("home")).content.decode()
    assert 'id="panel-delivery-phases"' in page
    assert late.name in page and ending.name in page
    client.force_login(rep)
    assert 'id="panel-delivery-phases"' not in client.get(reverse("home")).content.decode()


def test_the_customer_page_shows_the_delivery_and_its_events(client, assigned, delivery, rep):
    phase = add_phase(assigned, delivery, name="上线切换")
    plan.phase_start(phase=phase, by=delivery)
    plan.phase_complete(phase=phase, by=delivery)
    accept(assigned, delivery)
    client.force_login(rep)
    page = client.get(reverse("customers:customer-detail", args=[assigned.customer_id]))
    html = page.content.decode()
    assert 'id="section-delivery"' in html
    events = client.get(reverse("customers:customer-timeline", args=[assigned.customer_id]))
    kinds = {event.kind for event in events.context["timeline"]}
    assert {"phase", "acceptance"} <= kinds


def test_my_agenda_shows_the_phases_i_own_a_late_one_on_today(assigned, delivery):
    from crm_site import hooks

    today = timezone.localdate()
    late = add_phase(assigned, delivery, name="数据迁移", start=0, days=3, owner=delivery)
    items = [
        item
        for fn in hooks.get(hooks.AGENDA_ITEMS)
        for item in fn(owner_ids=[delivery.pk], start=today, end=today, today=today)
        if item.kind == "phase"
    ]
    assert [(item.title.split(" · ")[0], item.day, item.due) for item in items] == [
        (late.name, today, late.end_date)
    ]
