"""客户交接: a manager or admin moves all or some customers of a user, and their open work
(customers' open tasks, and whatever later apps register as CUSTOMER_HANDOVER hooks)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from crm_site import hooks
from customers import moves, services, timeline
from customers.models import Customer, CustomerShare, Handover, Task
from teams.models import Role, User
from tests.factories import CustomerFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("customers:handover")


@pytest.fixture
def rep2(org):
    """A second rep in the manager's team: the one who receives."""
    return UserFactory(username="rep2", role=Role.SALES_REP, team=org["team_a"])


@pytest.fixture
def book(rep, manager):
    """Three customers of `rep`, with open and done tasks."""
    customers = [CustomerFactory(owner=rep, name=f"交接客户{i}有限公司") for i in range(3)]
    return {
        "customers": customers,
        "open": TaskFactory(customer=customers[0], owner=rep, title="发报价"),
        "open2": TaskFactory(customer=customers[1], owner=rep, title="约拜访"),
        "done": TaskFactory(customer=customers[0], owner=rep, done_at=timezone.now()),
        # Someone else's task on the same customer stays theirs.
        "managers": TaskFactory(customer=customers[0], owner=manager, title="经理跟进"),
    }


def owners(customers):
    return {c.pk: Customer.objects.get(pk=c.pk).owner.username for c in customers}


def moved(handover):
    """What moved, as the records show it (hooks.describe): kinds with nothing to move, such
    as a later app's rows these customers do not have, are left out."""
    return {m.key: m.count for m in handover.moves if m.count}


# --- the service -----------------------------------------------------------------------------


def test_all_customers_and_their_open_tasks_move(manager, rep, rep2, book):
    handover = services.customers_handover(by=manager, from_user=rep, to_user=rep2, note="离职")

    assert set(owners(book["customers"]).values()) == {"rep2"}
    for key in ("open", "open2"):
        assert Task.objects.get(pk=book[key].pk).owner == rep2
    assert Task.objects.get(pk=book["done"].pk).owner == rep  # done tasks are history
    assert Task.objects.get(pk=book["managers"].pk).owner == manager
    assert moved(handover) == {"tasks": 2}
    assert (handover.from_user, handover.to_user, handover.by, handover.note) == (
        rep,
        rep2,
        manager,
        "离职",
    )
    assert set(handover.customers.all()) == set(book["customers"])


def test_only_the_selected_customers_move(manager, rep, rep2, book):
    first, second, third = book["customers"]
    handover = services.customers_handover(
        by=manager, from_user=rep, to_user=rep2, customers=[first, third.pk]
    )
    assert owners(book["customers"]) == {first.pk: "rep2", second.pk: "rep", third.pk: "rep2"}
    assert Task.objects.get(pk=book["open"].pk).owner == rep2
    assert Task.objects.get(pk=book["open2"].pk).owner == rep  # on a customer that stayed
    assert moved(handover) == {"tasks": 1}
    assert set(handover.customers.all()) == {first, third}


def test_a_deactivated_users_customers_can_be_handed_over(manager, rep, rep2, book):
    rep.is_active = False
    rep.save()
    services.customers_handover(by=manager, from_user=rep, to_user=rep2)
    assert set(owners(book["customers"]).values()) == {"rep2"}


def test_customers_outside_the_managers_scope_are_ignored(manager, rep, rep2, other_rep, book):
    elsewhere = CustomerFactory(owner=other_rep)
    shared_in = CustomerFactory(owner=other_rep)
    CustomerShare.objects.create(customer=shared_in, user=manager)
    handover = services.customers_handover(
        by=manager,
        from_user=rep,
        to_user=rep2,
        customers=[book["customers"][0], elsewhere, shared_in],
    )
    assert set(handover.customers.all()) == {book["customers"][0]}
    assert Customer.objects.get(pk=elsewhere.pk).owner == other_rep
    assert Customer.objects.get(pk=shared_in.pk).owner == other_rep


