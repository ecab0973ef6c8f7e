"""The admins' rules page: every rule with its schedule and last run, "run now" through the
outbox, and the thresholds; only admins reach it."""

import pytest
from django.urls import reverse

from notifications import engine
from notifications.models import ReminderSettings, RuleRun
from teams.models import OutboxMessage

from .helpers import at

pytestmark = pytest.mark.django_db

URL = "notifications:rule-list"


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("admin_user", 200),
        ("rep", 403),
        ("manager", 403),
        ("director", 403),
        ("general_manager", 403),
        ("legal", 403),
    ],
)
def test_only_admins_reach_the_rules(client, request, role, status):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse(URL)).status_code == status
    name = "customers.followups_due"
    assert client.post(reverse("notifications:rule-run", args=[name])).status_code in (
        302 if status == 200 else 403,
    )
    assert client.post(reverse(URL), {"approval_hours": 1}).status_code in (200, 403)
    assert OutboxMessage.objects.exists() is (status == 200)


def test_the_page_lists_every_rule_with_its_last_run(
    client, admin_user, rep, django_assert_num_queries
):
    engine.run("customers.followups_due", now=at(2026, 12, 2))
    engine.run("customers.followups_due", now=at(2026, 12, 3))
    RuleRun.objects.create(rule="customers.tasks_due", started_at=at(2026, 12, 3), errors="boom")
    client.force_login(admin_user)
    client.get(reverse(URL))
    # session, the user with their team, the settings row, the last runs
    with django_assert_num_queries(4):
        page = client.get(reverse(URL))
    rows = {row["name"]: row for row in page.context["rules"]}
    assert set(rows) == set(engine.all_rules())
    assert rows["customers.followups_due"]["schedule"] == "Every day at 08:00"
    assert rows["opportunities.approvals_waiting"]["schedule"] == ("Every hour from 09:20 to 18:20")
    assert rows["aftersales.complaint_deadlines"]["schedule"] == "Every hour at minute 35"
    assert rows["customers.followups_due"]["last_run"] == RuleRun.objects.filter(
        rule="customers.followups_due"
    ).latest("pk")
    assert rows["opportunities.solutions_overdue"]["last_run"] is None
    assert "boom" in page.content.decode()


def test_run_now_goes_through_the_outbox(client, admin_user, sent_tasks):
    client.force_login(admin_user)
    response = client.post(reverse("notifications:rule-run", args=["customers.tasks_due"]))
    assert response.status_code == 302
    assert list(OutboxMessage.objects.values_list("task", "args")) == [
        ("notifications.tasks.run_rule_task", ["customers.tasks_due"])
    ]
    assert client.post(reverse("notifications:rule-run", args=["nonsense"])).status_code == 404


def test_an_admin_edits_the_thresholds(client, admin_user):
    client.force_login(admin_user)
    data = {
        "followup_manager_days": 10,
        "approval_hours": 12,
        "approval_manager_hours": 12,
        "solution_manager_days": 3,
        "instalment_due_days": 5,
        "instalment_manager_days": 10,
        "instalment_legal_days": 45,
        "complaint_warn_hours": 8,
        "revisit_days": 14,
    }
    page = client.post(reverse(URL), data)
    assert page.status_code == 200
    assert page.context["form"].errors["approval_manager_hours"]
    assert ReminderSettings.load().approval_hours == 24  # nothing changed
    page = client.post(reverse(URL), data | {"followup_manager_days": 0})
    assert page.context["form"].errors["followup_manager_days"]
    page = client.post(
        reverse(URL), data | {"approval_manager_hours": 36, "instalment_legal_days": 10}
    )
    assert page.context["form"].errors["instalment_legal_days"] == [
        "Legal takes over after the manager: more days than the escalation."
    ]
    assert client.post(reverse(URL), data | {"approval_manager_hours": 36}).status_code == 302
    saved = ReminderSettings.load()
    assert (saved.followup_manager_days, saved.approval_hours, saved.approval_manager_hours) == (
        10,
        12,
        36,
    )
    assert (saved.complaint_warn_hours, saved.revisit_days) == (8, 14)


def test_admins_find_the_rules_in_their_user_menu(client, admin_user, rep):
    client.force_login(admin_user)
    assert 'id="reminder-rules-link"' in client.get("/").content.decode()
    client.force_login(rep)
    page = client.get("/").content.decode()
    assert 'id="reminder-rules-link"' not in page
    assert reverse("notifications:preferences") in page
