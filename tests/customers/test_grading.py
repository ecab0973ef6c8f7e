"""ABC grading: the computed grade, the admin's settings, the quarterly review, grade history."""

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from crm_site import hooks
from customers import cadence, grading, services
from customers.models import Customer, FollowUp, GradeChange, GradeProposal, GradingSettings
from customers.tasks import grade_review_task, recompute_cadence_task
from teams.models import OutboxMessage
from tests.customers.helpers import GRADING_SETTINGS
from tests.factories import CustomerFactory, FollowUpFactory, UserFactory

pytestmark = pytest.mark.django_db

Q1_END = date(2026, 3, 31)
D = Decimal


# --- the computed grade ------------------------------------------------------------------

DEFAULTS = SimpleNamespace(a_threshold=D(100), b_threshold=D(20))
CUSTOM = SimpleNamespace(a_threshold=D(50), b_threshold=D(10))


@pytest.mark.parametrize(
    ("amount", "strategic", "rules", "grade"),
    [
        (D("0"), False, DEFAULTS, "C"),
        (D("19.99"), False, DEFAULTS, "C"),
        (D("20"), False, DEFAULTS, "B"),  # Y itself is B
        (D("99.99"), False, DEFAULTS, "B"),
        (D("100"), False, DEFAULTS, "A"),  # X itself is A
        (D("5000"), False, DEFAULTS, "A"),
        (D("0"), True, DEFAULTS, "A"),  # an explicit strategic intent is A whatever it buys
        (D("30"), True, DEFAULTS, "A"),
        (D("9.99"), False, CUSTOM, "C"),
        (D("10"), False, CUSTOM, "B"),
        (D("49.99"), False, CUSTOM, "B"),
        (D("50"), False, CUSTOM, "A"),
    ],
)
def test_computed_grade(amount, strategic, rules, grade):
    assert grading.computed_grade(amount=amount, strategic=strategic, rules=rules) == grade


def test_purchases_are_the_declared_estimate_until_contracts_feed_them(rep):
    a = CustomerFactory(owner=rep, annual_purchase_estimate=D("150"))
    b = CustomerFactory(owner=rep, annual_purchase_estimate=D("3"))
    assert grading.trailing_purchases([a, b], Q1_END) == {a.pk: D("150"), b.pk: D("3")}

    seen = {}

    def contracts(*, customer_ids, start, end):
        seen.update(ids=set(customer_ids), start=start, end=end)
        return {a.pk: D("12.5")}

    def services_sold(*, customer_ids, start, end):
        return {a.pk: D("2"), 999_999: D("7")}  # a customer not asked about is ignored

    with hooks.register_temporarily(hooks.CUSTOMER_PURCHASES, contracts):
        assert grading.trailing_purchases([a, b], Q1_END) == {a.pk: D("12.5"), b.pk: D("0")}
        with hooks.register_temporarily(hooks.CUSTOMER_PURCHASES, services_sold):
            # Every source counts.
            assert grading.trailing_purchases([a, b], Q1_END) == {a.pk: D("14.5"), b.pk: D("0")}
    assert seen == {"ids": {a.pk, b.pk}, "start": date(2025, 3, 31), "end": Q1_END}
    assert grading.trailing_purchases([a], Q1_END) == {a.pk: D("150")}  # none left


@pytest.mark.parametrize(
    ("today", "quarter_end", "label"),
    [
        (date(2026, 4, 1), date(2026, 3, 31), "2026Q1"),
        (date(2026, 6, 30), date(2026, 3, 31), "2026Q1"),
        (date(2026, 7, 1), date(2026, 6, 30), "2026Q2"),
        (date(2026, 1, 1), date(2025, 12, 31), "2025Q4"),
    ],
)
def test_the_review_looks_at_the_quarter_that_just_ended(today, quarter_end, label):
    assert grading.last_quarter_end(today) == quarter_end
    assert grading.quarter_label(quarter_end) == label


# --- settings page -------------------------------------------------------------------------

SETTINGS_URL = reverse("customers:grading-settings")