def test_users_outside_the_managers_scope_are_refused(manager, rep, other_rep, book):
    CustomerFactory(owner=other_rep)
    with pytest.raises(PermissionDenied):
        services.customers_handover(by=manager, from_user=other_rep, to_user=rep)
    with pytest.raises(PermissionDenied):
        services.customers_handover(by=manager, from_user=rep, to_user=other_rep)
    assert set(owners(book["customers"]).values()) == {"rep"}
    assert not Handover.objects.exists()


@pytest.mark.parametrize("role_fixture", ["rep", "legal", "delivery", "aftersales"])
def test_only_managers_and_admins_hand_over(request, rep, rep2, book, role_fixture):
    with pytest.raises(PermissionDenied):
        services.customers_handover(
            by=request.getfixturevalue(role_fixture), from_user=rep, to_user=rep2
        )
    assert set(owners(book["customers"]).values()) == {"rep"}


def test_an_admin_hands_over_across_teams(admin_user, rep, other_rep, book):
    services.customers_handover(by=admin_user, from_user=rep, to_user=other_rep)
    assert set(owners(book["customers"]).values()) == {"other_rep"}


@pytest.mark.parametrize(
    ("receiver", "message"),
    [
        ("same", "Choose someone else to receive the customers."),
        ("inactive", "is deactivated and cannot receive customers."),
        ("legal", "does not work with customers and cannot receive them."),
    ],
)
def test_bad_receivers_are_refused_and_nothing_changes(manager, rep, org, book, receiver, message):
    to_user = {
        "same": rep,
        "inactive": UserFactory(team=org["team_a"], is_active=False),
        "legal": UserFactory(team=org["team_a"], role=Role.LEGAL),
    }[receiver]
    with pytest.raises(services.CustomerError, match=message):
        services.customers_handover(by=manager, from_user=rep, to_user=to_user)
    assert set(owners(book["customers"]).values()) == {"rep"}
    assert Task.objects.get(pk=book["open"].pk).owner == rep
    assert not Handover.objects.exists()


def test_nothing_to_hand_over_is_refused(manager, rep, rep2):
    with pytest.raises(services.CustomerError, match="none of these customers"):
        services.customers_handover(by=manager, from_user=rep, to_user=rep2)


def test_the_handover_is_recorded_on_the_timeline_and_in_history(manager, rep, rep2, book):
    customer = book["customers"][0]
    services.customers_handover(by=manager, from_user=rep, to_user=rep2, note="区域调整")
    events = [e for e in timeline.events_for(customer, manager) if e.kind == "handover"]
    assert len(events) == 1
    assert rep.display_name in str(events[0].title) and rep2.display_name in str(events[0].title)
    assert events[0].body == "区域调整\nMoved with the customers: open tasks 2"
    assert events[0].who == manager
    record = customer.history.first()
    assert (record.owner_id, record.history_user, record.history_change_reason) == (
        rep2.pk,
        manager,
        "Customer handover",
    )


def test_the_receivers_share_is_dropped_once_they_own_it(manager, rep, rep2, book):
    customer = book["customers"][0]
    CustomerShare.objects.create(customer=customer, user=rep2, can_edit=False)
    services.customers_handover(by=manager, from_user=rep, to_user=rep2, customers=[customer])
    assert not CustomerShare.objects.filter(customer=customer, user=rep2).exists()


# --- the page ----------------------------------------------------------------------------


def test_picking_a_user_lists_their_customers_all_selected(client, manager, rep, rep2, book):
    client.force_login(manager)
    response = client.get(URL, {"from": rep.pk})
    assert response.status_code == 200
    rows = response.context["customer_rows"]
    assert [r["customer"].pk for r in rows] == sorted(
        (c.pk for c in book["customers"]), key=lambda pk: Customer.objects.get(pk=pk).name
    )
    assert all(r["checked"] for r in rows)
    open_tasks = {r["customer"].pk: r["customer"].open_tasks for r in rows}
    assert open_tasks[book["customers"][0].pk] == 1  # rep's open task, not the done one
    page = response.content.decode()
    for customer in book["customers"]:
        assert customer.name in page
    receivers = set(response.context["form"].fields["to_user"].queryset)
    assert rep2 in receivers and rep not in receivers


