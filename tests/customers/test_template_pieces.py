"""The grade badge, the overdue flag and the task row are one template tag each
(customers/templatetags/customer_ui.py): every page shows them the same."""

import re
from datetime import timedelta

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from customers.models import GradeProposal
from tests.factories import CustomerFactory, TaskFactory

pytestmark = pytest.mark.django_db


def render(source, **context):
    with translation.override("en"):
        return Template("{% load customer_ui %}" + source).render(Context(context))


def page(client, user, url, **params):
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_grade_badge_is_the_same_on_every_page(client, rep, manager):
    customer = CustomerFactory(owner=rep, grade="B", name="苏州恒泰")
    GradeProposal.objects.create(
        customer=customer, period="2026Q1", current_grade="B", proposed_grade="A", basis_amount=150
    )
    badge = render("{% grade_badge 'B' %}")
    assert badge == (
        '<span class="badge grade-badge grade-b" title="B (potential)">'
        '<span class="visually-hidden">Grade </span>B</span>'
    )
    detail = reverse("customers:customer-detail", args=[customer.pk])
    pages = {
        "list": page(client, rep, reverse("customers:customer-list")),
        "detail": page(client, rep, detail),
        "follow-up form": page(
            client, rep, reverse("customers:followup-create", args=[customer.pk])
        ),
        "quick-log picker": page(client, rep, reverse("customers:customer-search"), q="恒泰"),
        "handover": page(client, manager, reverse("customers:handover"), **{"from": rep.pk}),
        "grade review": page(client, manager, reverse("customers:grade-review")),
    }
    for name, html in pages.items():
        assert badge in html, name
        assert 'class="badge text-bg-light border">B<' not in html, name


def test_the_overdue_flag_is_the_same_on_every_page(client, rep):
    due = timezone.localdate() - timedelta(days=3)
    customer = CustomerFactory(owner=rep, next_followup_due=due)
    TaskFactory(customer=customer, due_date=due)
    flag = render("{% overdue_flag due %}", due=due)
    assert "Overdue by 3 days" in flag
    assert render("{% overdue_flag due %}", due=timezone.localdate()) == ""
    assert render("{% overdue_flag due %}", due=None) == ""
    for url in (
        reverse("customers:customer-list"),
        reverse("customers:customer-detail", args=[customer.pk]),
        reverse("home"),  # the overdue customers panel and the my tasks panel
        reverse("customers:task-list"),
    ):
        assert flag in page(client, rep, url), url


def task_row(html, task):
    """The task's row, with the parts that differ per request (CSRF token, return URL) blanked."""
    row = re.search(rf'<li class="[^"]*" id="task-{task.pk}">.*?</li>', html, re.DOTALL).group(0)
    row = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "csrf", row)
    return re.sub(r'<input type="hidden" name="next" value="[^"]*">', "next", row)


def test_the_task_row_is_the_same_on_the_home_page_and_my_tasks(client, rep):
    today = timezone.localdate()
    late = TaskFactory(customer__owner=rep, title="寄样品", due_date=today - timedelta(days=2))
    due_today = TaskFactory(customer__owner=rep, title="回电话", due_date=today)
    home = page(client, rep, reverse("home"))
    tasks = page(client, rep, reverse("customers:task-list"))
    for task in (late, due_today):
        assert task_row(home, task) == task_row(tasks, task)
    assert "task-overdue" in task_row(home, late)
    assert "Overdue by 2 days" in task_row(home, late)
    assert "task-overdue" not in task_row(home, due_today)
    assert ">today<" in task_row(home, due_today)


def test_a_task_done_with_htmx_comes_back_as_the_done_row_of_my_tasks(client, rep):
    task = TaskFactory(customer__owner=rep, title="发报价")
    client.force_login(rep)
    answer = client.post(
        reverse("customers:task-complete", args=[task.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert "task-done" in task_row(answer, task)
    # The answer offers "Undo" for a few seconds; the page's script then takes it away.
    assert 'class="task-undo"' in task_row(answer, task)
    undo_gone = re.sub(r'<form [^>]*class="task-undo".*?</form>', "", answer, flags=re.DOTALL)
    done_list = page(client, rep, reverse("customers:task-list"))
    assert task_row(undo_gone, task) == task_row(done_list, task)
