"""Tasks: a follow-up's next action with an owner and a deadline, under "My tasks"."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from customers import services
from customers.models import FollowUp, Task
from tests.factories import CustomerFactory, TaskFactory

pytestmark = pytest.mark.django_db


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def task(rep):
    return TaskFactory(customer=CustomerFactory(owner=rep), title="发送报价单")


def test_next_action_becomes_a_task_on_my_home_page(client, rep):
    customer = CustomerFactory(owner=rep)
    services.followup_log(
        by=rep,
        customer=customer,
        method=FollowUp.Method.PHONE,
        occurred_at=timezone.now(),
        summary="电话沟通",
        next_action="预约演示",
        next_action_due=timezone.localdate() + timedelta(days=5),
    )
    client.force_login(rep)
    html = client.get(reverse("home")).content.decode()
    assert "预约演示" in html
    assert reverse("customers:task-list") in html  # the panel links to the full page


def test_owner_marks_a_task_done_and_is_sent_back(client, rep, task):
    client.force_login(rep)
    response = client.post(
        reverse("customers:task-complete", args=[task.pk]),
        {"next": reverse("customers:task-list")},
    )
    assert response.status_code == 302
    assert response.url == reverse("customers:task-list")
    task.refresh_from_db()
    assert task.done_at is not None
    assert messages_of(response) == ["Task “发送报价单” is done."]


def test_owner_marks_a_task_done_with_htmx(client, rep, task):
    client.force_login(rep)
    response = client.post(
        reverse("customers:task-complete", args=[task.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="task-{task.pk}"' in html
    assert "Done" in html
    task.refresh_from_db()
    assert task.done_at is not None


def test_a_task_is_done_only_once(client, rep, task):
    client.force_login(rep)
    url = reverse("customers:task-complete", args=[task.pk])
    client.post(url)
    client.get(reverse("customers:task-list"))  # where the first message is read
    task.refresh_from_db()
    first_done = task.done_at

    response = client.post(url)

    assert messages_of(response) == ["This task is already done."]
    task.refresh_from_db()
    assert task.done_at == first_done
    again = client.post(url, headers={"HX-Request": "true"})
    assert "This task is already done." in again.content.decode()


def test_the_team_manager_may_close_a_rep_task(client, manager, task):
    client.force_login(manager)
    client.post(reverse("customers:task-complete", args=[task.pk]))
    task.refresh_from_db()
    assert task.done_at is not None


def test_marking_done_is_post_only(client, rep, task):
    client.force_login(rep)
    assert client.get(reverse("customers:task-complete", args=[task.pk])).status_code == 405


# --- the "my tasks" page ------------------------------------------------------------------------


def test_my_tasks_lists_open_ones_overdue_highlighted_and_recently_done(client, rep, other_rep):
    today = timezone.localdate()
    customer = CustomerFactory(owner=rep)
    late = TaskFactory(customer=customer, title="逾期的任务", due_date=today - timedelta(days=2))
    soon = TaskFactory(customer=customer, title="下周的任务", due_date=today + timedelta(days=7))
    TaskFactory(customer=customer, title="昨天完成", done_at=timezone.now() - timedelta(days=1))
    TaskFactory(
        customer=customer, title="很久以前完成", done_at=timezone.now() - timedelta(days=60)
    )
    TaskFactory(customer=CustomerFactory(owner=other_rep), title="别人的任务")

    client.force_login(rep)
    response = client.get(reverse("customers:task-list"))

    assert response.status_code == 200
    assert list(response.context["tasks"]) == [late, soon]
    html = response.content.decode()
    assert "昨天完成" in html
    assert "很久以前完成" not in html
    assert "别人的任务" not in html
    late_row = html[html.index(f'id="task-{late.pk}"') - 200 : html.index("逾期的任务")]
    assert "task-overdue" in late_row
    soon_row = html[html.index(f'id="task-{soon.pk}"') - 200 : html.index("下周的任务")]
    assert "task-overdue" not in soon_row


def test_my_tasks_shows_only_my_tasks_even_to_a_manager(client, manager, rep):
    customer = CustomerFactory(owner=rep)
    TaskFactory(customer=customer, owner=rep, title="代表的任务")
    mine = TaskFactory(customer=customer, owner=manager, title="经理的任务")
    client.force_login(manager)
    assert list(client.get(reverse("customers:task-list")).context["tasks"]) == [mine]


def test_my_tasks_runs_the_same_queries_with_1_and_50_tasks(
    client, rep, django_assert_max_num_queries
):
    customer = CustomerFactory(owner=rep)
    TaskFactory(customer=customer)
    TaskFactory(customer=customer, done_at=timezone.now())
    client.force_login(rep)
    url = reverse("customers:task-list")
    client.get(url)
    with django_assert_max_num_queries(10) as one:
        client.get(url)
    for _ in range(49):
        TaskFactory(customer=CustomerFactory(owner=rep))
        TaskFactory(customer=customer, done_at=timezone.now())
    with django_assert_max_num_queries(10) as fifty:
        response = client.get(url)
    assert len(response.context["tasks"]) == 50
    assert len(one.captured_queries) == len(fifty.captured_queries)


def test_handing_over_moves_open_tasks_with_the_customer(rep, manager, org):
    """The task follows the customer: the new owner sees it under "My tasks"."""
    from tests.factories import UserFactory

    newcomer = UserFactory(username="newcomer", team=org["team_a"])
    customer = CustomerFactory(owner=rep)
    task = TaskFactory(customer=customer, owner=rep)
    services.customers_handover(by=manager, from_user=rep, to_user=newcomer)
    task.refresh_from_db()
    assert task.owner == newcomer
    assert list(Task.objects.visible_to(newcomer).open().filter(owner=newcomer)) == [task]