def test_admin_sees_thresholds_and_the_cadence_in_words(client, admin_user):
    client.force_login(admin_user)
    response = client.get(SETTINGS_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="a_threshold" value="100.00"' in page
    assert 'name="b_threshold" value="20.00"' in page
    assert "An executive visit every 30 days and a contact every 15 days." in page
    assert "A contact every 14 days and a visit every 30 days." in page
    assert "A contact every 30 days." in page
    # The nav item is there for admins.
    assert f'href="{SETTINGS_URL}"' in page


def test_nav_item_only_for_admins(client, manager):
    client.force_login(manager)
    assert f'href="{SETTINGS_URL}"' not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"b_threshold": "100"}, "b_threshold", "Grade B must start below grade A (100)."),
        ({"b_threshold": "150"}, "b_threshold", "Grade B must start below grade A (100)."),
        ({"a_threshold": "-1"}, "a_threshold", "greater than or equal to 0"),
        ({"b_contact_days": "0"}, "b_contact_days", "greater than or equal to 1"),
        ({"a_routine_contacts": "0"}, "a_routine_contacts", "greater than or equal to 1"),
        ({"c_contact_days": ""}, "c_contact_days", "This field is required."),
    ],
)
def test_bad_settings_are_refused_and_nothing_changes(client, admin_user, change, field, message):
    client.force_login(admin_user)
    GradingSettings.load()
    before = GradingSettings.history.count()
    response = client.post(SETTINGS_URL, {**GRADING_SETTINGS, **change})
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert message in response.content.decode()
    rules = GradingSettings.load()
    assert (rules.a_threshold, rules.b_threshold, rules.b_contact_days) == (D(100), D(20), 14)
    assert GradingSettings.history.count() == before


def test_the_service_refuses_y_not_below_x(admin_user):
    with pytest.raises(services.CustomerError):
        services.grading_settings_update(by=admin_user, a_threshold=D(50), b_threshold=D(50))
    assert GradingSettings.load().a_threshold == D(100)


def test_the_service_is_for_admins_only(manager):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.grading_settings_update(by=manager, a_threshold=D(500))


def test_saving_records_history_with_who(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        SETTINGS_URL, {**GRADING_SETTINGS, "a_threshold": "80", "b_threshold": "15"}
    )
    assert response.status_code == 302
    rules = GradingSettings.load()
    assert (rules.a_threshold, rules.b_threshold) == (D(80), D(15))
    latest = rules.history.first()
    assert latest.history_user == admin_user
    assert latest.a_threshold == D(80)
    # Thresholds alone do not move any due date.
    assert not OutboxMessage.objects.exists()
    page = client.get(SETTINGS_URL).content.decode()
    assert "Grading settings saved." in page
    history = client.get(SETTINGS_URL).context["history"]
    assert history[0]["who"] == admin_user
    changed = {str(c["field"]): (c["old"], c["new"]) for c in history[0]["changes"]}
    assert changed["grade A from (10k CNY a year)"] == (D(100), D(80))


