"""The notification centre: each reader sees only their own notifications, the bell counts the
unread ones in one query, the list filters by kind and state and pins its query count, marking
read changes only the reader's rows, and opening one leads to its record, or to a 404 page
that says the record is out of reach."""

import pytest
from django.urls import reverse
from django.utils.translation import gettext_noop

from notifications import selectors, services
from notifications.kinds import Kind
from notifications.models import Notification
from tests.factories import CustomerFactory, NotificationFactory

pytestmark = pytest.mark.django_db


def test_notify_creates_a_key_once(rep):
    customer = CustomerFactory(owner=rep)
    first, created = services.notify(
        recipient=rep,
        kind=Kind.FOLLOWUP_DUE,
        key="test/customer/1",
        title=gettext_noop("Follow-up due: %(customer)s"),
        args={"customer": customer.name},
        target=customer,
        url=reverse("customers:customer-detail", args=[customer.pk]),
    )
    again, created_again = services.notify(
        recipient=rep, kind=Kind.FOLLOWUP_DUE, key="test/customer/1", title="other"
    )
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk and again.title == "Follow-up due: %(customer)s"
    assert Notification.objects.count() == 1


def test_the_title_is_stored_untranslated_and_read_in_the_readers_language(rep):
    notification, _ = services.notify(
        recipient=rep,
        kind=Kind.TASK_DUE,
        key="test/task/1",
        title=gettext_noop("Task due: %(task)s"),
        args={"task": "Call"},
    )
    from django.utils import translation

    assert notification.title == "Task due: %(task)s"
    with translation.override("zh-hans"):
        assert notification.text_title == "任务到期：Call"
    assert notification.text_title == "Task due: Call"


def test_the_list_shows_only_ones_own(client, rep, other_rep):
    mine = NotificationFactory(recipient=rep)
    theirs = NotificationFactory(recipient=other_rep)
    client.force_login(rep)
    page = client.get(reverse("notifications:notification-list"))
    assert page.status_code == 200
    assert list(page.context["notifications"]) == [mine]
    assert theirs.text_title not in page.content.decode()


@pytest.mark.parametrize(
    "name", ["notifications:notification-open", "notifications:notification-read"]
)
def test_another_users_notification_is_a_404(client, rep, other_rep, name):
    theirs = NotificationFactory(recipient=other_rep)
    client.force_login(rep)
    method = client.get if name.endswith("open") else client.post
    assert method(reverse(name, args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_every_role_has_the_centre(client, django_user_model, org):
    from teams.roles import Role

    for role in Role.values:
        user = django_user_model.objects.create_user(username=f"u-{role}", role=role)
        client.force_login(user)
        assert client.get(reverse("notifications:notification-list")).status_code == 200
        assert client.get(reverse("notifications:bell")).status_code == 200


def test_the_bell_counts_the_unread_in_one_query(client, rep, other_rep, django_assert_num_queries):
    NotificationFactory.create_batch(3, recipient=rep)
    NotificationFactory(recipient=rep, read=True)
    NotificationFactory(recipient=other_rep)
    client.force_login(rep)
    client.get(reverse("notifications:bell"))  # the session is read once
    with django_assert_num_queries(3):  # session, user, the count
        page = client.get(reverse("notifications:bell"))
    assert page.context["unread_count"] == 3
    assert ">3<" in page.content.decode()


def test_the_bell_shows_nothing_when_all_is_read(client, rep):
    NotificationFactory(recipient=rep, read=True)
    client.force_login(rep)
    page = client.get(reverse("notifications:bell"))
    assert "badge" not in page.content.decode()


def test_every_page_carries_the_bell(client, rep):
    client.force_login(rep)
    page = client.get(reverse("home")).content.decode()
    assert 'id="notification-bell"' in page
    assert reverse("notifications:bell") in page


@pytest.mark.parametrize("rows", [1, 50])
def test_the_list_and_dropdown_run_a_constant_number_of_queries(
    client, rep, rows, django_assert_num_queries
):
    NotificationFactory.create_batch(rows, recipient=rep)
    client.force_login(rep)
    client.get(reverse("notifications:notification-list"))
    # session, the user with their team, count, page
    with django_assert_num_queries(4):
        client.get(reverse("notifications:notification-list"))
    with django_assert_num_queries(4):  # session, user, latest, unread count
        page = client.get(reverse("notifications:latest"))
    assert len(page.context["notifications"]) == min(rows, selectors.LATEST)


def test_the_list_filters_by_kind_and_state(client, rep):
    task = NotificationFactory(recipient=rep, kind=Kind.TASK_DUE)
    read = NotificationFactory(recipient=rep, kind=Kind.FOLLOWUP_DUE, read=True)
    client.force_login(rep)
    url = reverse("notifications:notification-list")

    def shown(**params):
        return list(client.get(url, params).context["notifications"])

    assert shown(kind=Kind.TASK_DUE) == [task]
    assert shown(state="unread") == [task]
    assert shown(state="read") == [read]
    assert len(shown(kind="nonsense")) == 2


def test_mark_one_and_all_read(client, rep, other_rep):
    one, two = NotificationFactory.create_batch(2, recipient=rep)
    theirs = NotificationFactory(recipient=other_rep)
    client.force_login(rep)
    response = client.post(reverse("notifications:notification-read", args=[one.pk]))
    assert response.status_code == 302
    assert selectors.unread_count(rep) == 1
    response = client.post(
        reverse("notifications:notification-read-all"), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("notifications:notification-list")
    assert selectors.unread_count(rep) == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_opening_leads_to_the_record_and_marks_it_read(client, rep):
    customer = CustomerFactory(owner=rep)
    notification, _ = services.notify(
        recipient=rep,
        kind=Kind.FOLLOWUP_DUE,
        key="test/open",
        title="Follow-up due: %(customer)s",
        args={"customer": customer.name},
        target=customer,
        url=reverse("customers:customer-detail", args=[customer.pk]),
    )
    client.force_login(rep)
    response = client.get(reverse("notifications:notification-open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:customer-detail", args=[customer.pk])
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_record_out_of_reach_answers_404_and_says_so(client, rep, other_rep):
    customer = CustomerFactory(owner=rep)
    notification, _ = services.notify(
        recipient=rep,
        kind=Kind.FOLLOWUP_DUE,
        key="test/gone",
        title="Follow-up due: %(customer)s",
        args={"customer": customer.name},
        target=customer,
        url=reverse("customers:customer-detail", args=[customer.pk]),
    )
    customer.owner = other_rep  # handed over since
    customer.save()
    client.force_login(rep)
    response = client.get(reverse("notifications:notification-open", args=[notification.pk]))
    assert response.status_code == 404
    assert "no longer visible to you" in response.content.decode()


def test_a_digest_about_no_one_record_opens_its_page(client, manager):
    notification, _ = services.notify(
        recipient=manager,
        kind=Kind.GRADE_REVIEW,
        key="test/digest",
        title="Quarterly grade review %(period)s: %(count)s proposals wait for your decision",
        args={"period": "2026Q4", "count": 3},
        url=reverse("customers:grade-review"),
    )
    client.force_login(manager)
    response = client.get(reverse("notifications:notification-open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:grade-review")
    notification.refresh_from_db()
    assert notification.read_at is not None