def test_the_user_choices_follow_the_scope(client, manager, admin_user, rep, other_rep, org):
    CustomerFactory(owner=rep)
    CustomerFactory(owner=other_rep)
    gone = UserFactory(username="gone", team=org["team_a"], is_active=False)
    CustomerFactory(owner=gone)
    client.force_login(manager)
    sources = set(client.get(URL).context["source"].fields["from"].queryset)
    assert sources == {rep, gone}  # deactivated included; nobody without customers
    response = client.get(URL, {"from": other_rep.pk})
    assert response.context["form"] is None
    assert "Choose a colleague in your teams who owns customers" in response.content.decode()

    client.force_login(admin_user)
    sources = set(client.get(URL).context["source"].fields["from"].queryset)
    assert sources == {rep, other_rep, gone}
    page = client.get(URL).content.decode()
    assert "deactivated" in page


def test_handing_over_through_the_page_shows_what_will_happen_then_asks_to_confirm(
    client, manager, rep, rep2, book
):
    first, second, third = book["customers"]
    client.force_login(manager)
    choice = {
        "from": rep.pk,
        "customers": [first.pk, second.pk],
        "to_user": rep2.pk,
        "note": "休假",
    }

    # The first POST changes nothing: it says how many customers, what moves along, to whom.
    review = client.post(URL, choice)
    assert review.status_code == 200
    confirm = review.context["confirm"]
    assert (confirm["count"], confirm["to_user"], confirm["keeps"]) == (2, rep2, 1)
    assert confirm["moves"] == [("open tasks", 2)]
    assert confirm["deactivate"] is False
    page = review.content.decode()
    assert f"2 customers of {rep.display_name} go to {rep2.display_name}." in page
    assert f"{rep.display_name} keeps 1 customer." in page
    assert set(owners(book["customers"]).values()) == {"rep"}
    assert not Handover.objects.exists()

    # "Change the choice" goes back to the form with what was chosen, still nothing done.
    back = client.post(URL, {**choice, "change": "1"})
    assert back.context.get("confirm") is None
    checked = {r["customer"].pk for r in back.context["customer_rows"] if r["checked"]}
    assert checked == {first.pk, second.pk}
    assert not Handover.objects.exists()

    response = client.post(URL, {**choice, "confirmed": "1"})
    assert response.status_code == 302
    assert response.url == f"{URL}?from={rep.pk}&done=1"
    assert owners(book["customers"]) == {first.pk: "rep2", second.pk: "rep2", third.pk: "rep"}
    after = client.get(response.url)
    assert (
        f"Handed over 2 customers from {rep.display_name} to {rep2.display_name}, "
        "with open tasks 2." in after.content.decode()
    )
    # After a handover nothing is pre-selected: the rest waits for a new choice.
    assert [r["customer"].pk for r in after.context["customer_rows"]] == [third.pk]
    assert not any(r["checked"] for r in after.context["customer_rows"])
    handover = Handover.objects.get()
    assert (handover.by, handover.note, moved(handover)) == (manager, "休假", {"tasks": 2})
    assert rep.__class__.objects.get(pk=rep.pk).is_active  # a plain handover deactivates no one


def test_the_confirm_step_counts_what_later_apps_move(client, manager, rep, rep2, book):
    client.force_login(manager)
    with hooks.register_temporarily(hooks.CUSTOMER_HANDOVER, move_done_tasks):
        review = client.post(
            URL, {"from": rep.pk, "customers": [book["customers"][0].pk], "to_user": rep2.pk}
        )
    assert review.context["confirm"]["moves"] == [("open tasks", 1), ("done tasks", 1)]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"customers": []}, "customers", "Select at least one customer."),
        ({"to_user": ""}, "to_user", "This field is required."),
        ({"to_user": "same"}, "to_user", "Choose an active sales colleague in your teams."),
        ({"to_user": "other"}, "to_user", "Choose an active sales colleague in your teams."),
        ({"to_user": "inactive"}, "to_user", "Choose an active sales colleague in your teams."),
        ({"note": "长" * 301}, "note", "at most 300 characters"),
    ],
)
def test_bad_input_is_explained_and_nothing_changes(
    client, manager, rep, rep2, other_rep, org, book, change, field, message
):
    users = {
        "same": rep.pk,
        "other": other_rep.pk,
        "inactive": UserFactory(team=org["team_a"], is_active=False).pk,
    }
    data = {
        "from": rep.pk,
        "customers": [c.pk for c in book["customers"]],
        "to_user": rep2.pk,
        "note": "",
        **change,
    }
    data["to_user"] = users.get(data["to_user"], data["to_user"])
    client.force_login(manager)
    response = client.post(URL, data)
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert message in response.content.decode()
    assert set(owners(book["customers"]).values()) == {"rep"}
    assert not Handover.objects.exists()
    # What was checked stays checked.
    checked = {r["customer"].pk for r in response.context["customer_rows"] if r["checked"]}
    assert checked == set(data["customers"])