def test_a_cadence_change_queues_the_recompute_with_the_change(
    client, admin_user, sent_tasks, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(SETTINGS_URL, {**GRADING_SETTINGS, "c_contact_days": "20"})
    assert response.status_code == 302
    assert GradingSettings.load().c_contact_days == 20
    # Written with the settings; nothing sent inside the open transaction.
    waiting = OutboxMessage.objects.get(published_at=None)
    assert (waiting.task, waiting.args) == (recompute_cadence_task.name, [])
    assert sent_tasks == []
    assert len(callbacks) == 1
    callbacks[0]()  # the transaction committed
    assert sent_tasks == [(recompute_cadence_task.name, [], {})]
    assert not OutboxMessage.objects.filter(published_at=None).exists()
    page = client.get(SETTINGS_URL).content.decode()
    assert "with the new cadence is queued; the dates change once a worker has run it" in page


def _dt(day):
    return timezone.make_aware(timezone.datetime(day.year, day.month, day.day, 10))


def test_recompute_moves_every_customers_due_date(rep):
    today = timezone.localdate()
    c_new = CustomerFactory(owner=rep, grade="C", next_followup_due=None)
    c_called = CustomerFactory(owner=rep, grade="C")
    FollowUpFactory(customer=c_called, occurred_at=_dt(today - timedelta(days=10)))
    b = CustomerFactory(owner=rep, grade="B")
    FollowUpFactory(customer=b, occurred_at=_dt(today - timedelta(days=3)))
    FollowUpFactory(
        customer=b, method=FollowUp.Method.VISIT, occurred_at=_dt(today - timedelta(days=40))
    )
    a = CustomerFactory(owner=rep, grade="A")
    FollowUpFactory(
        customer=a,
        method=FollowUp.Method.VISIT,
        executive=True,
        occurred_at=_dt(today - timedelta(days=5)),
    )
    GradingSettings.objects.filter(pk=GradingSettings.load().pk).update(
        c_contact_days=20, b_visit_days=60, a_routine_contacts=3
    )

    changed = services.customers_recompute_cadence(batch_size=2)

    for customer in (c_new, c_called, b, a):
        customer.refresh_from_db()
    created = timezone.localdate(c_new.created_at)
    assert c_new.next_followup_due == created + timedelta(days=20)
    assert c_new.last_followup_at is None
    assert c_called.next_followup_due == today + timedelta(days=10)
    # B: min(last contact 3 days ago + 14, last visit 40 days ago + 60)
    assert b.next_followup_due == today + timedelta(days=11)
    assert b.last_followup_at == _dt(today - timedelta(days=3))
    # A: min(executive visit 5 days ago + 30, last contact 5 days ago + 30/3)
    assert a.next_followup_due == today + timedelta(days=5)
    assert changed == 4
    # A second run finds nothing to change.
    assert services.customers_recompute_cadence() == 0


def test_recompute_runs_a_constant_number_of_queries_per_batch(rep, django_assert_num_queries):
    GradingSettings.load()
    customer = CustomerFactory(owner=rep, next_followup_due=None)
    FollowUpFactory(customer=customer)
    with django_assert_num_queries(5) as one:  # settings, customers, follow-ups, update, end
        services.customers_recompute_cadence()
    Customer.objects.update(next_followup_due=None)
    for _ in range(49):
        FollowUpFactory(customer=CustomerFactory(owner=rep, next_followup_due=None))
    with django_assert_num_queries(len(one.captured_queries)):
        assert services.customers_recompute_cadence() == 50


def test_the_task_calls_the_service(rep):
    customer = CustomerFactory(owner=rep, next_followup_due=None)
    assert recompute_cadence_task() == 1
    customer.refresh_from_db()
    assert customer.next_followup_due is not None


# --- quarterly review: proposals ---------------------------------------------------------


@pytest.fixture
def graded(rep, other_rep):
    """Customers whose computed grade differs from their grade, and some where it does not."""
    return {
        "up": CustomerFactory(owner=rep, grade="C", annual_purchase_estimate=D("150")),
        "down": CustomerFactory(
            owner=rep,
            grade="B",
            grade_source=Customer.GradeSource.MANUAL,
            annual_purchase_estimate=D("5"),
        ),
        "strategic": CustomerFactory(
            owner=rep, grade="C", strategic=True, annual_purchase_estimate=D("0")
        ),
        "same": CustomerFactory(owner=rep, grade="A", annual_purchase_estimate=D("100")),
        "same_c": CustomerFactory(owner=rep, grade="C", annual_purchase_estimate=D("19.99")),
        "elsewhere": CustomerFactory(
            owner=other_rep, grade="B", annual_purchase_estimate=D("20000")
        ),
    }


def test_review_proposes_only_where_the_computed_grade_differs(graded):
    assert services.grade_review_propose(as_of=Q1_END) == 4
    proposals = {
        p.customer_id: (p.period, p.current_grade, p.proposed_grade, p.basis_amount, p.status)
        for p in GradeProposal.objects.all()
    }
    assert proposals == {
        graded["up"].pk: ("2026Q1", "C", "A", D("150"), "pending"),
        graded["down"].pk: ("2026Q1", "B", "C", D("5"), "pending"),  # manual grades too
        graded["strategic"].pk: ("2026Q1", "C", "A", D("0"), "pending"),
        graded["elsewhere"].pk: ("2026Q1", "B", "A", D("20000"), "pending"),
    }
    # Proposing changes nothing yet.
    graded["up"].refresh_from_db()
    assert graded["up"].grade == "C"
    assert not GradeChange.objects.exists()


def test_a_second_run_in_the_same_quarter_is_a_no_op(graded):
    assert services.grade_review_propose(as_of=Q1_END) == 4
    assert services.grade_review_propose(as_of=date(2026, 2, 15)) == 0  # same quarter
    assert GradeProposal.objects.count() == 4


def test_the_next_quarter_closes_older_pending_proposals(graded, manager):
    services.grade_review_propose(as_of=Q1_END)
    old_up = GradeProposal.objects.get(customer=graded["up"])
    services.grade_proposals_decide(
        by=manager, proposals=GradeProposal.objects.filter(customer=graded["down"]), confirm=False
    )
    assert services.grade_review_propose(as_of=date(2026, 6, 30)) == 4
    old_up.refresh_from_db()
    assert old_up.status == GradeProposal.Status.REJECTED
    assert old_up.decided_by is None  # closed by the system, not by a person
    assert GradeProposal.objects.filter(status="pending", period="2026Q2").count() == 4
    # The decided one keeps its decision and who made it.
    assert GradeProposal.objects.get(customer=graded["down"], period="2026Q1").decided_by == manager


def test_review_uses_registered_purchases(rep):
    customer = CustomerFactory(owner=rep, grade="C", annual_purchase_estimate=D("0"))

    def contracts(*, customer_ids, start, end):
        return {customer.pk: D("45")}

    with hooks.register_temporarily(hooks.CUSTOMER_PURCHASES, contracts):
        assert services.grade_review_propose(as_of=Q1_END) == 1
    proposal = GradeProposal.objects.get()
    assert (proposal.proposed_grade, proposal.basis_amount) == ("B", D("45"))


def test_the_beat_runs_the_review_on_the_first_day_of_each_quarter():
    entry = next(
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "customers.tasks.grade_review_task"
    )
    schedule = entry["schedule"]
    assert schedule.month_of_year == {1, 4, 7, 10}
    assert schedule.day_of_month == {1}
    assert schedule.hour == {2}


def test_the_task_reviews_the_quarter_that_just_ended(graded):
    assert grade_review_task() == 4
    label = grading.quarter_label(grading.last_quarter_end(timezone.localdate()))
    assert set(GradeProposal.objects.values_list("period", flat=True)) == {label}
    assert grade_review_task(as_of="2026-03-31") == 4
    assert grade_review_task(as_of="2026-03-31") == 0


# --- quarterly review: the managers' page --------------------------------------------------

REVIEW_URL = reverse("customers:grade-review")


@pytest.fixture
def proposals(graded):
    services.grade_review_propose(as_of=Q1_END)
    return {key: GradeProposal.objects.filter(customer=c).first() for key, c in graded.items()}


def test_a_manager_sees_only_their_teams_proposals(client, manager, proposals):
    client.force_login(manager)
    response = client.get(REVIEW_URL)
    shown = {p.pk for p in response.context["proposals"]}
    assert shown == {proposals[k].pk for k in ("up", "down", "strategic")}
    page = response.content.decode()
    assert proposals["up"].customer.name in page
    assert proposals["elsewhere"].customer.name not in page
    assert "150.00" in page  # the basis amount


def test_a_director_sees_every_proposal(client, director, proposals):
    client.force_login(director)
    assert len(client.get(REVIEW_URL).context["proposals"]) == 4


def test_confirming_in_bulk_changes_grades_with_history(client, manager, rep, proposals):
    client.force_login(manager)
    up, down, other = proposals["up"], proposals["down"], proposals["elsewhere"]
    response = client.post(
        REVIEW_URL,
        {"decision": "confirm", "proposals": [up.pk, down.pk, other.pk, "junk", 999999]},
    )
    assert response.status_code == 302
    assert "2 grade changes confirmed." in client.get(REVIEW_URL).content.decode()

    customer = Customer.objects.get(pk=up.customer_id)
    assert customer.grade == "A"
    assert customer.grade_source == Customer.GradeSource.COMPUTED
    # The manager's confirmation is the second check: the new A is not left pending.
    assert customer.second_check == Customer.SecondCheck.CONFIRMED
    # The cadence follows the new grade.
    rules = GradingSettings.load()
    assert customer.next_followup_due == cadence.next_due(
        grade="A", rules=rules, created=timezone.localdate(customer.created_at)
    )
    change = customer.grade_changes.get()
    assert (change.from_grade, change.to_grade, change.source) == ("C", "A", "review")
    assert change.changed_by == manager
    # Stored untranslated: each reader sees the reason in their own language.
    assert change.reason_text == (
        "Quarterly review 2026Q1: 150.00 (10k CNY) in the trailing 12 months"
    )
    with translation.override("zh-hans"):
        assert change.reason_text == "季度复核（2026Q1）：近12个月签约额 150.00 万元"

    assert Customer.objects.get(pk=down.customer_id).grade == "C"
    up.refresh_from_db()
    assert (up.status, up.decided_by) == ("confirmed", manager)
    assert up.decided_at is not None

    # Another team's proposal id was ignored.
    other.refresh_from_db()
    assert other.status == "pending"
    assert Customer.objects.get(pk=other.customer_id).grade == "B"


def test_rejecting_keeps_the_grade(client, manager, proposals):
    client.force_login(manager)
    client.post(REVIEW_URL, {"decision": "reject", "proposals": [proposals["up"].pk]})
    proposals["up"].refresh_from_db()
    assert (proposals["up"].status, proposals["up"].decided_by) == ("rejected", manager)
    assert Customer.objects.get(pk=proposals["up"].customer_id).grade == "C"
    assert not GradeChange.objects.exists()
    assert "1 grade change rejected." in client.get(REVIEW_URL).content.decode()


def test_deciding_twice_is_a_no_op(client, manager, proposals):
    up = proposals["up"]
    assert services.grade_proposals_decide(by=manager, proposals=[up], confirm=True) == 1
    assert services.grade_proposals_decide(by=manager, proposals=[up], confirm=False) == 0
    up.refresh_from_db()
    assert up.status == "confirmed"
    assert GradeChange.objects.count() == 1
    client.force_login(manager)
    client.post(REVIEW_URL, {"decision": "reject", "proposals": [up.pk]})
    assert "Select at least one pending proposal." in client.get(REVIEW_URL).content.decode()
    assert Customer.objects.get(pk=up.customer_id).grade == "A"


def test_nothing_selected_is_a_clear_message(client, manager, proposals):
    client.force_login(manager)
    client.post(REVIEW_URL, {"decision": "confirm"})
    assert "Select at least one pending proposal." in client.get(REVIEW_URL).content.decode()
    assert GradeProposal.objects.filter(status="pending").count() == 4


def test_the_service_ignores_what_the_manager_cannot_see(manager, proposals):
    other = proposals["elsewhere"]
    assert services.grade_proposals_decide(by=manager, proposals=[other.pk], confirm=True) == 0
    other.refresh_from_db()
    assert other.status == "pending"


def test_the_service_refuses_reps(rep, proposals):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.grade_proposals_decide(by=rep, proposals=[proposals["up"]], confirm=True)


def test_review_page_query_count_is_constant(client, manager, rep, django_assert_num_queries):
    customer = CustomerFactory(owner=rep, annual_purchase_estimate=D("150"))
    services.grade_review_propose(as_of=Q1_END)
    client.force_login(manager)
    client.get(REVIEW_URL)  # warm caches
    with django_assert_num_queries(5) as one:
        response = client.get(REVIEW_URL)
    assert len(response.context["proposals"]) == 1
    GradeProposal.objects.all().delete()
    customer.delete()
    for i in range(50):
        CustomerFactory(owner=rep if i % 2 else manager, annual_purchase_estimate=D("150"))
    services.grade_review_propose(as_of=Q1_END)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(REVIEW_URL)
    assert len(response.context["proposals"]) == 50


def test_home_panel_counts_grade_changes_to_review(client, manager, rep, proposals):
    client.force_login(manager)
    page = client.get(reverse("home")).content.decode()
    assert "Grade changes to review (3)" in page
    assert f'href="{REVIEW_URL}"' in page
    client.force_login(rep)
    assert "Grade changes to review" not in client.get(reverse("home")).content.decode()


# --- grade history -------------------------------------------------------------------------


def test_every_grade_change_is_kept_with_from_to_why_who_when(manager, rep, proposals):
    customer = proposals["up"].customer
    services.customer_update(
        by=rep,
        customer=customer,
        grade="B",
        grade_source=Customer.GradeSource.MANUAL,
        reason="关系降级",
    )
    services.grade_proposals_decide(by=manager, proposals=[proposals["up"]], confirm=True)
    changes = list(customer.grade_changes.order_by("changed_at", "pk"))
    assert [(c.from_grade, c.to_grade, c.source, c.changed_by) for c in changes] == [
        ("C", "B", "manual", rep),
        ("B", "A", "review", manager),
    ]
    assert changes[0].reason == "关系降级"
    assert all(c.changed_at for c in changes)

    with translation.override("en"):
        html = render_to_string(
            "customers/partials.html#grade_history",
            {"customer": Customer.objects.get(pk=customer.pk)},
        )
    assert "Changed by hand" in html and "Quarterly review" in html
    assert "关系降级" in html
    assert manager.display_name in html and rep.display_name in html
    assert html.index("Quarterly review") < html.index("Changed by hand")  # newest first


def test_grade_history_says_when_there_is_none():
    customer = CustomerFactory(owner=UserFactory())
    with translation.override("en"):
        html = render_to_string("customers/partials.html#grade_history", {"customer": customer})
    assert "No grade changes yet." in html
