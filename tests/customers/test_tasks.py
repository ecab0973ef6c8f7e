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


# --- tasks by hand, counts in place, undo (issue 9 point 6) -----------------------------------


def test_a_rep_adds_a_task_for_a_customer_from_its_page(client, rep):
    customer = CustomerFactory(owner=rep)
    page = reverse("customers:customer-detail", args=[customer.pk])
    client.force_login(rep)
    due = timezone.localdate() + timedelta(days=2)
    response = client.post(
        reverse("customers:task-create"),
        {"title": "寄样品", "due_date": due.isoformat(), "customer": customer.pk, "next": page},
    )
    assert response.status_code == 302 and response.url == page
    task = Task.objects.get()
    assert (task.customer, task.owner, task.title, task.due_date) == (customer, rep, "寄样品", due)
    assert task.followup is None
    assert "寄样品" in client.get(page).content.decode()


def test_a_free_standing_task_is_its_owners_and_their_managers_only(
    client, rep, other_rep, manager
):
    client.force_login(rep)
    response = client.post(
        reverse("customers:task-create"),
        {"title": "整理月报", "due_date": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302 and response.url == reverse("customers:task-list")
    task = Task.objects.get(customer=None)
    assert task.owner == rep
    assert list(Task.objects.visible_to(rep)) == [task]
    assert list(Task.objects.visible_to(manager)) == [task]
    assert list(Task.objects.visible_to(other_rep)) == []
    html = client.get(reverse("customers:task-list")).content.decode()
    assert "整理月报" in html and "No customer" in html
    client.force_login(other_rep)
    assert client.post(reverse("customers:task-complete", args=[task.pk])).status_code == 404


def test_a_task_cannot_be_added_to_a_customer_one_may_not_see(client, rep, other_rep):
    theirs = CustomerFactory(owner=other_rep)
    client.force_login(rep)
    response = client.post(
        reverse("customers:task-create"),
        {"title": "偷看", "due_date": timezone.localdate().isoformat(), "customer": theirs.pk},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["customer"] == [
        "Pick a customer from the search results."
    ]
    assert not Task.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": "", "due_date": "2099-01-01"}, "title", "Say what the task is."),
        ({"title": "回访", "due_date": ""}, "due_date", "Give the task a due date."),
        (
            {"title": "回访", "due_date": "2001-01-01"},
            "due_date",
            "A new task cannot be due in the past.",
        ),
    ],
)
def test_a_bad_task_is_refused_with_a_message(client, rep, data, field, message):
    client.force_login(rep)
    response = client.post(reverse("customers:task-create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert not Task.objects.exists()


def test_the_new_task_page_is_for_who_works_with_customers(client, rep, legal):
    client.force_login(legal)
    assert client.get(reverse("customers:task-create")).status_code == 403
    client.force_login(rep)
    assert client.get(reverse("customers:task-create")).status_code == 200


def test_done_with_htmx_updates_the_counts_in_place(client, rep):
    customer = CustomerFactory(owner=rep)
    today = timezone.localdate()
    late = TaskFactory(customer=customer, owner=rep, due_date=today - timedelta(days=3))
    TaskFactory(customer=customer, owner=rep, due_date=today)
    TaskFactory(customer=customer, owner=rep, due_date=today + timedelta(days=3))
    client.force_login(rep)
    assert client.get(reverse("customers:task-list")).context["counts"] == {
        "open": 3,
        "overdue": 1,
        "today": 1,
    }
    response = client.post(
        reverse("customers:task-complete", args=[late.pk]),
        {"counts": "mine"},
        headers={"HX-Request": "true"},
    )
    assert response.context["counts"] == {"open": 2, "overdue": 0, "today": 1}
    html = response.content.decode()
    assert 'id="task-counts" hx-swap-oob="true"' in html
    assert (
        "2 open" in html and "1 due today" in html and "overdue" not in html.split("task-counts")[1]
    )


def test_undo_reopens_a_task_just_done(client, rep, task):
    client.force_login(rep)
    done = client.post(
        reverse("customers:task-complete", args=[task.pk]), headers={"HX-Request": "true"}
    )
    assert reverse("customers:task-reopen", args=[task.pk]) in done.content.decode()
    undone = client.post(
        reverse("customers:task-reopen", args=[task.pk]), headers={"HX-Request": "true"}
    )
    assert undone.status_code == 200
    task.refresh_from_db()
    assert task.done_at is None
    assert reverse("customers:task-complete", args=[task.pk]) in undone.content.decode()
    assert undone.context["counts"]["open"] == 1


def test_undo_is_only_for_a_few_seconds(client, rep, task):
    task.done_at = timezone.now() - services.followups.UNDO_WINDOW - timedelta(seconds=1)
    task.save()
    client.force_login(rep)
    response = client.post(reverse("customers:task-reopen", args=[task.pk]), {"next": "/"})
    assert messages_of(response) == ["Too late to undo: reopen it by creating the task again."]
    task.refresh_from_db()
    assert task.done_at is not None


def test_another_rep_can_neither_close_nor_reopen_my_task(client, other_rep, task):
    client.force_login(other_rep)
    assert client.post(reverse("customers:task-complete", args=[task.pk])).status_code == 404
    assert client.post(reverse("customers:task-reopen", args=[task.pk])).status_code == 404


@pytest.mark.parametrize("url_name", ["customers:task-complete", "customers:task-reopen"])
def test_done_and_undo_run_a_constant_number_of_queries(
    client, rep, url_name, django_assert_num_queries
):
    customer = CustomerFactory(owner=rep)
    tasks = TaskFactory.create_batch(30, customer=customer, owner=rep)
    for one in tasks:
        if url_name.endswith("reopen"):
            one.done_at = timezone.now()
            one.save()
    client.force_login(rep)
    client.post(reverse(url_name, args=[tasks[0].pk]), headers={"HX-Request": "true"})  # warm
    with django_assert_num_queries(10) as first:
        client.post(reverse(url_name, args=[tasks[1].pk]), headers={"HX-Request": "true"})
    with django_assert_num_queries(len(first.captured_queries)):
        client.post(reverse(url_name, args=[tasks[2].pk]), headers={"HX-Request": "true"})


def test_the_new_task_page_runs_a_constant_number_of_queries(
    client, rep, django_assert_num_queries
):
    client.force_login(rep)
    client.get(reverse("customers:task-create"))
    with django_assert_num_queries(2):  # the session and the user
        client.get(reverse("customers:task-create"))


def test_a_free_standing_task_shows_in_the_agenda_linking_to_my_tasks(rep):
    from customers import agenda

    today = timezone.localdate()
    TaskFactory(customer=None, owner=rep, title="整理月报", due_date=today)
    [item] = agenda.tasks_due(owner_ids=[rep.pk], start=today, end=today, today=today)
    assert item.title == "整理月报"
    assert item.url == reverse("customers:task-list")