def test_a_post_for_someone_out_of_scope_is_refused(client, manager, rep, other_rep):
    theirs = CustomerFactory(owner=other_rep)
    client.force_login(manager)
    response = client.post(URL, {"from": other_rep.pk, "customers": [theirs.pk], "to_user": rep.pk})
    assert response.status_code == 200
    assert response.context["form"] is None
    assert Customer.objects.get(pk=theirs.pk).owner == other_rep


def test_user_admin_page_links_to_the_handover(client, admin_user, rep):
    client.force_login(admin_user)
    page = client.get(reverse("teams:user-detail", args=[rep.pk])).content.decode()
    assert f'href="{URL}?from={rep.pk}"' in page


def test_nav_shows_handover_to_managers_only(client, manager, rep):
    client.force_login(manager)
    assert f'href="{URL}"' in client.get(reverse("home")).content.decode()
    client.force_login(rep)
    assert f'href="{URL}"' not in client.get(reverse("home")).content.decode()


def test_page_query_count_does_not_grow_with_customers(
    client, manager, rep, django_assert_num_queries
):
    CustomerFactory(owner=rep)
    client.force_login(manager)
    client.get(URL, {"from": rep.pk})
    # 8 (the receiver is searched, not listed; the shell is the session and the user with
    # their team), and one count per later app's CUSTOMER_HANDOVER hook (opportunities: 1,
    # contracts: 1)
    with django_assert_num_queries(10) as one:
        client.get(URL, {"from": rep.pk})
    for _ in range(49):
        TaskFactory(customer=CustomerFactory(owner=rep))
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(URL, {"from": rep.pk})
    assert len(response.context["customer_rows"]) == 50


# --- what moves with the customers: the CUSTOMER_HANDOVER hooks ---------------------------------


def move_done_tasks(*, customer_ids, from_user, to_user, by, dry_run):
    """A later app's move, written like one (its rows here: the departing owner's done
    tasks, which customers itself leaves as history)."""
    rows = Task.objects.filter(customer_id__in=customer_ids, owner=from_user, done_at__isnull=False)
    return hooks.move("done", "done tasks", rows, dry_run=dry_run, owner=to_user)


def test_a_handover_moves_what_the_hooks_register(client, manager, rep, rep2, book):
    first, second, _third = book["customers"]
    client.force_login(manager)
    with hooks.register_temporarily(hooks.CUSTOMER_HANDOVER, move_done_tasks):
        page = client.get(URL, {"from": rep.pk})
        assert page.context["moves_with_all"] == "open tasks 2, done tasks 1"
        client.post(
            URL,
            {
                "from": rep.pk,
                "customers": [first.pk, second.pk],
                "to_user": rep2.pk,
                "confirmed": "1",
            },
        )
    assert Task.objects.get(pk=book["done"].pk).owner == rep2
    handover = Handover.objects.get()
    assert moved(handover) == {"tasks": 2, "done": 1}
    [event] = [e for e in timeline.events_for(first, manager) if e.kind == "handover"]
    assert event.body == "Moved with the customers: open tasks 2, done tasks 1"


def test_without_its_hook_a_row_stays_with_the_departing_owner(manager, rep, rep2, book):
    with hooks.unregister_temporarily(hooks.CUSTOMER_HANDOVER, moves.move_open_tasks):
        handover = services.customers_handover(by=manager, from_user=rep, to_user=rep2)
    assert moved(handover) == {}
    assert Task.objects.get(pk=book["open"].pk).owner == rep


def test_bulk_reassign_runs_the_hooks_once_per_old_owner(manager, rep, rep2, book, org):
    third_rep = UserFactory(username="rep3", role=Role.SALES_REP, team=org["team_a"])
    theirs = CustomerFactory(owner=third_rep)
    TaskFactory(customer=theirs, owner=third_rep, done_at=timezone.now())
    calls = []

    def spy(*, customer_ids, from_user, to_user, by, dry_run):
        calls.append((sorted(customer_ids), from_user, to_user, by, dry_run))

    first = book["customers"][0]
    with (
        hooks.register_temporarily(hooks.CUSTOMER_HANDOVER, move_done_tasks),
        hooks.register_temporarily(hooks.CUSTOMER_HANDOVER, spy),
    ):
        services.customers_bulk_reassign(by=manager, customers=[first, theirs], to_user=rep2)
    assert sorted(calls, key=lambda c: c[1].username) == [
        ([first.pk], rep, rep2, manager, False),
        ([theirs.pk], third_rep, rep2, manager, False),
    ]
    # Each old owner's work moved, open and (through the later app's hook) done.
    left = Task.objects.filter(customer__in=[first, theirs]).exclude(owner__in=[rep2, manager])
    assert not left.exists()
    assert Task.objects.get(pk=book["managers"].pk).owner == manager


# --- 离职交接: deactivating a user who owns customers offers the handover in the same flow ------

DEACTIVATE_CONFIRM = "teams:user-deactivate-confirm"


def test_deactivating_asks_first_and_offers_the_handover(client, admin_user, rep, book):
    client.force_login(admin_user)
    detail = client.get(reverse("teams:user-detail", args=[rep.pk])).content.decode()
    assert reverse(DEACTIVATE_CONFIRM, args=[rep.pk]) in detail  # a link to a page, not a POST

    response = client.get(reverse(DEACTIVATE_CONFIRM, args=[rep.pk]))
    assert response.status_code == 200
    assert [(r["label"], r["count"]) for r in response.context["held"]] == [("customers", 3)]
    assert response.context["handover_url"] == f"{URL}?from={rep.pk}&deactivate=1"
    assert "still owns" in response.content.decode()
    assert User.objects.get(pk=rep.pk).is_active  # looking changes nothing


def test_deactivating_someone_without_customers_is_a_plain_confirm(client, admin_user, rep2):
    client.force_login(admin_user)
    response = client.get(reverse(DEACTIVATE_CONFIRM, args=[rep2.pk]))
    assert response.context["held"] == [] and response.context["handover_url"] == ""
    assert 'id="confirm-deactivate"' in response.content.decode()


def test_admin_hands_over_and_deactivates_in_one_confirmed_step(
    client, admin_user, rep, rep2, book
):
    client.force_login(admin_user)
    page = client.get(URL, {"from": rep.pk, "deactivate": "1"})
    form = page.context["form"]
    assert form.fields["deactivate"].initial is True
    assert all(r["checked"] for r in page.context["customer_rows"])  # all of them go
    choice = {
        "from": rep.pk,
        "customers": [c.pk for c in book["customers"]],
        "to_user": rep2.pk,
        "deactivate": "on",
        "note": "离职",
    }

    review = client.post(URL, choice)
    confirm = review.context["confirm"]
    assert (confirm["count"], confirm["to_user"], confirm["deactivate"]) == (3, rep2, True)
    assert confirm["moves"] == [("open tasks", 2)]
    assert "can no longer log in" in review.content.decode()
    assert User.objects.get(pk=rep.pk).is_active and not Handover.objects.exists()

    response = client.post(URL, {**choice, "deactivate": "1", "confirmed": "1"})
    assert response.status_code == 302
    assert response.url == reverse("teams:user-detail", args=[rep.pk])
    assert set(owners(book["customers"]).values()) == {"rep2"}
    assert not User.objects.get(pk=rep.pk).is_active
    assert Handover.objects.get().note == "离职"
    page = client.get(response.url).content.decode()
    assert "was deactivated" in page and "Handed over 3 customers" in page


def test_the_handover_is_undone_when_the_deactivation_is_refused(admin_user, rep, rep2, book):
    """One transaction: a protected account (staff) may not be deactivated by an app admin, so
    its customers do not move either."""
    User.objects.filter(pk=rep.pk).update(is_staff=True)
    rep.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.customers_handover_and_deactivate(by=admin_user, from_user=rep, to_user=rep2)
    assert set(owners(book["customers"]).values()) == {"rep"}
    assert not Handover.objects.exists() and User.objects.get(pk=rep.pk).is_active


def test_a_manager_hands_over_but_does_not_deactivate(client, manager, rep, rep2, book):
    with pytest.raises(PermissionDenied):
        services.customers_handover_and_deactivate(by=manager, from_user=rep, to_user=rep2)
    client.force_login(manager)
    page = client.get(URL, {"from": rep.pk, "deactivate": "1"})
    assert "deactivate" not in page.context["form"].fields
    data = {
        "from": rep.pk,
        "customers": [c.pk for c in book["customers"]],
        "to_user": rep2.pk,
        "deactivate": "1",
        "confirmed": "1",
    }
    client.post(URL, data)
    assert set(owners(book["customers"]).values()) == {"rep2"}
    assert User.objects.get(pk=rep.pk).is_active  # the flag was not theirs to send


@pytest.mark.parametrize("fixture", ["rep", "manager"])
def test_only_an_admin_reaches_deactivation(client, request, fixture, rep2):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse(DEACTIVATE_CONFIRM, args=[rep2.pk])).status_code == 403
    assert client.post(reverse("teams:user-deactivate", args=[rep2.pk])).status_code == 403
    assert User.objects.get(pk=rep2.pk).is_active


def test_a_rep_cannot_reach_the_handover(client, rep, rep2):
    client.force_login(rep)
    assert client.get(URL, {"from": rep2.pk}).status_code == 403
    assert client.post(URL, {"from": rep2.pk, "confirmed": "1"}).status_code == 403


def test_the_user_list_flags_inactive_users_who_still_own_customers(
    client, admin_user, rep, org, django_assert_num_queries
):
    gone = UserFactory(username="gone", team=org["team_a"], is_active=False)
    CustomerFactory(owner=gone)
    CustomerFactory(owner=gone)
    UserFactory(username="gone_empty", team=org["team_a"], is_active=False)
    CustomerFactory(owner=rep)  # active: nothing to flag
    client.force_login(admin_user)
    url = reverse("teams:user-list")
    response = client.get(url)
    flagged = {
        u.username: [(r["label"], r["count"]) for r in u.held] for u in response.context["users"]
    }
    assert flagged["gone"] == [("customers", 2)]
    assert flagged["gone_empty"] == [] and flagged["rep"] == [("customers", 1)]
    page = response.content.decode()
    assert page.count("still-owns") == 1  # the flag is for inactive owners only

    detail = client.get(reverse("teams:user-detail", args=[gone.pk])).content.decode()
    assert "Deactivated but still owns" in detail and f"{URL}?from={gone.pk}" in detail

    # A constant number of queries, however many users own customers.
    with django_assert_num_queries(5) as first:
        client.get(url)
    for i in range(20):
        CustomerFactory(owner=UserFactory(username=f"left{i}", team=org["team_b"], is_active=False))
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("still-owns") == 21


def test_unticking_deactivate_hands_over_only_and_keeps_the_offer(
    client, admin_user, rep, rep2, book
):
    client.force_login(admin_user)
    data = {"from": rep.pk, "customers": [book["customers"][0].pk], "leave": "1"}
    refused = client.post(URL, data)  # no receiver: the form comes back, the offer with it
    assert "deactivate" in refused.context["form"].fields
    review = client.post(URL, {**data, "to_user": rep2.pk})
    assert review.context["confirm"]["deactivate"] is False
    client.post(URL, {**data, "to_user": rep2.pk, "confirmed": "1"})
    assert Customer.objects.get(pk=book["customers"][0].pk).owner == rep2
    assert User.objects.get(pk=rep.pk).is_active
